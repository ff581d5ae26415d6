"""rename_columns: renames applied all at once, so {"a": "b", "b": "a"} swaps (Glue RenameField)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from jobs.engine.nodeutil import no_duplicates, obj, require_column, the_input
from jobs.engine.registry import Context, ExportContext, NodeProblem, NodeType, register


@register
class RenameColumns(NodeType):
    key = "rename_columns"
    label = "Rename columns"
    category = "columns"
    preserves_rows = True
    glue = "RenameField"
    params_schema = obj(
        {
            "mapping": {
                "type": "object",
                "minProperties": 1,
                "additionalProperties": {"type": "string", "minLength": 1},
                "x-glueweb": "column-keys",
            }
        },
        ["mapping"],
    )

    def check(self, params: Mapping[str, Any], inputs: Mapping[str, Any]) -> None:
        schema = the_input(inputs)
        mapping = params["mapping"]
        for old in mapping:
            require_column(schema, old, f"params.mapping.{old}")
        names = [mapping.get(name, name) for name in schema.names()]
        try:
            no_duplicates(names, "params.mapping")
        except NodeProblem as problem:
            clash = next(old for old, new in mapping.items() if names.count(new) > 1)
            raise NodeProblem(f"params.mapping.{clash}", problem.message) from None

    def build(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> pl.LazyFrame:
        return the_input(inputs).rename(params["mapping"])

    def export_code(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: ExportContext) -> str:
        return f"{inputs['in']}.rename({ctx.lit('mapping')})"
