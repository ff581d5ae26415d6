"""flatten: struct columns become one column per (nested) field, in the struct's place (Glue Flatten)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from jobs.engine.nodeutil import columns_schema, no_duplicates, obj, require_columns, the_input
from jobs.engine.registry import Context, ExportContext, NodeProblem, NodeType, register


def flat_exprs(expr: pl.Expr, name: str, dtype: Any, separator: str) -> list[pl.Expr]:
    if not isinstance(dtype, pl.Struct):
        return [expr.alias(name)]
    result: list[pl.Expr] = []
    for f in dtype.fields:
        result += flat_exprs(expr.struct.field(f.name), f"{name}{separator}{f.name}", f.dtype, separator)
    return result


def flatten(frame: pl.LazyFrame, columns: Sequence[str] | None, separator: str) -> pl.LazyFrame:
    schema = frame.collect_schema()
    chosen = set(columns) if columns else {n for n, d in schema.items() if isinstance(d, pl.Struct)}
    exprs: list[pl.Expr] = []
    for name, dtype in schema.items():
        exprs += flat_exprs(pl.col(name), name, dtype, separator) if name in chosen else [pl.col(name)]
    return frame.select(exprs)


@register
class Flatten(NodeType):
    key = "flatten"
    label = "Flatten"
    category = "reshaping"
    preserves_rows = True
    glue = "Flatten"
    params_schema = obj({"columns": columns_schema(1), "separator": {"type": "string", "default": "_"}})

    def check(self, params: Mapping[str, Any], inputs: Mapping[str, Any]) -> None:
        schema = the_input(inputs)
        require_columns(schema, params.get("columns", []), "params.columns")
        for i, name in enumerate(params.get("columns", [])):
            if not isinstance(schema[name], pl.Struct):
                raise NodeProblem(f"params.columns.{i}", f'column "{name}" is {schema[name]}, not a struct')
        no_duplicates(_names(schema, params), "params.separator")

    def build(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> pl.LazyFrame:
        return flatten(the_input(inputs), params.get("columns"), params.get("separator", "_"))

    def export_code(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: ExportContext) -> str:
        ctx.need(flat_exprs, flatten)
        columns = ctx.lit("columns") if "columns" in ctx.raw_params else "None"
        separator = ctx.lit("separator") if "separator" in ctx.raw_params else "'_'"
        return f"flatten({inputs['in']}, {columns}, {separator})"


def _names(schema: pl.Schema, params: Mapping[str, Any]) -> list[str]:
    """Output names before Polars would refuse a duplicate, so the clash is reported at the parameter."""
    chosen = set(params.get("columns") or [n for n, d in schema.items() if isinstance(d, pl.Struct)])
    sep = params.get("separator", "_")

    def walk(name: str, dtype: Any) -> list[str]:
        if not isinstance(dtype, pl.Struct):
            return [name]
        return [n for f in dtype.fields for n in walk(f"{name}{sep}{f.name}", f.dtype)]

    return [n for name, dtype in schema.items() for n in (walk(name, dtype) if name in chosen else [name])]
