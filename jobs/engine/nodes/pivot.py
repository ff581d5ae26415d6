"""pivot: values of one column become columns; on_values lists them so the schema is known without data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from jobs.engine.nodeutil import columns_schema, obj, require_column, require_columns, the_input
from jobs.engine.registry import Context, ExportContext, NodeProblem, NodeType, register

FUNCTIONS = ["first", "last", "sum", "mean", "median", "min", "max", "count"]


def pivot(  # noqa: PLR0917  (called positionally by exported scripts too)
    frame: pl.LazyFrame, index: Sequence[str], on: str, on_values: Sequence[Any],
    values: Sequence[str] | None, function: str,
) -> pl.LazyFrame:  # fmt: skip
    schema = frame.collect_schema()
    values = list(values) if values else [c for c in schema.names() if c not in index and c != on]
    keys = pl.Series(list(on_values)).cast(schema[on])
    # Rows with other values of `on` are ignored (docs/node-catalog.md).
    frame = frame.filter(pl.col(on).is_in(keys.implode()))
    agg: Any = pl.element().count().cast(pl.Int64) if function == "count" else function
    result = frame.pivot(on, on_columns=keys, index=list(index), values=values, aggregate_function=agg,
                         maintain_order=True)  # fmt: skip
    names = [str(v) for v in keys] if len(values) == 1 else [f"{c}_{v}" for c in values for v in keys]
    if function in ("sum", "count"):
        result = result.with_columns(pl.col(names).fill_null(0))
    return result


@register
class Pivot(NodeType):
    key = "pivot"
    label = "Pivot"
    category = "reshaping"
    glue = "Pivot Rows To Columns"
    params_schema = obj(
        {
            "index": columns_schema(1),
            "on": {"type": "string", "minLength": 1, "x-glueweb": "column"},
            "on_values": {
                "type": "array",
                "minItems": 1,
                "items": {"type": ["string", "number", "integer", "boolean"]},
            },
            "values": columns_schema(1),
            "function": {"enum": FUNCTIONS, "default": "first"},
        },
        ["index", "on", "on_values"],
    )

    def check(self, params: Mapping[str, Any], inputs: Mapping[str, Any]) -> None:
        schema = the_input(inputs)
        require_columns(schema, params["index"], "params.index")
        require_column(schema, params["on"], "params.on")
        require_columns(schema, params.get("values", []), "params.values")
        try:
            pl.Series(params["on_values"]).cast(schema[params["on"]], strict=True)
        except Exception:
            raise NodeProblem("params.on_values", f"values do not convert to {schema[params['on']]}") from None
        if len({str(v) for v in params["on_values"]}) != len(params["on_values"]):
            raise NodeProblem("params.on_values", "a value is listed twice")

    def build(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> pl.LazyFrame:
        return pivot(the_input(inputs), params["index"], params["on"], params["on_values"], params.get("values"),
                     params.get("function", "first"))  # fmt: skip

    def export_code(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: ExportContext) -> str:
        ctx.need(pivot)
        values = ctx.lit("values") if "values" in ctx.raw_params else "None"
        function = ctx.lit("function") if "function" in ctx.raw_params else "'first'"
        return (f"pivot({inputs['in']}, {ctx.lit('index')}, {ctx.lit('on')}, {ctx.lit('on_values')}, {values}, "
                f"{function})")  # fmt: skip
