"""limit: n rows after skipping offset (Glue Limit)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from jobs.engine.nodeutil import obj, the_input
from jobs.engine.registry import Context, ExportContext, NodeType, register


@register
class Limit(NodeType):
    key = "limit"
    label = "Limit"
    category = "rows"
    glue = "Limit"
    params_schema = obj(
        {"n": {"type": "integer", "minimum": 0}, "offset": {"type": "integer", "minimum": 0, "default": 0}}, ["n"]
    )

    def output_schema(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> dict[str, pl.Schema]:
        # Rows change, columns do not: the input's schema, without planning build() (a cost every run pays).
        self.check(params, inputs)
        return {"out": the_input(inputs)}

    def build(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> pl.LazyFrame:
        return the_input(inputs).slice(params.get("offset", 0), params["n"])

    def export_code(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: ExportContext) -> str:
        offset = ctx.lit("offset") if "offset" in ctx.raw_params else "0"
        return f"{inputs['in']}.slice({offset}, {ctx.lit('n')})"
