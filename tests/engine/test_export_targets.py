"""Exported scripts for catalog sources and targets, Delta Lake and S3: same output as glueweb gives."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from catalog.services.common import SYSTEM
from catalog.services.connections import create_connection
from catalog.services.databases import create_database
from catalog.services.partitions import batch_create_partitions
from catalog.services.tables import create_table
from jobs.engine.export import export_script
from jobs.engine.storage import polars_options, s3_filesystem
from tests.engine.harness import document, run_exported, run_in_glueweb

SALES = pl.DataFrame({"id": [1, 2, 3, 4], "amount": [10.5, 20.0, None, 7.25], "year": [2024, 2024, 2025, 2025]})


@pytest.fixture
def orders(db: None, lake: Path) -> None:
    """sales.orders: Parquet partitioned by year, both partitions registered."""
    db_row = create_database({"name": "sales"})
    for (year,), part in SALES.group_by("year"):
        folder = lake / "orders" / f"year={year}"
        folder.mkdir(parents=True)
        part.drop("year").write_parquet(folder / "data.parquet")
    table = create_table(
        db_row,
        {"name": "orders", "location": "lake/orders", "classification": "parquet",
         "columns": [{"name": "id", "type": "bigint"}, {"name": "amount", "type": "double"}],
         "partition_keys": [{"name": "year", "type": "int"}]},
        SYSTEM,
    )  # fmt: skip
    batch_create_partitions(table, [{"values": ["2024"]}, {"values": ["2025"]}])


def both_ways(lake: Path, graph: dict[str, Any], read: Any, clean: Path) -> None:
    """Run in glueweb, read; remove the output; run the exported script, read again: the same frame."""
    run_in_glueweb(graph)
    first = read()
    shutil.rmtree(clean)
    run_exported(graph, lake.parent)
    assert_frame_equal(read(), first)


def test_read_catalog_table_round_trips_with_its_partition_filter(orders: None, lake: Path) -> None:
    graph = document(
        [{"id": "src", "type": "read_catalog_table",
          "params": {"database": "sales", "table": "orders", "partition_filter": "year = 2025"}},
         {"id": "w", "type": "write_files", "params": {"path": "lake/out", "mode": "overwrite"}}],
        [{"source": "src", "target": "w"}],
    )  # fmt: skip

    def read() -> pl.DataFrame:
        return pl.read_parquet(lake / "out").sort("id")

    both_ways(lake, graph, read, lake / "out")
    assert read()["id"].to_list() == [3, 4]


def test_write_catalog_table_round_trips(orders: None, lake: Path) -> None:
    rows = [[7, 1.5, 2030], [8, None, 2031]]
    graph = document(
        [{"id": "data", "type": "inline_data",
          "params": {"columns": [{"name": "id", "type": "bigint"}, {"name": "amount", "type": "double"},
                                 {"name": "year", "type": "bigint"}], "rows": rows}},
         {"id": "w", "type": "write_catalog_table",
          "params": {"database": "sales", "table": "orders", "mode": "overwrite"}}],
        [{"source": "data", "target": "w"}],
    )  # fmt: skip

    def read() -> pl.DataFrame:
        return pl.read_parquet(lake / "orders", hive_partitioning=True).sort("id")

    both_ways(lake, graph, read, lake / "orders")
    assert read()["id"].to_list() == [7, 8]


def inline_to(params: dict[str, Any]) -> dict[str, Any]:
    columns = [{"name": "id", "type": "bigint"}, {"name": "k", "type": "string"}]
    return document(
        [{"id": "data", "type": "inline_data", "params": {"columns": columns, "rows": [[1, "a"], [2, "b"]]}},
         {"id": "w", "type": "write_files", "params": params}],
        [{"source": "data", "target": "w"}],
    )  # fmt: skip


def test_a_delta_target_round_trips(lake: Path) -> None:
    graph = inline_to({"path": "lake/delta", "format": "delta", "partition_by": ["k"], "mode": "overwrite"})
    assert "deltalake" in export_script(graph)

    def read() -> pl.DataFrame:
        return pl.read_delta(str(lake / "delta")).sort("id").select("id", "k")

    both_ways(lake, graph, read, lake / "delta")


def test_a_script_imports_deltalake_and_s3fs_only_when_used(lake: Path) -> None:
    script = export_script(inline_to({"path": "lake/out"}))
    assert "deltalake" not in script and "s3fs" not in script


def test_an_s3_target_round_trips_without_writing_connection_secrets(
    db: None, lake: Path, bucket: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    create_connection({
        "name": "lake-s3", "connection_type": "s3",
        "properties": {"bucket": bucket["bucket"], "endpoint_url": bucket["endpoint_url"], "region": "us-east-1",
                       "access_key_id": "test"},
        "secrets": {"secret_access_key": "zz-very-secret-zz"},
    })  # fmt: skip
    graph = inline_to({"path": f"s3://{bucket['bucket']}/out", "connection": "lake-s3", "mode": "overwrite"})
    script = export_script(graph)
    assert "zz-very-secret-zz" not in script and "s3fs" in script
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "zz-very-secret-zz")  # the script takes it from the environment
    options = polars_options({k: v for k, v in bucket.items() if k != "bucket"})
    fs = s3_filesystem({k: v for k, v in bucket.items() if k != "bucket"})

    def read() -> pl.DataFrame:
        return pl.read_parquet(f"s3://{bucket['bucket']}/out/*.parquet", storage_options=options)

    run_in_glueweb(graph)
    first = read()
    fs.rm(f"{bucket['bucket']}/out", recursive=True)
    run_exported(graph, lake.parent)
    assert_frame_equal(read(), first)
