"""add_timestamp: the run time, a string/epoch column to timestamp, or a timestamp formatted as text."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import polars as pl

from jobs.engine.nodeutil import obj, require_column, the_input
from jobs.engine.registry import Context, ExportContext, NodeProblem, NodeType, register


def timestamp_expr(mode: str, column: str | None, fmt: str | None, name: str, now: datetime) -> pl.Expr:
    if mode == "now":
        return pl.lit(now, dtype=pl.Datetime("us")).alias(name)
    assert column is not None
    col = pl.col(column)
    if mode == "format":
        return col.dt.strftime(fmt or "").alias(name)
    fmt = fmt or "iso"
    if fmt == "epoch_s":
        return pl.from_epoch(col, time_unit="s").cast(pl.Datetime("us")).alias(name)
    if fmt == "epoch_ms":
        return pl.from_epoch(col, time_unit="ms").cast(pl.Datetime("us")).alias(name)
    parsed = col.str.to_datetime(None if fmt == "iso" else fmt, time_unit="us", strict=True)
    # Values with an offset come back zoned: convert to UTC and drop the zone.
    return parsed.alias(name)


def utc_naive(frame: pl.LazyFrame, name: str) -> pl.LazyFrame:
    dtype = frame.collect_schema()[name]
    if isinstance(dtype, pl.Datetime) and dtype.time_zone:
        return frame.with_columns(pl.col(name).dt.convert_time_zone("UTC").dt.replace_time_zone(None))
    return frame


@register
class AddTimestamp(NodeType):
    key = "add_timestamp"
    label = "Timestamp"
    category = "columns"
    preserves_rows = True
    glue = "Add Current Timestamp, To Timestamp, Format Timestamp"
    params_schema = obj(
        {
            "mode": {"enum": ["now", "to_timestamp", "format"], "default": "now"},
            "name": {"type": "string", "minLength": 1},
            "column": {"type": "string", "minLength": 1, "x-glueweb": "column"},
            "format": {"type": "string", "minLength": 1},
        }
    )

    def _names(self, params: Mapping[str, Any]) -> tuple[str, str | None, str | None, str]:
        mode = params.get("mode", "now")
        column = params.get("column")
        name = params.get("name") or ("run_time" if mode == "now" else column or "")
        return mode, column, params.get("format"), name

    def check(self, params: Mapping[str, Any], inputs: Mapping[str, Any]) -> None:
        schema = the_input(inputs)
        mode, column, fmt, name = self._names(params)
        if mode == "now":
            if name in schema:
                raise NodeProblem("params.name", f'column "{name}" already exists')
            return
        if column is None:
            raise NodeProblem("params.column", f"mode {mode} needs a column")
        require_column(schema, column, "params.column")
        dtype = schema[column]
        if mode == "format":
            if fmt is None:
                raise NodeProblem("params.format", "mode format needs a strftime pattern")
            if not (dtype == pl.Date or isinstance(dtype, pl.Datetime)):
                raise NodeProblem("params.column", f'column "{column}" is {dtype}, not a date or timestamp')
        elif fmt in ("epoch_s", "epoch_ms"):
            if not dtype.is_integer():
                raise NodeProblem("params.column", f"epoch formats need an integer column, not {dtype}")
        elif dtype != pl.String:
            raise NodeProblem("params.column", f'column "{column}" is {dtype}, not text')

    def build(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> pl.LazyFrame:
        mode, column, fmt, name = self._names(params)
        frame = the_input(inputs).with_columns(timestamp_expr(mode, column, fmt, name, ctx.started_at))
        return utc_naive(frame, name)

    def export_code(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: ExportContext) -> str:
        ctx.need(timestamp_expr, utc_naive)
        mode, column, fmt, name = self._names(params)
        expr = f"timestamp_expr({mode!r}, {column!r}, {fmt!r}, {name!r}, NOW)"
        return f"utc_naive({inputs['in']}.with_columns({expr}), {name!r})"
