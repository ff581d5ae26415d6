"""fill_nulls: fill missing values with a literal or a fixed strategy (Glue FillMissingValues)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from jobs.engine.nodeutil import obj, require_column, the_input
from jobs.engine.registry import Context, ExportContext, NodeProblem, NodeType, register

STRATEGIES = ["literal", "forward", "backward", "mean", "min", "max", "zero"]


def fill(column: str, dtype: pl.DataType, strategy: str, value: Any) -> pl.Expr:  # noqa: PLR0911  (per strategy)
    """The filled column; it keeps its type (mean on integers drops the fraction)."""
    col = pl.col(column)
    if strategy == "literal":
        if dtype == pl.Date and isinstance(value, str):
            return col.fill_null(pl.lit(value).str.to_date("%Y-%m-%d"))
        if isinstance(dtype, pl.Datetime) and isinstance(value, str):
            return col.fill_null(pl.lit(value).str.to_datetime(time_unit="us").cast(dtype))
        return col.fill_null(pl.lit(value).cast(dtype, strict=True))
    if strategy == "forward":
        return col.forward_fill()
    if strategy == "backward":
        return col.backward_fill()
    if strategy == "zero":
        return col.fill_null(pl.lit(0).cast(dtype))
    aggregate = {"mean": col.mean(), "min": col.min(), "max": col.max()}[strategy]
    return col.fill_null(aggregate.cast(dtype, strict=False))


@register
class FillNulls(NodeType):
    key = "fill_nulls"
    label = "Fill nulls"
    category = "columns"
    preserves_rows = True
    glue = "FillMissingValues"
    params_schema = obj(
        {
            "fills": {
                "type": "array",
                "minItems": 1,
                "items": obj(
                    {
                        "column": {"type": "string", "minLength": 1, "x-glueweb": "column"},
                        "strategy": {"enum": STRATEGIES, "default": "literal"},
                        "value": {},
                    },
                    ["column"],
                ),
            }
        },
        ["fills"],
    )

    def check(self, params: Mapping[str, Any], inputs: Mapping[str, Any]) -> None:
        schema = the_input(inputs)
        for i, f in enumerate(params["fills"]):
            require_column(schema, f["column"], f"params.fills.{i}.column")
            dtype = schema[f["column"]]
            strategy = f.get("strategy", "literal")
            if strategy == "literal":
                if "value" not in f:
                    raise NodeProblem(f"params.fills.{i}.value", "a literal fill needs a value")
                try:
                    pl.DataFrame({"x": [None]}, schema={"x": dtype}).select(fill("x", dtype, "literal", f["value"]))
                except Exception:
                    raise NodeProblem(
                        f"params.fills.{i}.value", f"{f['value']!r} does not convert to {dtype}"
                    ) from None
            elif strategy in ("mean", "zero") and not dtype.is_numeric():
                raise NodeProblem(f"params.fills.{i}.strategy", f"{strategy} needs a numeric column, not {dtype}")
            elif strategy in ("min", "max") and not (dtype.is_numeric() or dtype.is_temporal() or dtype == pl.String):
                raise NodeProblem(f"params.fills.{i}.strategy", f"{strategy} needs a number, date or text column")

    def build(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> pl.LazyFrame:
        frame: pl.LazyFrame = the_input(inputs)
        schema = frame.collect_schema()
        return frame.with_columns(
            fill(f["column"], schema[f["column"]], f.get("strategy", "literal"), f.get("value"))
            for f in params["fills"]
        )

    def export_code(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: ExportContext) -> str:
        ctx.need(fill)
        schema = ctx.input_schemas["in"]
        from jobs.engine.nodeutil import dtype_source

        parts = []
        for i, f in enumerate(params["fills"]):
            value = ctx.lit("fills", i, "value") if "value" in f else "None"
            strategy = f.get("strategy", "literal")
            parts.append(f"fill({f['column']!r}, {dtype_source(schema[f['column']])}, {strategy!r}, {value})")
        return f"{inputs['in']}.with_columns([{', '.join(parts)}])"
