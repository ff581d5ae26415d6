"""sample: n rows or a fraction, without replacement, in input order (Glue Spigot)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from jobs.engine.nodeutil import obj, the_input
from jobs.engine.registry import Context, ExportContext, NodeType, register


def sample(frame: pl.LazyFrame, n: int | None, fraction: float | None, seed: int | None) -> pl.LazyFrame:
    """Shuffle a row index, keep the first n (or fraction) of it, then restore input order.

    Polars samples only eager frames; this keeps the node lazy.
    """
    row = "__glueweb_row"  # a local, so the exported copy of this function stands alone
    indexed = frame.with_row_index(row)
    count = pl.lit(n, dtype=pl.Int64) if n is not None else (pl.len() * fraction).floor().cast(pl.Int64)
    keep = pl.col(row).shuffle(seed=seed).head(count).implode()
    return indexed.filter(pl.col(row).is_in(keep)).drop(row)


@register
class Sample(NodeType):
    key = "sample"
    label = "Sample"
    category = "rows"
    glue = "Spigot"
    params_schema = obj(
        {
            "n": {"type": "integer", "minimum": 0},
            "fraction": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
            "seed": {"type": "integer"},
        },
        oneOf=[{"required": ["n"]}, {"required": ["fraction"]}],
    )

    def build(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> pl.LazyFrame:
        return sample(the_input(inputs), params.get("n"), params.get("fraction"), params.get("seed"))

    def export_code(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: ExportContext) -> str:
        ctx.need(sample)
        args = [ctx.lit(k) if k in ctx.raw_params else "None" for k in ("n", "fraction", "seed")]
        return f"sample({inputs['in']}, {', '.join(args)})"
