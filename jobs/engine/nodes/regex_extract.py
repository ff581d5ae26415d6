"""regex_extract: capture groups of a pattern become text columns (Glue Regex Extractor)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from jobs.engine.nodeutil import no_duplicates, obj, require_column, the_input
from jobs.engine.registry import Context, ExportContext, NodeProblem, NodeType, register


def regex_extract(frame: pl.LazyFrame, column: str, pattern: str, columns: Sequence[str]) -> pl.LazyFrame:
    # A pattern without groups names the whole match (group 0).
    groups = range(1, len(columns) + 1) if re.compile(pattern).groups else [0]
    return frame.with_columns(
        pl.col(column).str.extract(pattern, g).alias(name) for g, name in zip(groups, columns, strict=False) if name
    )


@register
class RegexExtract(NodeType):
    key = "regex_extract"
    label = "Regex extract"
    category = "text_json"
    preserves_rows = True
    glue = "Regex Extractor"
    params_schema = obj(
        {
            "column": {"type": "string", "minLength": 1, "x-glueweb": "column"},
            "pattern": {"type": "string", "minLength": 1},
            "columns": {"type": "array", "minItems": 1, "items": {"type": "string"}},
        },
        ["column", "pattern", "columns"],
    )

    def check(self, params: Mapping[str, Any], inputs: Mapping[str, Any]) -> None:
        schema = the_input(inputs)
        require_column(schema, params["column"], "params.column")
        if schema[params["column"]] != pl.String:
            raise NodeProblem("params.column", f'column "{params["column"]}" is {schema[params["column"]]}, not text')
        try:
            groups = re.compile(params["pattern"]).groups
            pl.DataFrame({"x": ["a"]}).select(pl.col("x").str.extract(params["pattern"], 0))
        except Exception as exc:
            raise NodeProblem("params.pattern", f"not a valid regular expression: {exc}") from None
        if len(params["columns"]) != max(groups, 1):
            raise NodeProblem("params.columns", f"the pattern has {groups} groups but {len(params['columns'])} names")
        no_duplicates([*schema.names(), *[c for c in params["columns"] if c]], "params.columns")

    def build(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> pl.LazyFrame:
        return regex_extract(the_input(inputs), params["column"], params["pattern"], params["columns"])

    def export_code(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: ExportContext) -> str:
        ctx.need(regex_extract)
        return f"regex_extract({inputs['in']}, {ctx.lit('column')}, {ctx.lit('pattern')}, {ctx.lit('columns')})"
