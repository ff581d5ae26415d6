"""window: ordered functions (row_number, rank, ...) and whole-partition aggregates (sum, min, ...)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from jobs.engine.nodeutil import columns_schema, no_duplicates, obj, require_column, require_columns, the_input
from jobs.engine.registry import Context, ExportContext, NodeProblem, NodeType, register

ORDERED = ["row_number", "rank", "dense_rank", "lag", "lead", "cum_sum", "rolling_mean"]
# SQL's `f(x) OVER (PARTITION BY ...)` without ORDER BY: one value per partition, on every row of it.
WHOLE_PARTITION = ["sum", "mean", "min", "max", "count"]
FUNCTIONS = ORDERED + WHOLE_PARTITION
NEEDS_COLUMN = {"lag", "lead", "cum_sum", "rolling_mean", "sum", "mean", "min", "max"}
NEEDS_NUMBER = {"cum_sum", "rolling_mean", "sum", "mean"}


def window_alias(f: Mapping[str, Any]) -> str:
    # Not `alias_of`: exported scripts hold one function per name, and aggregate has its own alias_of.
    if f.get("alias"):
        return str(f["alias"])
    return f"{f['column']}_{f['function']}" if f.get("column") else str(f["function"])


def partition_aggregate(f: Mapping[str, Any], schema: Mapping[str, pl.DataType]) -> pl.Expr | None:
    """The whole-partition aggregate `f` asks for, typed as SQL types it; None for an ordered function."""
    kind = f["function"]
    if kind == "count":
        return pl.len().cast(pl.Int64) if not f.get("column") else pl.col(f["column"]).count().cast(pl.Int64)
    if kind in ("min", "max"):
        return getattr(pl.col(f["column"]), kind)()
    if kind == "mean":
        return pl.col(f["column"]).cast(pl.Float64).mean()
    if kind != "sum":
        return None
    col, dtype = pl.col(f["column"]), schema[f["column"]]
    if isinstance(dtype, pl.Decimal):
        total = col.sum().cast(pl.Decimal(38, dtype.scale))
    else:  # widen before adding, so that a sum of small integers cannot overflow their type
        total = col.cast(pl.Int64 if dtype.is_integer() or dtype == pl.Boolean else pl.Float64).sum()
    # SQL: the sum of no values is null, not 0.
    return pl.when(col.count() > 0).then(total).otherwise(None)


def window(
    frame: pl.LazyFrame, partition_by: Sequence[str], order_by: Sequence[Mapping[str, Any]], functions: Sequence[Any]
) -> pl.LazyFrame:
    """One new column per function; the input's rows keep their order.

    With whole-partition aggregates only, each is one `over` on the input as it is. With ordered
    functions: sort stably by partition and order keys, compute per partition, then
    restore the input order. Sorting once makes every such function a plain per-partition scan,
    and ties keep input order (what row_number promises).
    """
    schema = frame.collect_schema()

    def per_partition(expr: pl.Expr) -> pl.Expr:
        return expr.over(list(partition_by)) if partition_by else expr

    aggregates = {window_alias(f): partition_aggregate(f, schema) for f in functions}
    if all(expr is not None for expr in aggregates.values()):
        return frame.with_columns(
            per_partition(expr).alias(name) for name, expr in aggregates.items() if expr is not None
        )

    keys = list(partition_by) + [o["column"] for o in order_by]
    descending = [False] * len(partition_by) + [bool(o.get("descending", False)) for o in order_by]
    nulls_last = [False] * len(partition_by) + [bool(o.get("nulls_last", False)) for o in order_by]
    row = "__glueweb_row"  # a local, so the exported copy of this function stands alone
    ordered = frame.with_row_index(row).sort(keys, descending=descending, nulls_last=nulls_last, maintain_order=True)

    number = pl.int_range(1, pl.len() + 1, dtype=pl.Int64)
    new_value = pl.any_horizontal([pl.col(o["column"]).ne_missing(pl.col(o["column"]).shift(1)) for o in order_by]) | (
        pl.int_range(pl.len()) == 0
    )
    exprs: list[pl.Expr] = []
    for f in functions:
        name, kind = window_alias(f), f["function"]
        aggregate = aggregates[name]
        if aggregate is not None:
            expr = aggregate  # the same on the sorted rows: it does not depend on their order
        elif kind == "row_number":
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
                "default": [],
                "items": obj(
                    {
                        "column": {"type": "string", "minLength": 1, "x-glueweb": "column"},
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
                        "column": {"type": "string", "minLength": 1, "x-glueweb": "column"},
                        "offset": {"type": "integer", "minimum": 1, "default": 1},
                        "default": {},
                        "window": {"type": "integer", "minimum": 1},
                        "alias": {"type": "string", "minLength": 1},
                    },
                    ["function"],
                ),
            },
        },
        ["functions"],
    )

    def check(self, params: Mapping[str, Any], inputs: Mapping[str, Any]) -> None:
        schema = the_input(inputs)
        require_columns(schema, params.get("partition_by", []), "params.partition_by")
        order_by = params.get("order_by", [])
        for i, o in enumerate(order_by):
            require_column(schema, o["column"], f"params.order_by.{i}.column")
        for i, f in enumerate(params["functions"]):
            where, kind = f"params.functions.{i}", f["function"]
            if kind in NEEDS_COLUMN and "column" not in f:
                raise NodeProblem(f"{where}.column", f"{kind} needs a column")
            if "column" in f and (kind in NEEDS_COLUMN or kind == "count"):  # numberings ignore a column
                require_column(schema, f["column"], f"{where}.column")
                dtype = schema[f["column"]]
                if kind in NEEDS_NUMBER and not (
                    dtype.is_numeric() or (kind in WHOLE_PARTITION and dtype == pl.Boolean)
                ):
                    raise NodeProblem(f"{where}.column", f"{kind} needs a numeric column, not {dtype}")
                if kind in ("min", "max") and dtype.is_nested():
                    raise NodeProblem(f"{where}.column", f"{kind} needs a column with ordered values, not {dtype}")
            if kind == "rolling_mean" and "window" not in f:
                raise NodeProblem(f"{where}.window", "rolling_mean needs a window size")
            if kind in ORDERED and not order_by:
                raise NodeProblem("params.order_by", f"{kind} (functions.{i}) needs order_by: at least one column")
        names = list(schema.names()) + [window_alias(f) for f in params["functions"]]
        for i, f in enumerate(params["functions"]):
            if names.count(window_alias(f)) > 1:
                raise NodeProblem(f"params.functions.{i}.alias", f'column "{window_alias(f)}" would be produced twice')
        no_duplicates(names, "params.functions")

    def build(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> pl.LazyFrame:
        return window(
            the_input(inputs), params.get("partition_by", []), params.get("order_by", []), params["functions"]
        )

    def export_code(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: ExportContext) -> str:
        ctx.need(window, window_alias, partition_aggregate)
        return (
            f"window({inputs['in']}, {params.get('partition_by', [])!r}, {params.get('order_by', [])!r}, "
            f"{params['functions']!r})"
        )
