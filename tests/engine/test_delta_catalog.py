"""Delta Lake targets and the catalog: the table is registered (format delta, its partition keys),
its partitions are not, as Glue does for native Delta tables: they live in the table's own log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from catalog.models import Database, Table
from catalog.services.common import SYSTEM
from catalog.services.databases import create_database
from catalog.services.tables import create_table
from jobs.engine.compiler import run_graph
from jobs.engine.validate import validate
from tests.engine.harness import document

pytestmark = pytest.mark.django_db

DATA = pl.DataFrame({"id": [1, 2, 3], "k": ["a", "b", "b"], "v": [1.5, None, 3.0]})
COLUMNS = [{"name": "id", "type": "bigint"}, {"name": "k", "type": "string"}, {"name": "v", "type": "double"}]


@pytest.fixture
def sales(lake: Path) -> None:
    create_database({"name": "sales"})


def inline(rows: list[list[Any]]) -> dict[str, Any]:
    return {"id": "data", "type": "inline_data", "params": {"columns": COLUMNS, "rows": rows}}


def to_delta(rows: list[list[Any]], **params: Any) -> dict[str, Any]:
    target = {"path": "lake/mart", "format": "delta", "partition_by": ["k"], "mode": "append", **params}
    return document([inline(rows), {"id": "w", "type": "write_files", "params": target}],
                    [{"source": "data", "target": "w"}])  # fmt: skip


def read_back(lake: Path, partition_filter: str | None = None) -> pl.DataFrame:
    params: dict[str, Any] = {"database": "sales", "table": "mart"}
    if partition_filter:
        params["partition_filter"] = partition_filter
    doc = document([{"id": "src", "type": "read_catalog_table", "params": params},
                    {"id": "w", "type": "write_files", "params": {"path": "lake/back", "mode": "overwrite"}}],
                   [{"source": "src", "target": "w"}])  # fmt: skip
    result = run_graph(doc)
    assert result.succeeded, result.error
    return pl.read_parquet(lake / "back").sort("id")


def test_create_or_update_registers_the_delta_table_with_its_keys_but_no_partitions(sales: None, lake: Path) -> None:
    rows = [list(r) for r in DATA.rows()]
    update = {"catalog_update": "create_or_update", "database": "sales", "table": "mart"}
    result = run_graph(to_delta(rows, **update), run_id="r1")
    assert result.succeeded, result.error
    table = Table.objects.get(name="mart")
    assert (table.classification, table.location) == ("delta", str(lake / "mart"))
    assert [c["name"] for c in table.columns] == ["id", "v"]
    assert table.partition_keys == [{"name": "k", "type": "string", "comment": ""}]
    assert table.parameters["last_updated_by"] == "job_run:r1"
    assert not table.partitions.exists()

    # A second run appends to the Delta log: still no catalog partitions, the same table version.
    assert run_graph(to_delta([[4, "c", 4.0]], **update), run_id="r2").succeeded
    table.refresh_from_db()
    assert (table.version, table.partitions.count(), table.parameters["last_updated_by"]) == (1, 0, "job_run:r2")


def test_a_registered_delta_table_reads_back_with_its_partition_filter(sales: None, lake: Path) -> None:
    rows = [list(r) for r in DATA.rows()]
    update = {"catalog_update": "create_or_update", "database": "sales", "table": "mart"}
    assert run_graph(to_delta(rows, **update)).succeeded
    assert_frame_equal(read_back(lake), DATA.select("id", "v", "k"))
    assert_frame_equal(read_back(lake, "k = 'b'"), DATA.filter(pl.col("k") == "b").select("id", "v", "k"))


def test_add_partitions_only_does_not_apply_to_delta(sales: None, lake: Path) -> None:
    create_table(
        Database.objects.get(name="sales"),
        {"name": "mart", "location": "lake/mart", "classification": "delta",
         "columns": [{"name": "id", "type": "bigint"}, {"name": "v", "type": "double"}],
         "partition_keys": [{"name": "k", "type": "string"}]},
        SYSTEM,
    )  # fmt: skip
    doc = to_delta([[1, "a", 1.0]], catalog_update="add_partitions_only", database="sales", table="mart")
    errors = validate(doc)
    assert [(e["node"], e["field"]) for e in errors] == [("w", "params.catalog_update")]
    assert "create_or_update" in errors[0]["message"]


def test_write_catalog_table_into_a_delta_table_registers_no_partitions(sales: None, lake: Path) -> None:
    from deltalake import DeltaTable

    table = create_table(
        Database.objects.get(name="sales"),
        {"name": "mart", "location": "lake/mart", "classification": "delta",
         "columns": [{"name": "id", "type": "bigint"}, {"name": "v", "type": "double"}],
         "partition_keys": [{"name": "k", "type": "string"}]},
        SYSTEM,
    )  # fmt: skip
    doc = document([inline([list(r) for r in DATA.rows()]),
                    {"id": "w", "type": "write_catalog_table", "params": {"database": "sales", "table": "mart"}}],
                   [{"source": "data", "target": "w"}])  # fmt: skip
    result = run_graph(doc, run_id="r9")
    assert result.succeeded, result.error
    assert DeltaTable(str(lake / "mart")).metadata().partition_columns == ["k"]
    table.refresh_from_db()
    assert not table.partitions.exists()
    assert table.parameters["last_updated_by"] == "job_run:r9"
    assert_frame_equal(read_back(lake), DATA.select("id", "v", "k"))


def test_a_delta_preview_samples_rows_that_pass_the_partition_filter(sales: None, lake: Path) -> None:
    from jobs.engine.preview import preview

    rows = [[i, "a", float(i)] for i in range(1, 50)] + [[99, "b", 9.0]]
    update = {"catalog_update": "create_or_update", "database": "sales", "table": "mart"}
    assert run_graph(to_delta(rows, **update)).succeeded
    node = {"id": "src", "type": "read_catalog_table",
            "params": {"database": "sales", "table": "mart", "partition_filter": "k = 'b'"}}  # fmt: skip
    shown = preview(document([node], []), "src", sample_rows=1)
    assert shown["rows"] == [{"id": 99, "v": 9.0, "k": "b"}]
