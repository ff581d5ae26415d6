"""union: stack inputs in edge order, by name or by position (Glue Union)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from jobs.engine.nodeutil import obj
from jobs.engine.registry import Context, ExportContext, NodeProblem, NodeType, Port, register


def union(frames: Sequence[pl.LazyFrame], mode: str, by_name: bool) -> pl.LazyFrame:
    if by_name:
        stacked = pl.concat(list(frames), how="diagonal_relaxed")
    else:
        names = frames[0].collect_schema().names()
        renamed = [f.rename(dict(zip(f.collect_schema().names(), names, strict=True))) for f in frames]
        stacked = pl.concat(renamed, how="vertical_relaxed")
    return stacked.unique(maintain_order=True) if mode == "distinct" else stacked


@register
class Union(NodeType):
    key = "union"
    label = "Union"
    category = "combining"
    glue = "Union"
    inputs = (Port("in", many=True),)
    params_schema = obj(
        {"mode": {"enum": ["all", "distinct"], "default": "all"}, "by_name": {"type": "boolean", "default": True}}
    )

    def check(self, params: Mapping[str, Any], inputs: Mapping[str, Any]) -> None:
        schemas: list[pl.Schema] = inputs["in"]
        if not params.get("by_name", True):
            widths = {len(s) for s in schemas}
            if len(widths) > 1:
                raise NodeProblem("params.by_name", f"by position needs inputs of equal width, not {sorted(widths)}")
        try:
            union([pl.LazyFrame(schema=s) for s in schemas], "all", params.get("by_name", True)).collect_schema()
        except Exception as exc:
            from jobs.engine.expressions import polars_message

            raise NodeProblem("ports.in", f"the inputs' columns have no common type: {polars_message(exc)}") from None

    def build(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> pl.LazyFrame:
        return union(inputs["in"], params.get("mode", "all"), params.get("by_name", True))

    def export_code(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: ExportContext) -> str:
        ctx.need(union)
        mode = ctx.lit("mode") if "mode" in ctx.raw_params else "'all'"
        by_name = ctx.lit("by_name") if "by_name" in ctx.raw_params else "True"
        return f"union([{', '.join(inputs['in'])}], {mode}, {by_name})"
