"""derived_column: new or replaced columns from SQL expressions, computed in list order (Glue Derived Column)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from jobs.engine.expressions import compile_expression, parse
from jobs.engine.nodeutil import obj, the_input
from jobs.engine.registry import Context, ExportContext, NodeType, register


@register
class DerivedColumn(NodeType):
    key = "derived_column"
    label = "Derived column"
    category = "columns"
    preserves_rows = True
    glue = "Derived Column"
    params_schema = obj(
        {
            "columns": {
                "type": "array",
                "minItems": 1,
                "items": obj(
                    {"name": {"type": "string", "minLength": 1}, "expression": {"type": "string", "minLength": 1}},
                    ["name", "expression"],
                ),
            }
        },
        ["columns"],
    )

    def check(self, params: Mapping[str, Any], inputs: Mapping[str, Any]) -> None:
        # Each expression sees the columns computed before it, so check against a growing schema.
        frame = pl.LazyFrame(schema=the_input(inputs))
        for i, column in enumerate(params["columns"]):
            expr = compile_expression(column["expression"], frame.collect_schema(), f"params.columns.{i}.expression")
            frame = frame.with_columns(expr.alias(column["name"]))

    def build(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> pl.LazyFrame:
        frame: pl.LazyFrame = the_input(inputs)
        for column in params["columns"]:
            frame = frame.with_columns(parse(column["expression"]).alias(column["name"]))
        return frame

    def export_code(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: ExportContext) -> str:
        code = inputs["in"]
        for i in range(len(params["columns"])):
            code += (
                f".with_columns(pl.sql_expr({ctx.lit('columns', i, 'expression')})"
                f".alias({ctx.lit('columns', i, 'name')}))"
            )
        return code
