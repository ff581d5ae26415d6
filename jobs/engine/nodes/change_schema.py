"""change_schema: rename, retype or drop columns; unmentioned columns pass (Glue ApplyMapping)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from jobs.engine.nodeutil import dtype_source, no_duplicates, obj, require_column, the_input, to_polars
from jobs.engine.registry import Context, ExportContext, NodeProblem, NodeType, register

MAPPING = obj(
    {
        "source": {"type": "string", "minLength": 1, "x-glueweb": "column"},
        "target": {"type": "string", "minLength": 1},
        "type": {"type": "string", "minLength": 1},
        "drop": {"type": "boolean", "default": False},
    },
    ["source"],
)


def plan(params: Mapping[str, Any], schema: pl.Schema) -> list[tuple[str, str, pl.DataType | None]]:
    """(source, output name, dtype or None to keep) per output column, in input order."""
    by_source: dict[str, tuple[int, Mapping[str, Any]]] = {}
    for i, m in enumerate(params["mappings"]):
        require_column(schema, m["source"], f"params.mappings.{i}.source")
        if m["source"] in by_source:
            raise NodeProblem(f"params.mappings.{i}.source", f'column "{m["source"]}" is mapped twice')
        by_source[m["source"]] = (i, m)
    result: list[tuple[str, str, pl.DataType | None]] = []
    for name in schema.names():
        if name not in by_source:
            result.append((name, name, None))
            continue
        i, m = by_source[name]
        if m.get("drop", False):
            continue
        dtype = to_polars(m["type"], f"params.mappings.{i}.type") if "type" in m else None
        result.append((name, m.get("target", name), dtype))
    no_duplicates([target for _, target, _ in result], "params.mappings")
    return result


def convert(column: str, name: str, source: pl.DataType, dtype: pl.DataType | None) -> pl.Expr:
    expr = pl.col(column)
    if dtype is None or dtype == source:
        return expr.alias(name)
    # Strings reach dates and timestamps only from ISO 8601 (docs/node-catalog.md); casts are strict.
    if source == pl.String and dtype == pl.Date:
        return expr.str.to_date("%Y-%m-%d").alias(name)
    if source == pl.String and isinstance(dtype, pl.Datetime):
        return expr.str.to_datetime(time_unit="us").cast(dtype).alias(name)
    return expr.cast(dtype, strict=True).alias(name)


@register
class ChangeSchema(NodeType):
    key = "change_schema"
    label = "Change schema"
    category = "columns"
    preserves_rows = True
    glue = "ApplyMapping"
    params_schema = obj({"mappings": {"type": "array", "minItems": 1, "items": MAPPING}}, ["mappings"])

    def check(self, params: Mapping[str, Any], inputs: Mapping[str, Any]) -> None:
        plan(params, the_input(inputs))

    def build(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> pl.LazyFrame:
        frame: pl.LazyFrame = the_input(inputs)
        schema = frame.collect_schema()
        return frame.select([convert(src, name, schema[src], dtype) for src, name, dtype in plan(params, schema)])

    def export_code(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: ExportContext) -> str:
        # The plan is fixed at export: column types come from the design-time schema.
        schema = ctx.input_schemas["in"]
        ctx.need(convert)
        parts = [
            f"convert({src!r}, {name!r}, {dtype_source(schema[src])}, {dtype_source(dtype) if dtype else None})"
            for src, name, dtype in plan(params, schema)
        ]
        return f"{inputs['in']}.select([{', '.join(parts)}])"
