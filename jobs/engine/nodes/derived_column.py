"""derived_column: new or replaced columns from SQL expressions, computed in list order (Glue Derived Column)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from jobs.engine.expressions import compile_expression, parsed
from jobs.engine.nodeutil import obj, the_input
from jobs.engine.registry import Context, ExportContext, NodeType, empty_frame, register


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
                    {
                        "name": {"type": "string", "minLength": 1},
                        "expression": {"type": "string", "minLength": 1, "x-glueweb": "expression"},
                    },
                    ["name", "expression"],
                ),
            }
        },
        ["columns"],
    )

    def check(self, params: Mapping[str, Any], inputs: Mapping[str, Any]) -> None:
        self.checked(params, inputs)

    def checked(self, params: Mapping[str, Any], inputs: Mapping[str, Any]) -> pl.LazyFrame:
        """The output planned over an empty input, each expression checked against the columns before it."""
        schema: pl.Schema = the_input(inputs)
        frame = empty_frame(schema)
        for i, column in enumerate(params["columns"]):
            if i:
                schema = frame.collect_schema()
            expr = compile_expression(column["expression"], schema, f"params.columns.{i}.expression")
            frame = frame.with_columns(expr.alias(column["name"]))
        return frame

    def output_schema(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> dict[str, pl.Schema]:
        # The checked plan is build()'s over empty input: no second planning (a cost every run pays).
        return {"out": self.checked(params, inputs).collect_schema()}

    def build(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> pl.LazyFrame:
        frame: pl.LazyFrame = the_input(inputs)
        for column in params["columns"]:
            frame = frame.with_columns(parsed(column["expression"]).alias(column["name"]))
        return frame

    def export_code(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: ExportContext) -> str:
        code = inputs["in"]
        for i in range(len(params["columns"])):
            code += (
                f".with_columns(pl.sql_expr({ctx.lit('columns', i, 'expression')})"
                f".alias({ctx.lit('columns', i, 'name')}))"
            )
        return code
