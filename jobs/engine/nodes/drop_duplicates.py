"""drop_duplicates: one row per group of duplicates, or none of them (Glue DropDuplicates)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from jobs.engine.nodeutil import columns_schema, obj, require_columns, the_input
from jobs.engine.registry import Context, ExportContext, NodeType, register


def drop_duplicates(frame: pl.LazyFrame, subset: list[str] | None, keep: str) -> pl.LazyFrame:
    # `any` is the cheap one: no promise on order, so Polars need not maintain it.
    return frame.unique(subset=subset or None, keep=keep, maintain_order=keep != "any")  # type: ignore[arg-type]


@register
class DropDuplicates(NodeType):
    key = "drop_duplicates"
    label = "Drop duplicates"
    category = "rows"
    glue = "DropDuplicates"
    params_schema = obj(
        {"subset": columns_schema(1), "keep": {"enum": ["first", "last", "any", "none"], "default": "first"}}
    )

    def check(self, params: Mapping[str, Any], inputs: Mapping[str, Any]) -> None:
        require_columns(the_input(inputs), params.get("subset", []), "params.subset")

    def build(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> pl.LazyFrame:
        return drop_duplicates(the_input(inputs), params.get("subset"), params.get("keep", "first"))

    def export_code(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: ExportContext) -> str:
        ctx.need(drop_duplicates)
        subset = ctx.lit("subset") if "subset" in ctx.raw_params else "None"
        keep = ctx.lit("keep") if "keep" in ctx.raw_params else "'first'"
        return f"drop_duplicates({inputs['in']}, {subset}, {keep})"
