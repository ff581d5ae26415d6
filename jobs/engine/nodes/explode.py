"""explode: one row per list element, other columns repeated (Glue Explode Array Or Map Into Rows)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from jobs.engine.nodeutil import columns_schema, obj, require_columns, the_input
from jobs.engine.registry import Context, ExportContext, NodeProblem, NodeType, register


@register
class Explode(NodeType):
    key = "explode"
    label = "Explode"
    category = "reshaping"
    glue = "Explode Array Or Map Into Rows"
    params_schema = obj({"columns": columns_schema(1)}, ["columns"])

    def check(self, params: Mapping[str, Any], inputs: Mapping[str, Any]) -> None:
        schema = the_input(inputs)
        require_columns(schema, params["columns"], "params.columns")
        for i, name in enumerate(params["columns"]):
            if not isinstance(schema[name], pl.List | pl.Array):
                raise NodeProblem(f"params.columns.{i}", f'column "{name}" is {schema[name]}, not an array')

    def build(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> pl.LazyFrame:
        return the_input(inputs).explode(params["columns"], empty_as_null=True, keep_nulls=True)

    def export_code(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: ExportContext) -> str:
        return f"{inputs['in']}.explode({ctx.lit('columns')}, empty_as_null=True, keep_nulls=True)"
