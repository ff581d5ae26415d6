"""window: row_number, rank, dense_rank, lag, lead, cum_sum, rolling_mean over ordered partitions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from jobs.engine.nodeutil import columns_schema, no_duplicates, obj, require_column, require_columns, the_input
from jobs.engine.registry import Context, ExportContext, NodeProblem, NodeType, register

FUNCTIONS = ["row_number", "rank", "dense_rank", "lag", "lead", "cum_sum", "rolling_mean"]
NEEDS_COLUMN = {"lag", "lead", "cum_sum", "rolling_mean"}


def alias_of(f: Mapping[str, Any]) -> str:
    if f.get("alias"):
        return str(f["alias"])
    return f"{f['column']}_{f['function']}" if f.get("column") else str(f["function"])


def window(
    frame: pl.LazyFrame, partition_by: Sequence[str], order_by: Sequence[Mapping[str, Any]], functions: Sequence[Any]
) -> pl.LazyFrame:
    """Sort stably by partition and order keys, compute per partition, then restore the input order.

    Sorting once makes every function a plain per-partition scan, and ties keep input order
    (what row_number promises).
    """
    keys = list(partition_by) + [o["column"] for o in order_by]
    descending = [False] * len(partition_by) + [bool(o.get("descending", False)) for o in order_by]
    nulls_last = [False] * len(partition_by) + [bool(o.get("nulls_last", False)) for o in order_by]
    row = "__glueweb_row"  # a local, so the exported copy of this function stands alone
    schema = frame.collect_schema()
    ordered = frame.with_row_index(row).sort(keys, descending=descending, nulls_last=nulls_last, maintain_order=True)

    def per_partition(expr: pl.Expr) -> pl.Expr:
        return expr.over(list(partition_by)) if partition_by else expr

    number = pl.int_range(1, pl.len() + 1, dtype=pl.Int64)
    new_value = pl.any_horizontal([pl.col(o["column"]).ne_missing(pl.col(o["column"]).shift(1)) for o in order_by]) | (
        pl.int_range(pl.len()) == 0
    )
    exprs: list[pl.Expr] = []
    for f in functions:
        name, kind = alias_of(f), f["function"]
        if kind == "row_number":
            expr = number
        elif kind == "dense_rank":
            expr = new_value.cast(pl.Int64).cum_sum()
        elif kind == "rank":
            expr = pl.when(new_value).then(number).otherwise(None).forward_fill()
        elif kind in ("lag", "lead"):
            offset = int(f.get("offset", 1))
            col = pl.col(f["column"])
            default = f.get("default")
            fill = None if default is None else pl.lit(default).cast(schema[f["column"]])
            expr = col.shift(offset if kind == "lag" else -offset, fill_value=fill)
        elif kind == "cum_sum":
            col = pl.col(f["column"])
            # As SQL's running SUM: nulls are skipped, and a null row shows the sum so far.
            expr = col.cum_sum().cast(pl.Int64 if schema[f["column"]].is_integer() else pl.Float64).forward_fill()
        else:
            expr = pl.col(f["column"]).cast(pl.Float64).rolling_mean(int(f["window"]), min_samples=1)
        exprs.append(per_partition(expr).alias(name))
    return ordered.with_columns(exprs).sort(row).drop(row)


@register
class Window(NodeType):
    key = "window"
    label = "Window functions"
    category = "columns"
    preserves_rows = True
    params_schema = obj(
        {
            "partition_by": columns_schema(0, default=[]),
            "order_by": {
                "type": "array",
                "minItems": 1,
                "items": obj(
                    {
                        "column": {"type": "string", "minLength": 1},
                        "descending": {"type": "boolean", "default": False},
                        "nulls_last": {"type": "boolean", "default": False},
                    },
                    ["column"],
                ),
            },
            "functions": {
                "type": "array",
                "minItems": 1,
                "items": obj(
                    {
                        "function": {"enum": FUNCTIONS},
                        "column": {"type": "string", "minLength": 1},
                        "offset": {"type": "integer", "minimum": 1, "default": 1},
                        "default": {},
                        "window": {"type": "integer", "minimum": 1},
                        "alias": {"type": "string", "minLength": 1},
                    },
                    ["function"],
                ),
            },
        },
        ["order_by", "functions"],
    )

    def check(self, params: Mapping[str, Any], inputs: Mapping[str, Any]) -> None:
        schema = the_input(inputs)
        require_columns(schema, params.get("partition_by", []), "params.partition_by")
        for i, o in enumerate(params["order_by"]):
            require_column(schema, o["column"], f"params.order_by.{i}.column")
        for i, f in enumerate(params["functions"]):
            where = f"params.functions.{i}"
            if f["function"] in NEEDS_COLUMN:
                if "column" not in f:
                    raise NodeProblem(f"{where}.column", f"{f['function']} needs a column")
                require_column(schema, f["column"], f"{where}.column")
                if f["function"] in ("cum_sum", "rolling_mean") and not schema[f["column"]].is_numeric():
                    raise NodeProblem(f"{where}.column", f"{f['function']} needs a numeric column")
            if f["function"] == "rolling_mean" and "window" not in f:
                raise NodeProblem(f"{where}.window", "rolling_mean needs a window size")
        names = list(schema.names()) + [alias_of(f) for f in params["functions"]]
        for i, f in enumerate(params["functions"]):
            if names.count(alias_of(f)) > 1:
                raise NodeProblem(f"params.functions.{i}.alias", f'column "{alias_of(f)}" would be produced twice')
        no_duplicates(names, "params.functions")

    def build(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> pl.LazyFrame:
        return window(the_input(inputs), params.get("partition_by", []), params["order_by"], params["functions"])

    def export_code(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: ExportContext) -> str:
        ctx.need(window, alias_of)
        return (
            f"window({inputs['in']}, {params.get('partition_by', [])!r}, {params['order_by']!r}, "
            f"{params['functions']!r})"
        )
