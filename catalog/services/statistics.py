"""Column statistics computed with Polars: nulls, distinct values, min/max, lengths, true/false counts."""

from __future__ import annotations

from typing import Any

import polars as pl
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from catalog import types
from catalog.models import ColumnStatistics, StatisticsRun, StatisticsRunState, Table
from catalog.services.data import json_value, read_table


def column_statistics(series: pl.Series) -> dict[str, Any]:
    """The statistics of one column; fields that do not apply to its type are None."""
    dtype = series.dtype
    stats: dict[str, Any] = {
        "row_count": series.len(),
        "null_count": series.null_count(),
        "distinct_count": None,
        "min_value": None,
        "max_value": None,
        "avg_length": None,
        "max_length": None,
        "true_count": None,
        "false_count": None,
    }
    values = series.drop_nulls()
    try:
        stats["distinct_count"] = values.n_unique()
    except pl.exceptions.PolarsError:
        stats["distinct_count"] = None  # some nested types cannot be hashed
    if dtype == pl.Boolean:
        stats["true_count"] = int(values.sum())
        stats["false_count"] = values.len() - stats["true_count"]
    elif dtype in (pl.String, pl.Binary) or isinstance(dtype, pl.Categorical | pl.Enum):
        lengths = values.cast(pl.String).str.len_chars() if dtype != pl.Binary else values.bin.size()
        if lengths.len():
            stats["avg_length"] = float(lengths.mean())  # type: ignore[arg-type]
            stats["max_length"] = int(lengths.max())  # type: ignore[arg-type]
    if (dtype.is_numeric() or dtype.is_temporal() or dtype == pl.String) and values.len():
        stats["min_value"] = str(json_value(values.min()))
        stats["max_value"] = str(json_value(values.max()))
    return stats


def compute_statistics(run_id: int) -> StatisticsRun:
    """Read the table (or the run's partition), compute every column's statistics, replace the stored ones."""
    run = StatisticsRun.objects.select_related("table", "partition").get(pk=run_id)
    if run.state != StatisticsRunState.WAITING:
        return run  # a redelivered task: the run already went ahead
    run.state = StatisticsRunState.RUNNING
    run.started_at = timezone.now()
    run.save(update_fields=["state", "started_at"])
    try:
        frame = read_table(run.table, None, partition=run.partition)
        _store(run, frame)
    except ValidationError as exc:
        _finish(
            run,
            StatisticsRunState.FAILED,
            "; ".join(f"{k}: {', '.join(v)}" for k, v in exc.message_dict.items())
            if hasattr(exc, "error_dict")
            else "; ".join(exc.messages),
        )
    except Exception as exc:
        _finish(run, StatisticsRunState.FAILED, f"{type(exc).__name__}: {exc}")
    else:
        _finish(run, StatisticsRunState.SUCCEEDED, "")
    return run


def _finish(run: StatisticsRun, state: str, error: str) -> None:
    run.state = state
    run.error = error
    run.finished_at = timezone.now()
    run.save(update_fields=["state", "error", "finished_at"])


@transaction.atomic
def _store(run: StatisticsRun, frame: pl.DataFrame) -> None:
    table: Table = run.table
    wanted = run.columns or [c["name"] for c in table.columns + table.partition_keys]
    declared = {c["name"]: c["type"] for c in table.columns + table.partition_keys}
    now = timezone.now()
    rows: list[ColumnStatistics] = []
    for name in wanted:
        if name not in frame.columns:
            continue
        series = frame.get_column(name)
        try:
            column_type = declared.get(name) or types.from_polars(series.dtype)[0]
        except ValueError:
            column_type = str(series.dtype)
        rows.append(
            ColumnStatistics(
                table=table,
                partition=run.partition,
                column_name=name,
                column_type=column_type,
                computed_at=now,
                **column_statistics(series),
            )
        )
    ColumnStatistics.objects.filter(table=table, partition=run.partition, column_name__in=wanted).delete()
    ColumnStatistics.objects.bulk_create(rows)


@transaction.atomic
def request_statistics(table: Table, columns: list[str], partition_id: int | None, requested_by: str) -> StatisticsRun:
    """Record the request and enqueue the task once the transaction commits (a worker never sees it before)."""
    known = {c["name"] for c in table.columns + table.partition_keys}
    for i, name in enumerate(columns):
        if name not in known:
            raise ValidationError({f"columns.{i}": f'the table has no column "{name}"'})
    partition = None
    if partition_id is not None:
        partition = table.partitions.filter(pk=partition_id).first()
        if partition is None:
            raise ValidationError({"partition": f"the table has no partition {partition_id}"})
    run = StatisticsRun.objects.create(table=table, partition=partition, columns=columns, requested_by=requested_by)
    from catalog.tasks import compute_column_statistics

    transaction.on_commit(lambda: compute_column_statistics.delay(run.pk))
    return run
