"""select_columns: keep exactly these columns, in this order (Glue SelectFields)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from jobs.engine.nodeutil import columns_schema, no_duplicates, obj, require_columns, the_input
from jobs.engine.registry import Context, ExportContext, NodeType, register


@register
class SelectColumns(NodeType):
    key = "select_columns"
    label = "Select columns"
    category = "columns"
    preserves_rows = True
    glue = "SelectFields"
    params_schema = obj({"columns": columns_schema(title="Columns")}, ["columns"])

    def check(self, params: Mapping[str, Any], inputs: Mapping[str, Any]) -> None:
        require_columns(the_input(inputs), params["columns"], "params.columns")
        no_duplicates(params["columns"], "params.columns")

    def build(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> pl.LazyFrame:
        return the_input(inputs).select(params["columns"])

    def export_code(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: ExportContext) -> str:
        return f"{inputs['in']}.select({ctx.lit('columns')})"
