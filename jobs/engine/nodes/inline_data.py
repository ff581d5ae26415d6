"""inline_data: a small table written into the job document."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from jobs.engine.nodeutil import dtype_source, no_duplicates, obj, to_polars
from jobs.engine.registry import Context, ExportContext, NodeProblem, NodeType, register


def frame(columns: list[dict[str, str]], rows: list[list[Any]], dtypes: list[pl.DataType]) -> pl.DataFrame:
    """Rows as strings first, then a strict cast: ISO dates and decimal strings convert the same way."""
    data: dict[str, list[Any]] = {c["name"]: [row[i] for row in rows] for i, c in enumerate(columns)}
    series = []
    for (name, values), dtype in zip(data.items(), dtypes, strict=True):
        raw = pl.Series(name, [None if v is None else str(v) for v in values], dtype=pl.String)
        if dtype == pl.Date:
            series.append(raw.str.to_date("%Y-%m-%d"))
        elif isinstance(dtype, pl.Datetime):
            series.append(raw.str.to_datetime(time_unit="us").cast(dtype))
        elif isinstance(dtype, pl.Decimal):
            series.append(raw.cast(dtype))
        else:
            series.append(pl.Series(name, values, dtype=dtype, strict=True))
    return pl.DataFrame(series)


@register
class InlineData(NodeType):
    key = "inline_data"
    label = "Inline data"
    category = "sources"
    inputs = ()
    params_schema = obj(
        {
            "columns": {
                "type": "array",
                "minItems": 1,
                "items": obj(
                    {"name": {"type": "string", "minLength": 1}, "type": {"type": "string"}}, ["name", "type"]
                ),
            },
            "rows": {"type": "array", "items": {"type": "array"}, "default": []},
        },
        ["columns"],
    )

    def _frame(self, params: Mapping[str, Any]) -> pl.DataFrame:
        columns = params["columns"]
        no_duplicates([c["name"] for c in columns], "params.columns")
        dtypes = [to_polars(c["type"], f"params.columns.{i}.type") for i, c in enumerate(columns)]
        rows = params.get("rows", [])
        for i, row in enumerate(rows):
            if len(row) != len(columns):
                raise NodeProblem(f"params.rows.{i}", f"row has {len(row)} values for {len(columns)} columns")
        try:
            return frame(columns, rows, dtypes)
        except Exception as exc:
            from jobs.engine.expressions import polars_message

            raise NodeProblem("params.rows", f"a value does not fit its column's type: {polars_message(exc)}") from None

    def output_schema(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> dict[str, pl.Schema]:
        return {"out": self._frame(params).schema}

    def build(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> pl.LazyFrame:
        lf = self._frame(params).lazy()
        return lf.head(ctx.sample_rows) if ctx.sample_rows is not None else lf

    def export_code(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: ExportContext) -> str:
        # The frame is rebuilt from the typed columns; the script needs no catalog module.
        frame_ = self._frame(params)
        ctx.need(frame)
        dtypes = ", ".join(dtype_source(dtype) for dtype in frame_.dtypes)
        return (
            f"frame({ctx.lit('columns')}, {ctx.lit('rows') if 'rows' in ctx.raw_params else '[]'}, [{dtypes}]).lazy()"
        )
