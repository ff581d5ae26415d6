"""split_column: split text on a literal separator into named columns (Glue Split String + Array To Columns)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from jobs.engine.nodeutil import no_duplicates, obj, require_column, the_input
from jobs.engine.registry import Context, ExportContext, NodeProblem, NodeType, register


def split_column(frame: pl.LazyFrame, column: str, separator: str, into: Sequence[str]) -> pl.LazyFrame:
    parts = pl.col(column).str.split(separator)  # str.split takes the separator literally
    return frame.with_columns(parts.list.get(i, null_on_oob=True).alias(name) for i, name in enumerate(into))


@register
class SplitColumn(NodeType):
    key = "split_column"
    label = "Split column"
    category = "text_json"
    preserves_rows = True
    glue = "Split String"
    params_schema = obj(
        {
            "column": {"type": "string", "minLength": 1, "x-glueweb": "column"},
            "separator": {"type": "string", "minLength": 1},
            "into": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
        },
        ["column", "separator", "into"],
    )

    def check(self, params: Mapping[str, Any], inputs: Mapping[str, Any]) -> None:
        schema = the_input(inputs)
        require_column(schema, params["column"], "params.column")
        if schema[params["column"]] != pl.String:
            raise NodeProblem("params.column", f'column "{params["column"]}" is {schema[params["column"]]}, not text')
        no_duplicates([*schema.names(), *params["into"]], "params.into")

    def build(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> pl.LazyFrame:
        return split_column(the_input(inputs), params["column"], params["separator"], params["into"])

    def export_code(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: ExportContext) -> str:
        ctx.need(split_column)
        return f"split_column({inputs['in']}, {ctx.lit('column')}, {ctx.lit('separator')}, {ctx.lit('into')})"
