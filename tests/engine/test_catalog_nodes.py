"""Catalog sources and targets: read_catalog_table, write_catalog_table and write_files' catalog updates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from catalog.models import Database, Table, TableVersion
from catalog.services.common import SYSTEM, ChangedBy
from catalog.services.databases import create_database
from catalog.services.partitions import batch_create_partitions
from catalog.services.tables import create_table
from jobs.engine.compiler import run_graph
from jobs.engine.schema import graph_schemas
from jobs.engine.validate import validate
from tests.engine.harness import document

pytestmark = pytest.mark.django_db

SALES = pl.DataFrame({"id": [1, 2, 3, 4], "amount": [10.5, 20.0, None, 7.25], "year": [2024, 2024, 2025, 2025]})


@pytest.fixture
def sales_db(lake: Path) -> Database:
    return create_database({"name": "sales"})


def partitioned_table(lake: Path, db: Database, name: str = "orders") -> Table:
    """lake/<name>/year=2024 and year=2025, both registered as partitions."""
    for year, part in SALES.group_by("year"):
        folder = lake / name / f"year={year[0]}"
        folder.mkdir(parents=True)
        part.drop("year").write_parquet(folder / "data.parquet")
    table = create_table(
        db,
        {"name": name, "location": f"lake/{name}", "classification": "parquet",
         "columns": [{"name": "id", "type": "bigint"}, {"name": "amount", "type": "double"}],
         "partition_keys": [{"name": "year", "type": "int"}]},
        SYSTEM,
    )  # fmt: skip
    _, errors = batch_create_partitions(table, [{"values": ["2024"]}, {"values": ["2025"]}])
    assert not errors
    return table


def reader(**params: Any) -> dict[str, Any]:
    return {"id": "src", "type": "read_catalog_table", "params": {"database": "sales", "table": "orders", **params}}


def writer(node_id: str, params: dict[str, Any]) -> dict[str, Any]:
    return {"id": node_id, "type": "write_files", "params": {"mode": "overwrite", **params}}


def inline(frame: pl.DataFrame, node_id: str = "data") -> dict[str, Any]:
    from catalog.types import from_polars

    columns = [{"name": n, "type": from_polars(d)[0]} for n, d in frame.schema.items()]
    return {
        "id": node_id,
        "type": "inline_data",
        "params": {"columns": columns, "rows": [list(r) for r in frame.rows()]},
    }


def copy_to(lake: Path, source: dict[str, Any], folder: str = "lake/out") -> dict[str, Any]:
    return document([source, writer("w", {"path": folder})], [{"source": source["id"], "target": "w"}])


# read_catalog_table


def test_the_output_schema_comes_from_the_catalog_without_reading_data(sales_db: Database, lake: Path) -> None:
    create_table(
        sales_db,
        {"name": "orders", "location": "lake/nowhere", "classification": "parquet",
         "columns": [{"name": "id", "type": "bigint"}, {"name": "price", "type": "decimal(10,2)"}],
         "partition_keys": [{"name": "day", "type": "date"}]},
        SYSTEM,
    )  # fmt: skip
    schemas = graph_schemas(document([reader()], []))
    assert schemas["errors"] == []
    assert [(c["name"], c["type"]) for c in schemas["nodes"]["src"]["ports"]["out"]] == [
        ("id", "bigint"), ("price", "decimal(10,2)"), ("day", "date"),
    ]  # fmt: skip


def test_a_partitioned_table_is_read_with_its_keys_as_columns(sales_db: Database, lake: Path) -> None:
    partitioned_table(lake, sales_db)
    assert run_graph(copy_to(lake, reader())).succeeded
    out = pl.read_parquet(lake / "out").sort("id")
    assert_frame_equal(out, SALES.with_columns(pl.col("year").cast(pl.Int32)))


def test_the_partition_filter_reads_only_the_partitions_it_selects(sales_db: Database, lake: Path) -> None:
    partitioned_table(lake, sales_db)
    # A broken file in the 2024 partition: reading it fails, so success proves it was never opened.
    (lake / "orders" / "year=2024" / "data.parquet").write_text("not parquet")
    assert not run_graph(copy_to(lake, reader())).succeeded
    result = run_graph(copy_to(lake, reader(partition_filter="year >= 2025")))
    assert result.succeeded, result.error
    assert pl.read_parquet(lake / "out").sort("id")["id"].to_list() == [3, 4]


def test_files_are_matched_to_the_table_by_column_name(sales_db: Database, lake: Path) -> None:
    folder = lake / "loose"
    folder.mkdir()
    pl.DataFrame({"extra": ["x"], "id": [1]}).write_parquet(folder / "a.parquet")
    create_table(
        sales_db,
        {"name": "orders", "location": "lake/loose", "classification": "parquet",
         "columns": [{"name": "id", "type": "int"}, {"name": "note", "type": "string"}]},
        SYSTEM,
    )  # fmt: skip
    assert run_graph(copy_to(lake, reader())).succeeded
    expected = pl.DataFrame({"id": [1], "note": [None]}, schema={"id": pl.Int32, "note": pl.String})
    assert_frame_equal(pl.read_parquet(lake / "out"), expected)


def test_unknown_tables_and_bad_filters_name_their_field(sales_db: Database, lake: Path) -> None:
    partitioned_table(lake, sales_db)
    cases = {
        "params.database": reader(database="nope"),
        "params.table": reader(table="nope"),
        "params.partition_filter": reader(partition_filter="amount > 3"),
    }
    for field, node in cases.items():
        errors = validate(document([node], []))
        assert [(e["node"], e["field"]) for e in errors] == [("src", field)], errors
    assert "amount" in validate(document([reader(partition_filter="amount > 3")], []))[0]["message"]


# write_catalog_table


def catalog_writer(**params: Any) -> dict[str, Any]:
    return {"id": "w", "type": "write_catalog_table", "params": {"database": "sales", "table": "orders", **params}}


def test_write_catalog_table_appends_files_and_registers_new_partitions(sales_db: Database, lake: Path) -> None:
    table = partitioned_table(lake, sales_db)
    new = pl.DataFrame({"id": [5, 6], "amount": [1.0, 2.0], "year": [2025, 2026]})
    doc = document([inline(new), catalog_writer()], [{"source": "data", "target": "w"}])
    result = run_graph(doc, run_id="r7")
    assert result.succeeded, result.error
    assert sorted(p.values[0] for p in table.partitions.all()) == ["2024", "2025", "2026"]
    new_partition = table.partitions.get(values=["2026"])
    assert new_partition.parameters == {"written_by_run": "r7"}
    out = run_graph(copy_to(lake, reader()))
    assert out.succeeded
    assert sorted(pl.read_parquet(lake / "out")["id"].to_list()) == [1, 2, 3, 4, 5, 6]


def test_write_catalog_table_overwrite_replaces_every_partition(sales_db: Database, lake: Path) -> None:
    table = partitioned_table(lake, sales_db)
    new = pl.DataFrame({"id": [9], "amount": [9.0], "year": [2030]})
    doc = document([inline(new), catalog_writer(mode="overwrite")], [{"source": "data", "target": "w"}])
    assert run_graph(doc).succeeded
    assert [p.values for p in table.partitions.all()] == [["2030"]]
    assert sorted(p.name for p in (lake / "orders").iterdir()) == ["year=2030"]


def test_write_catalog_table_refuses_an_input_that_does_not_fit(sales_db: Database, lake: Path) -> None:
    partitioned_table(lake, sales_db)
    missing = pl.DataFrame({"id": [1], "year": [2025]})
    extra = pl.DataFrame({"id": [1], "amount": [1.0], "year": [2025], "oops": [1]})
    for frame, word in ((missing, '"amount"'), (extra, '"oops"')):
        errors = validate(document([inline(frame), catalog_writer()], [{"source": "data", "target": "w"}]))
        assert [(e["node"], e["field"]) for e in errors] == [("w", "params.table")]
        assert word in errors[0]["message"]


# write_files with catalog updates


def test_create_or_update_creates_the_table_and_marks_its_version_with_the_run(sales_db: Database, lake: Path) -> None:
    params = {"path": "lake/mart", "partition_by": ["year"], "catalog_update": "create_or_update",
              "database": "sales", "table": "mart"}  # fmt: skip
    doc = document([inline(SALES), writer("w", params)], [{"source": "data", "target": "w"}])
    by = ChangedBy.job_run(42, "nightly")
    assert run_graph(doc, run_id="r1", changed_by=by).succeeded
    table = Table.objects.get(name="mart")
    assert (table.location, table.classification) == (str(lake / "mart"), "parquet")
    assert table.columns == [{"name": "id", "type": "bigint", "comment": ""},
                             {"name": "amount", "type": "double", "comment": ""}]  # fmt: skip
    assert table.partition_keys == [{"name": "year", "type": "bigint", "comment": ""}]
    assert sorted(p.values[0] for p in table.partitions.all()) == ["2024", "2025"]
    version = TableVersion.objects.get(table=table)
    assert (version.number, version.changed_by_kind, version.changed_by_id, version.changed_by_name) == (
        1, "job_run", "42", "nightly",
    )  # fmt: skip

    # A later run with another column: version 2, recording that run.
    wider = document([inline(SALES.with_columns(pl.lit("eur").alias("currency"))), writer("w", params)],
                     [{"source": "data", "target": "w"}])  # fmt: skip
    assert run_graph(wider, run_id="r2").succeeded
    latest = TableVersion.objects.filter(table=table).order_by("-number").first()
    assert latest is not None
    assert (latest.number, latest.changed, latest.changed_by_kind, latest.changed_by_id) == (
        2, ["columns"], "job_run", "r2",
    )  # fmt: skip


def test_add_partitions_only_needs_an_existing_table_of_the_same_shape(sales_db: Database, lake: Path) -> None:
    params = {"path": "lake/orders", "partition_by": ["year"], "catalog_update": "add_partitions_only",
              "database": "sales", "table": "orders", "mode": "append"}  # fmt: skip
    sales = SALES.with_columns(pl.col("year").cast(pl.Int32))  # the table's key is an int
    doc = document([inline(sales), writer("w", params)], [{"source": "data", "target": "w"}])
    assert [(e["node"], e["field"]) for e in validate(doc)] == [("w", "params.table")]
    partitioned_table(lake, sales_db)
    assert validate(doc) == []
    retyped = document([inline(sales.with_columns(pl.col("amount").cast(pl.String))), writer("w", params)],
                       [{"source": "data", "target": "w"}])  # fmt: skip
    errors = validate(retyped)
    assert [(e["node"], e["field"]) for e in errors] == [("w", "params.table")]
    assert "amount" in errors[0]["message"]


def test_add_partitions_only_registers_partitions_and_keeps_the_schema(sales_db: Database, lake: Path) -> None:
    table = partitioned_table(lake, sales_db)
    params = {"path": "lake/orders", "partition_by": ["year"], "catalog_update": "add_partitions_only",
              "database": "sales", "table": "orders", "mode": "append"}  # fmt: skip
    new = pl.DataFrame({"id": [7], "amount": [1.5], "year": [2031]}, schema_overrides={"year": pl.Int32})
    doc = document([inline(new), writer("w", params)], [{"source": "data", "target": "w"}])
    assert run_graph(doc).succeeded
    assert sorted(p.values[0] for p in table.partitions.all()) == ["2024", "2025", "2031"]
    assert Table.objects.get(pk=table.pk).version == 1


def test_a_failed_run_leaves_files_and_catalog_as_they_were(sales_db: Database, lake: Path) -> None:
    params = {"path": "lake/mart", "catalog_update": "create_or_update", "database": "sales", "table": "mart"}
    bad = {"id": "bad", "type": "change_schema", "params": {"mappings": [{"source": "note", "type": "int"}]}}
    frame = pl.DataFrame({"id": [1], "note": ["not a number"]})
    doc = document(
        [inline(frame), writer("w", params), bad, writer("w2", {"path": "lake/other"})],
        [{"source": "data", "target": "w"}, {"source": "data", "target": "bad"}, {"source": "bad", "target": "w2"}],
    )
    result = run_graph(doc)
    assert result.state == "FAILED" and result.error is not None and result.error["node"] == "bad"
    assert not Table.objects.exists()
    assert not (lake / "mart").exists() and not (lake / "other").exists()
    assert sorted(p.name for p in lake.iterdir()) == []


def test_a_catalog_change_that_fails_moves_the_published_files_back(sales_db: Database, lake: Path) -> None:
    partitioned_table(lake, sales_db)
    params = {"path": "lake/orders", "partition_by": ["year"], "catalog_update": "add_partitions_only",
              "database": "sales", "table": "orders", "mode": "append"}  # fmt: skip
    new = pl.DataFrame({"id": [7], "amount": [1.5], "year": [2031]}, schema_overrides={"year": pl.Int32})
    other = writer("w2", {"path": "lake/side"})
    doc = document([inline(new), writer("w", params), other],
                   [{"source": "data", "target": "w"}, {"source": "data", "target": "w2"}])  # fmt: skip
    before = sorted(str(p.relative_to(lake)) for p in (lake / "orders").rglob("*"))

    def someone_drops_the_table() -> None:
        # Another user drops the table after the run's last check: its catalog change must fail.
        Table.objects.filter(name="orders").delete()

    result = run_graph(doc, on_publish=someone_drops_the_table)
    assert result.state == "FAILED" and result.error is not None
    assert result.error["node"] == "w" and result.error["type"] == "publish"
    assert "no longer exists" in result.error["message"]
    assert sorted(str(p.relative_to(lake)) for p in (lake / "orders").rglob("*")) == before
    assert not (lake / "side").exists()


def test_overwrite_with_new_partition_keys_replaces_the_old_partitions(sales_db: Database, lake: Path) -> None:
    table = partitioned_table(lake, sales_db)
    params = {"path": "lake/orders", "partition_by": ["region"], "catalog_update": "create_or_update",
              "database": "sales", "table": "orders", "mode": "overwrite"}  # fmt: skip
    new = pl.DataFrame({"id": [1], "amount": [1.0], "region": ["eu"]})
    result = run_graph(document([inline(new), writer("w", params)], [{"source": "data", "target": "w"}]))
    assert result.succeeded, result.error
    table.refresh_from_db()
    assert [k["name"] for k in table.partition_keys] == ["region"]
    assert [p.values for p in table.partitions.all()] == [["eu"]]


def test_create_or_update_needs_an_existing_database(db: None, lake: Path) -> None:
    params = {"path": "lake/mart", "catalog_update": "create_or_update", "database": "marts", "table": "t"}
    errors = validate(document([inline(SALES), writer("w", params)], [{"source": "data", "target": "w"}]))
    assert [(e["node"], e["field"]) for e in errors] == [("w", "params.database")]
    without_table = {k: v for k, v in params.items() if k != "table"}
    errors = validate(document([inline(SALES), writer("w", without_table)], [{"source": "data", "target": "w"}]))
    assert [(e["node"], e["field"]) for e in errors] == [("w", "params.table")]


def test_a_catalog_table_previews_a_labelled_sample(sales_db: Database, lake: Path) -> None:
    from jobs.engine.preview import preview

    partitioned_table(lake, sales_db)
    shown = preview(document([reader(partition_filter="year = 2024")], []), "src", sample_rows=1)
    assert [c["name"] for c in shown["columns"]] == ["id", "amount", "year"]
    assert shown["rows"] == [{"id": 1, "amount": 10.5, "year": 2024}]
    assert shown["sample"]["is_sample"] is True


def test_create_or_update_keeps_the_comments_people_gave_the_table(sales_db: Database, lake: Path) -> None:
    from catalog.services.tables import update_table

    params = {"path": "lake/mart", "partition_by": ["year"], "catalog_update": "create_or_update",
              "database": "sales", "table": "mart", "mode": "append"}  # fmt: skip
    doc = document([inline(SALES), writer("w", params)], [{"source": "data", "target": "w"}])
    assert run_graph(doc, run_id="r1").succeeded
    table = Table.objects.get(name="mart")
    columns = [{**c, "comment": "order number"} if c["name"] == "id" else c for c in table.columns]
    keys = [{**table.partition_keys[0], "comment": "fiscal year"}]
    # A key's comment counts as a change of partition keys: the catalog allows it only without partitions.
    table.partitions.all().delete()
    update_table(table, {"columns": columns, "partition_keys": keys}, SYSTEM)
    result = run_graph(doc, run_id="r2")
    assert result.succeeded, result.error
    table.refresh_from_db()
    assert [c["comment"] for c in table.columns] == ["order number", ""]
    assert table.partition_keys[0]["comment"] == "fiscal year"
    assert table.version == 2  # the comments' own version; the run changed nothing


def test_create_or_update_needs_overwrite_to_change_the_keys_of_a_partitioned_table(
    sales_db: Database, lake: Path
) -> None:
    partitioned_table(lake, sales_db)
    params = {"path": "lake/orders", "partition_by": ["region"], "catalog_update": "create_or_update",
              "database": "sales", "table": "orders", "mode": "append"}  # fmt: skip
    new = pl.DataFrame({"id": [1], "amount": [1.0], "region": ["eu"]})
    errors = validate(document([inline(new), writer("w", params)], [{"source": "data", "target": "w"}]))
    assert [(e["node"], e["field"]) for e in errors] == [("w", "params.partition_by")]
    assert "year int" in errors[0]["message"] and "overwrite" in errors[0]["message"]
