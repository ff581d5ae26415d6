"""add_row_id: a new first bigint column numbering rows in arrival order (Glue Identifier)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from jobs.engine.nodeutil import obj, the_input
from jobs.engine.registry import Context, ExportContext, NodeProblem, NodeType, register


def row_id(frame: pl.LazyFrame, name: str, offset: int) -> pl.LazyFrame:
    # with_row_index gives an unsigned index; the catalog's row id is a bigint.
    return frame.with_row_index(name, offset=offset).with_columns(pl.col(name).cast(pl.Int64))


@register
class AddRowId(NodeType):
    key = "add_row_id"
    label = "Row id"
    category = "columns"
    preserves_rows = True
    glue = "Identifier"
    params_schema = obj(
        {
            "name": {"type": "string", "minLength": 1, "default": "id"},
            "offset": {"type": "integer", "minimum": 0, "default": 0},
        }
    )

    def check(self, params: Mapping[str, Any], inputs: Mapping[str, Any]) -> None:
        name = params.get("name", "id")
        if name in the_input(inputs):
            raise NodeProblem("params.name", f'column "{name}" already exists')

    def build(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> pl.LazyFrame:
        return row_id(the_input(inputs), params.get("name", "id"), params.get("offset", 0))

    def export_code(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: ExportContext) -> str:
        ctx.need(row_id)
        name = ctx.lit("name") if "name" in ctx.raw_params else "'id'"
        offset = ctx.lit("offset") if "offset" in ctx.raw_params else "0"
        return f"row_id({inputs['in']}, {name}, {offset})"
