"""write_files with catalog_update add_partitions_only: the output must fit the existing table.

Each mismatch is reported at validation with the node id and the field that causes it (columns
at params.table, partition keys at params.partition_by[.i], the format at params.format), all
problems at once; the same check runs again just before anything is published.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

from catalog.models import Database, Table
from catalog.services.common import SYSTEM
from catalog.services.databases import create_database
from catalog.services.tables import create_table, update_table
from jobs.engine.catalog_updates import key_type_fits
from jobs.engine.compiler import run_graph
from jobs.engine.validate import validate
from tests.engine.harness import document

pytestmark = pytest.mark.django_db

# Fits table sales.events as it is created below: id bigint, amount double; keys year int, month string.
EVENTS = pl.DataFrame(
    {"id": [1, 2], "amount": [1.5, 2.5], "year": [2024, 2025], "month": ["01", "02"]},
    schema={"id": pl.Int64, "amount": pl.Float64, "year": pl.Int32, "month": pl.String},
)


@pytest.fixture
def events(lake: Path) -> Table:
    db = create_database({"name": "sales"})
    return create_table(
        db,
        {"name": "events", "location": "lake/events", "classification": "parquet",
         "columns": [{"name": "id", "type": "bigint"}, {"name": "amount", "type": "double"}],
         "partition_keys": [{"name": "year", "type": "int"}, {"name": "month", "type": "string"}]},
        SYSTEM,
    )  # fmt: skip


def inline(frame: pl.DataFrame) -> dict[str, Any]:
    from catalog.types import from_polars

    columns = [{"name": n, "type": from_polars(d)[0]} for n, d in frame.schema.items()]
    rows = [list(r) for r in frame.rows()]
    return {"id": "data", "type": "inline_data", "params": {"columns": columns, "rows": rows}}


def job(frame: pl.DataFrame = EVENTS, **params: Any) -> dict[str, Any]:
    target = {"path": "lake/events", "partition_by": ["year", "month"], "mode": "append",
              "catalog_update": "add_partitions_only", "database": "sales", "table": "events", **params}  # fmt: skip
    return document([inline(frame), {"id": "w", "type": "write_files", "params": target}],
                    [{"source": "data", "target": "w"}])  # fmt: skip


def problems(doc: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(e["node"], e["field"], e["message"]) for e in validate(doc)]


def fields(doc: dict[str, Any]) -> list[tuple[str, str]]:
    return [(node, field) for node, field, _ in problems(doc)]


def test_an_output_that_fits_the_table_validates_and_registers_its_partitions(events: Table) -> None:
    assert problems(job()) == []
    result = run_graph(job(), run_id="r1")
    assert result.succeeded, result.error
    assert sorted(p.values for p in events.partitions.all()) == [["2024", "01"], ["2025", "02"]]


def test_a_missing_database_or_table_is_named(events: Table) -> None:
    assert fields(job(database="nope")) == [("w", "params.database")]
    [(node, field, message)] = problems(job(table="nope"))
    assert (node, field) == ("w", "params.table") and '"nope"' in message


def test_a_column_of_another_type_is_named_with_both_types(events: Table) -> None:
    [(node, field, message)] = problems(job(EVENTS.with_columns(pl.col("amount").cast(pl.String))))
    assert (node, field) == ("w", "params.table")
    assert '"amount" is string' in message and "double" in message


def test_every_missing_and_extra_column_is_reported(events: Table) -> None:
    frame = EVENTS.drop("amount").with_columns(pl.lit("x").alias("note"))
    found = problems(job(frame))
    assert [(n, f) for n, f, _ in found] == [("w", "params.table"), ("w", "params.table")]
    assert '"amount"' in found[0][2] and '"note"' in found[1][2]


def test_a_partition_key_left_out_of_partition_by_is_named(events: Table) -> None:
    [(node, field, message)] = problems(job(partition_by=["year"]))
    assert (node, field) == ("w", "params.partition_by")
    assert 'lacks key "month"' in message and "as a column" in message


def test_partition_keys_in_another_order_are_named_by_position(events: Table) -> None:
    found = problems(job(partition_by=["month", "year"]))
    assert [(n, f) for n, f, _ in found] == [("w", "params.partition_by.0"), ("w", "params.partition_by.1")]
    assert '"month" is in place 1' in found[0][2] and '"year"' in found[0][2]


def test_a_partition_key_the_table_does_not_have_is_named(events: Table) -> None:
    frame = EVENTS.with_columns(pl.lit("eu").alias("region"))
    [(node, field, message)] = problems(job(frame, partition_by=["year", "month", "region"]))
    assert (node, field) == ("w", "params.partition_by.2")
    assert '"region" is not a partition key' in message


def test_partition_by_on_a_table_without_keys_is_an_error(events: Table) -> None:
    update_table(events, {"partition_keys": []}, SYSTEM)
    [(node, field, message)] = problems(job(EVENTS.drop("month"), partition_by=["year"]))
    assert (node, field) == ("w", "params.partition_by") and "no partition keys" in message


def test_a_partition_key_of_an_incompatible_type_is_named_with_both_types(events: Table) -> None:
    as_text = EVENTS.with_columns(pl.col("year").cast(pl.String))
    [(node, field, message)] = problems(job(as_text))
    assert (node, field) == ("w", "params.partition_by.0")
    assert '"year" is string here, but int' in message
    # A wider integer could register values the key cannot hold.
    wider = EVENTS.with_columns(pl.col("year").cast(pl.Int64))
    assert fields(job(wider)) == [("w", "params.partition_by.0")]


def test_narrower_integers_and_anything_into_a_string_key_fit() -> None:
    assert key_type_fits("smallint", "bigint") and key_type_fits("int", "int")
    assert not key_type_fits("bigint", "int") and not key_type_fits("string", "int")
    assert key_type_fits("date", "string") and key_type_fits("bigint", "string")
    assert not key_type_fits("array<int>", "string") and not key_type_fits("date", "timestamp")


def test_a_narrower_integer_key_is_written_and_registered(events: Table) -> None:
    narrower = EVENTS.with_columns(pl.col("year").cast(pl.Int16))
    assert problems(job(narrower)) == []
    assert run_graph(job(narrower)).succeeded
    assert events.partitions.count() == 2


def test_every_problem_is_reported_at_once(events: Table) -> None:
    frame = EVENTS.with_columns(pl.col("amount").cast(pl.String), pl.col("year").cast(pl.String))
    assert fields(job(frame, format="csv")) == [
        ("w", "params.table"), ("w", "params.partition_by.0"), ("w", "params.format"),
    ]  # fmt: skip


def test_the_files_must_be_in_the_tables_format(events: Table) -> None:
    [(node, field, message)] = problems(job(format="ndjson"))
    assert (node, field) == ("w", "params.format")
    assert '"parquet"' in message


def test_a_view_is_refused(events: Table) -> None:
    create_table(Database.objects.get(name="sales"), {"name": "recent", "table_type": "VIEW",
                 "view_text": "select 1"}, SYSTEM)  # fmt: skip
    found = problems(job(table="recent"))
    assert found and found[0][:2] == ("w", "params.table") and "view" in found[0][2]


def test_a_table_changed_during_the_run_is_caught_before_anything_is_published(events: Table, lake: Path) -> None:
    calls: list[int] = []

    def someone_changes_the_key() -> bool:
        # Another user narrows a key while the run is under way (first asked on this thread, before
        # the plan runs; later calls come from Polars' threads and touch nothing).
        calls.append(1)
        if len(calls) > 1:
            return False
        table = Table.objects.get(pk=events.pk)
        keys = [{"name": "year", "type": "smallint"}, {"name": "month", "type": "string"}]
        update_table(table, {"partition_keys": keys}, SYSTEM)
        return False

    result = run_graph(job(), should_stop=someone_changes_the_key)
    assert result.state == "FAILED" and result.error is not None
    assert result.error["node"] == "w" and result.error["type"] == "build"
    assert '"year" is int here, but smallint' in result.error["message"]
    assert not (lake / "events").exists()
    assert events.partitions.count() == 0
