"""drop_columns: remove columns; naming one that is not there is an error (Glue DropFields)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from jobs.engine.nodeutil import columns_schema, obj, require_columns, the_input
from jobs.engine.registry import Context, ExportContext, NodeProblem, NodeType, register


@register
class DropColumns(NodeType):
    key = "drop_columns"
    label = "Drop columns"
    category = "columns"
    preserves_rows = True
    glue = "DropFields"
    params_schema = obj({"columns": columns_schema(title="Columns")}, ["columns"])

    def check(self, params: Mapping[str, Any], inputs: Mapping[str, Any]) -> None:
        schema = the_input(inputs)
        require_columns(schema, params["columns"], "params.columns")
        if set(schema.names()) <= set(params["columns"]):
            raise NodeProblem("params.columns", "removing every column leaves nothing")

    def build(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> pl.LazyFrame:
        return the_input(inputs).drop(params["columns"])

    def export_code(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: ExportContext) -> str:
        return f"{inputs['in']}.drop({ctx.lit('columns')})"
