"""drop_nulls: drop rows with nulls (any or all of the checked columns); placeholders may count as null."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from jobs.engine.nodeutil import columns_schema, obj, require_columns, the_input
from jobs.engine.registry import Context, ExportContext, NodeType, register


def drop_nulls(
    frame: pl.LazyFrame, subset: list[str] | None, how: str, treat_as_null: list[str], schema: pl.Schema
) -> pl.LazyFrame:
    columns = subset or list(schema.names())
    missing = [
        pl.col(c).is_null() | pl.col(c).is_in(treat_as_null) if treat_as_null and schema[c] == pl.String
        else pl.col(c).is_null()
        for c in columns
    ]  # fmt: skip
    drop = pl.any_horizontal(missing) if how == "any" else pl.all_horizontal(missing)
    return frame.filter(~drop)


@register
class DropNulls(NodeType):
    key = "drop_nulls"
    label = "Drop nulls"
    category = "rows"
    glue = "DropNullFields"
    params_schema = obj(
        {
            "subset": columns_schema(1),
            "how": {"enum": ["any", "all"], "default": "any"},
            "treat_as_null": {"type": "array", "items": {"type": "string"}, "default": []},
        }
    )

    def check(self, params: Mapping[str, Any], inputs: Mapping[str, Any]) -> None:
        require_columns(the_input(inputs), params.get("subset", []), "params.subset")

    def build(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> pl.LazyFrame:
        frame: pl.LazyFrame = the_input(inputs)
        return drop_nulls(
            frame, params.get("subset"), params.get("how", "any"), params.get("treat_as_null", []),
            frame.collect_schema(),
        )  # fmt: skip

    def export_code(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: ExportContext) -> str:
        ctx.need(drop_nulls)
        subset = ctx.lit("subset") if "subset" in ctx.raw_params else "None"
        how = ctx.lit("how") if "how" in ctx.raw_params else "'any'"
        treat = ctx.lit("treat_as_null") if "treat_as_null" in ctx.raw_params else "[]"
        frame = inputs["in"]
        return f"drop_nulls({frame}, {subset}, {how}, {treat}, {frame}.collect_schema())"
