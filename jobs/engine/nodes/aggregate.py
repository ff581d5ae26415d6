"""aggregate: group and summarise (Glue Aggregate); SQL semantics for nulls."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from jobs.engine.nodeutil import columns_schema, no_duplicates, obj, require_column, require_columns, the_input
from jobs.engine.registry import Context, ExportContext, NodeProblem, NodeType, register

FUNCTIONS = [
    "count",
    "count_distinct",
    "sum",
    "mean",
    "median",
    "min",
    "max",
    "first",
    "last",
    "std",
    "var",
    "quantile",
]
NUMERIC = {"sum", "mean", "median", "std", "var", "quantile"}


def alias_of(a: Mapping[str, Any]) -> str:
    if a.get("alias"):
        return str(a["alias"])
    return f"{a['column']}_{a['function']}" if a.get("column") else "count"


def agg_expr(a: Mapping[str, Any], schema: Mapping[str, pl.DataType]) -> pl.Expr:
    fn = a["function"]
    if fn == "count" and not a.get("column"):
        return pl.len().cast(pl.Int64).alias(alias_of(a))
    col = pl.col(a["column"])
    if fn == "count":
        expr = col.count().cast(pl.Int64)
    elif fn == "count_distinct":
        expr = col.drop_nulls().n_unique().cast(pl.Int64)
    elif fn == "sum":
        dtype = schema[a["column"]]
        out = (pl.Decimal(38, dtype.scale) if isinstance(dtype, pl.Decimal)
               else pl.Int64 if dtype.is_integer() or dtype == pl.Boolean else pl.Float64)  # fmt: skip
        # SQL: the sum of no values is null, not 0.
        expr = pl.when(col.count() > 0).then(col.sum().cast(out)).otherwise(pl.lit(None, out))
    elif fn in ("mean", "median"):
        expr = getattr(col.cast(pl.Float64), fn)()
    elif fn in ("std", "var"):
        expr = getattr(col.cast(pl.Float64), fn)(ddof=1)
    elif fn == "quantile":
        expr = col.cast(pl.Float64).quantile(float(a["quantile"]), interpolation="linear")
    elif fn in ("min", "max"):
        expr = getattr(col, fn)()
    else:
        expr = getattr(col, fn)()  # first / last: the value in row order, null or not
    return expr.alias(alias_of(a))


def aggregate(frame: pl.LazyFrame, group_by: Sequence[str], aggregations: Sequence[Mapping[str, Any]]) -> pl.LazyFrame:
    schema = frame.collect_schema()
    exprs = [agg_expr(a, schema) for a in aggregations]
    return frame.group_by(list(group_by)).agg(exprs) if group_by else frame.select(exprs)


@register
class Aggregate(NodeType):
    key = "aggregate"
    label = "Aggregate"
    category = "reshaping"
    glue = "Aggregate"
    params_schema = obj(
        {
            "group_by": columns_schema(0, default=[]),
            "aggregations": {
                "type": "array",
                "minItems": 1,
                "items": obj(
                    {
                        "function": {"enum": FUNCTIONS},
                        "column": {"type": "string", "minLength": 1, "x-glueweb": "column"},
                        "quantile": {"type": "number", "minimum": 0, "maximum": 1},
                        "alias": {"type": "string", "minLength": 1},
                    },
                    ["function"],
                ),
            },
        },
        ["aggregations"],
    )

    def check(self, params: Mapping[str, Any], inputs: Mapping[str, Any]) -> None:
        schema = the_input(inputs)
        group_by = params.get("group_by", [])
        require_columns(schema, group_by, "params.group_by")
        for i, a in enumerate(params["aggregations"]):
            where = f"params.aggregations.{i}"
            if a["function"] != "count" and "column" not in a:
                raise NodeProblem(f"{where}.column", f"{a['function']} needs a column")
            if "column" in a:
                require_column(schema, a["column"], f"{where}.column")
                dtype = schema[a["column"]]
                if a["function"] in NUMERIC and not (dtype.is_numeric() or dtype == pl.Boolean):
                    raise NodeProblem(f"{where}.function", f"{a['function']} needs a numeric column, not {dtype}")
            if a["function"] == "quantile" and "quantile" not in a:
                raise NodeProblem(f"{where}.quantile", "quantile needs a value between 0 and 1")
        names = list(group_by) + [alias_of(a) for a in params["aggregations"]]
        for i, a in enumerate(params["aggregations"]):
            if names.count(alias_of(a)) > 1:
                raise NodeProblem(f"params.aggregations.{i}.alias", f'column "{alias_of(a)}" would be produced twice')
        no_duplicates(names, "params.group_by")

    def build(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> pl.LazyFrame:
        return aggregate(the_input(inputs), params.get("group_by", []), params["aggregations"])

    def export_code(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: ExportContext) -> str:
        ctx.need(alias_of, agg_expr, aggregate)
        group_by = ctx.lit("group_by") if "group_by" in ctx.raw_params else "[]"
        return f"aggregate({inputs['in']}, {group_by}, {ctx.lit('aggregations')})"
