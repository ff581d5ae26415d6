"""parse_json: JSON text into typed values (Glue Unbox)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from jobs.engine.nodeutil import dtype_source, obj, require_column, the_input, to_polars
from jobs.engine.registry import Context, ExportContext, NodeProblem, NodeType, register


def parse_json(frame: pl.LazyFrame, column: str, target: str, dtype: pl.DataType) -> pl.LazyFrame:
    return frame.with_columns(pl.col(column).str.json_decode(dtype).alias(target))


@register
class ParseJson(NodeType):
    key = "parse_json"
    label = "Parse JSON"
    category = "text_json"
    preserves_rows = True
    glue = "Unbox"
    params_schema = obj(
        {
            "column": {"type": "string", "minLength": 1, "x-glueweb": "column"},
            "target": {"type": "string", "minLength": 1},
            "schema": {"type": "string", "minLength": 1},
        },
        ["column"],
    )

    def _dtype(self, params: Mapping[str, Any]) -> pl.DataType:
        if "schema" not in params:
            # Inference from values needs data; until previews feed it back, a schema is required.
            raise NodeProblem("params.schema", "give the expected type, e.g. struct<os:string,version:string>")
        return to_polars(params["schema"], "params.schema")

    def check(self, params: Mapping[str, Any], inputs: Mapping[str, Any]) -> None:
        schema = the_input(inputs)
        require_column(schema, params["column"], "params.column")
        if schema[params["column"]] != pl.String:
            raise NodeProblem("params.column", f'column "{params["column"]}" is {schema[params["column"]]}, not text')
        self._dtype(params)

    def build(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> pl.LazyFrame:
        column = params["column"]
        return parse_json(the_input(inputs), column, params.get("target", column), self._dtype(params))

    def export_code(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: ExportContext) -> str:
        ctx.need(parse_json)
        column = params["column"]
        dtype = dtype_source(self._dtype(params))
        return f"parse_json({inputs['in']}, {column!r}, {params.get('target', column)!r}, {dtype})"
