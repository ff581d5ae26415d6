"""sort: stable sort by keys, nulls first unless nulls_last."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from jobs.engine.nodeutil import obj, require_column, the_input
from jobs.engine.registry import Context, ExportContext, NodeType, register


def sort(frame: pl.LazyFrame, by: list[Mapping[str, Any]]) -> pl.LazyFrame:
    return frame.sort(
        [b["column"] for b in by],
        descending=[bool(b.get("descending", False)) for b in by],
        nulls_last=[bool(b.get("nulls_last", False)) for b in by],
        maintain_order=True,
    )


@register
class Sort(NodeType):
    key = "sort"
    label = "Sort"
    category = "rows"
    preserves_rows = True
    params_schema = obj(
        {
            "by": {
                "type": "array",
                "minItems": 1,
                "items": obj(
                    {
                        "column": {"type": "string", "minLength": 1, "x-glueweb": "column"},
                        "descending": {"type": "boolean", "default": False},
                        "nulls_last": {"type": "boolean", "default": False},
                    },
                    ["column"],
                ),
            }
        },
        ["by"],
    )

    def check(self, params: Mapping[str, Any], inputs: Mapping[str, Any]) -> None:
        for i, b in enumerate(params["by"]):
            require_column(the_input(inputs), b["column"], f"params.by.{i}.column")

    def output_schema(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> dict[str, pl.Schema]:
        # Rows change, columns do not: the input's schema, without planning build() (a cost every run pays).
        self.check(params, inputs)
        return {"out": the_input(inputs)}

    def build(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> pl.LazyFrame:
        return sort(the_input(inputs), params["by"])

    def export_code(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: ExportContext) -> str:
        ctx.need(sort)
        return f"sort({inputs['in']}, {ctx.lit('by')})"
