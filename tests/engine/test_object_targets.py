"""write_files to S3 (moto's server on 127.0.0.1) and to Delta Lake tables, staged until the run succeeds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from catalog.models import Table
from catalog.services.connections import create_connection
from catalog.services.databases import create_database
from jobs.engine.compiler import run_graph
from jobs.engine.storage import polars_options, s3_filesystem
from jobs.engine.validate import validate
from tests.engine.harness import document

DATA = pl.DataFrame({"id": [1, 2, 3, 4], "k": ["a", "b", "a", "b"], "v": [1.5, 2.5, None, 4.0]})


def options(bucket: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in bucket.items() if k != "bucket"}


def source(lake: Path, frame: pl.DataFrame = DATA) -> dict[str, Any]:
    path = lake / "src" / "data.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.write_parquet(path)
    return {"id": "src", "type": "read_files", "params": {"path": "lake/src/data.parquet", "format": "parquet"}}


def write(lake: Path, **params: Any) -> dict[str, Any]:
    return document([source(lake), {"id": "w", "type": "write_files", "params": params}],
                    [{"source": "src", "target": "w"}])  # fmt: skip


def keys(bucket: dict[str, str]) -> list[str]:
    fs = s3_filesystem(options(bucket))
    return sorted(k.split("/", 1)[1] for k in fs.find(bucket["bucket"]))


def read_s3(bucket: dict[str, str], prefix: str, **kwargs: Any) -> pl.DataFrame:
    uri = f"s3://{bucket['bucket']}/{prefix}/**/*.parquet"
    return pl.read_parquet(uri, storage_options=polars_options(options(bucket)), **kwargs)


# S3


def test_write_files_to_s3_stages_then_copies_into_place(lake: Path, bucket: dict[str, str]) -> None:
    doc = write(lake, path=f"s3://{bucket['bucket']}/out/sales", partition_by=["k"], mode="overwrite",
                storage_options=options(bucket))  # fmt: skip
    result = run_graph(doc, run_id="r1")
    assert result.succeeded, result.error
    assert keys(bucket) == ["out/sales/k=a/part-r1-0.parquet", "out/sales/k=b/part-r1-0.parquet"]
    assert sorted(result.outputs["w"]) == [f"s3://{bucket['bucket']}/{k}" for k in keys(bucket)]
    assert {n.node: n.rows_out for n in result.nodes}["w"] == 4
    assert_frame_equal(read_s3(bucket, "out/sales", hive_partitioning=True).sort("id").select(DATA.columns), DATA)


def test_s3_credentials_can_come_from_a_catalog_connection(db: None, lake: Path, bucket: dict[str, str]) -> None:
    create_connection({
        "name": "lake-s3", "connection_type": "s3",
        "properties": {"bucket": bucket["bucket"], "endpoint_url": bucket["endpoint_url"], "region": "us-east-1",
                       "access_key_id": "test"},
        "secrets": {"secret_access_key": "test"},
    })  # fmt: skip
    doc = write(lake, path=f"s3://{bucket['bucket']}/out", connection="lake-s3", format="csv", mode="overwrite")
    result = run_graph(doc, run_id="r2")
    assert result.succeeded, result.error
    assert keys(bucket) == ["out/part-r2-0.csv"]
    csv = pl.read_csv(f"s3://{bucket['bucket']}/out/part-r2-0.csv", storage_options=polars_options(options(bucket)))
    assert_frame_equal(csv, DATA)


def test_an_unknown_or_wrong_connection_is_a_validation_error(db: None, lake: Path) -> None:
    create_connection({"name": "pg", "connection_type": "postgresql",
                       "properties": {"host": "h", "database": "d", "user": "u"}})  # fmt: skip
    for name, word in (("nope", "no catalog connection"), ("pg", "not s3")):
        errors = validate(write(lake, path="s3://b/out", connection=name))
        assert [(e["node"], e["field"]) for e in errors] == [("w", "params.connection")]
        assert word in errors[0]["message"]


def test_s3_append_adds_and_overwrite_replaces(lake: Path, bucket: dict[str, str]) -> None:
    target = f"s3://{bucket['bucket']}/t"
    for run, mode in (("r1", "append"), ("r2", "append")):
        assert run_graph(write(lake, path=target, mode=mode, storage_options=options(bucket)), run_id=run).succeeded
    assert keys(bucket) == ["t/part-r1-0.parquet", "t/part-r2-0.parquet"]
    assert run_graph(write(lake, path=target, mode="overwrite", storage_options=options(bucket)), run_id="r3").succeeded
    assert keys(bucket) == ["t/part-r3-0.parquet"]
    failed = run_graph(write(lake, path=target, mode="error_if_exists", storage_options=options(bucket)))
    assert failed.state == "FAILED"
    assert keys(bucket) == ["t/part-r3-0.parquet"]


def test_a_failed_run_leaves_the_bucket_as_it_was(lake: Path, bucket: dict[str, str]) -> None:
    target = f"s3://{bucket['bucket']}/t"
    assert run_graph(write(lake, path=target, mode="overwrite", storage_options=options(bucket)), run_id="r1").succeeded
    bad = {"id": "bad", "type": "change_schema", "params": {"mappings": [{"source": "k", "type": "int"}]}}
    doc = document(
        [source(lake), {"id": "w", "type": "write_files",
                        "params": {"path": target, "mode": "overwrite", "storage_options": options(bucket)}},
         bad, {"id": "w2", "type": "write_files",
               "params": {"path": f"s3://{bucket['bucket']}/other", "storage_options": options(bucket)}}],
        [{"source": "src", "target": "w"}, {"source": "src", "target": "bad"}, {"source": "bad", "target": "w2"}],
    )  # fmt: skip
    result = run_graph(doc, run_id="r2")
    assert result.state == "FAILED" and result.error is not None and result.error["node"] == "bad"
    assert keys(bucket) == ["t/part-r1-0.parquet"]


# Delta Lake


def delta_rows(where: str, storage: dict[str, str] | None = None) -> pl.DataFrame:
    return pl.read_delta(where, storage_options=storage).sort("id")


def test_delta_commits_appends_and_overwrites_as_table_versions(lake: Path) -> None:
    from deltalake import DeltaTable

    doc = write(lake, path="lake/delta", format="delta", partition_by=["k"], mode="append")
    assert run_graph(doc).succeeded
    assert run_graph(doc).succeeded
    table = DeltaTable(str(lake / "delta"))
    assert (table.version(), table.metadata().partition_columns) == (1, ["k"])
    assert delta_rows(str(lake / "delta")).height == 8
    doc["nodes"][1]["params"]["mode"] = "overwrite"
    assert run_graph(doc).succeeded
    assert_frame_equal(delta_rows(str(lake / "delta")).select(DATA.columns), DATA)
    doc["nodes"][1]["params"]["mode"] = "error_if_exists"
    failed = run_graph(doc)
    assert failed.state == "FAILED" and DeltaTable(str(lake / "delta")).version() == 2
    assert not (lake / "_glueweb_staging").exists()


def test_a_failed_run_creates_no_delta_table(lake: Path) -> None:
    bad = {"id": "bad", "type": "change_schema", "params": {"mappings": [{"source": "k", "type": "int"}]}}
    doc = document(
        [source(lake), {"id": "w", "type": "write_files", "params": {"path": "lake/delta", "format": "delta"}},
         bad, {"id": "w2", "type": "write_files", "params": {"path": "lake/other"}}],
        [{"source": "src", "target": "w"}, {"source": "src", "target": "bad"}, {"source": "bad", "target": "w2"}],
    )  # fmt: skip
    assert run_graph(doc).state == "FAILED"
    assert sorted(p.name for p in lake.iterdir()) == ["src"]


def test_delta_on_s3(lake: Path, bucket: dict[str, str]) -> None:
    where = f"s3://{bucket['bucket']}/delta"
    doc = write(lake, path=where, format="delta", mode="append", storage_options=options(bucket))
    result = run_graph(doc)
    assert result.succeeded, result.error
    storage = {k.upper(): v for k, v in (polars_options(options(bucket)) or {}).items()}
    assert_frame_equal(delta_rows(where, storage).select(DATA.columns), DATA)
    assert not [k for k in keys(bucket) if "_glueweb_staging" in k]


# Catalog tables on S3


@pytest.mark.django_db
def test_a_catalog_table_on_s3_is_created_then_read_back(lake: Path, bucket: dict[str, str]) -> None:
    create_database({"name": "sales"})
    where = f"s3://{bucket['bucket']}/mart"
    params = {"path": where, "partition_by": ["k"], "mode": "overwrite", "storage_options": options(bucket),
              "catalog_update": "create_or_update", "database": "sales", "table": "mart"}  # fmt: skip
    assert run_graph(write(lake, **params)).succeeded
    table = Table.objects.get(name="mart")
    assert table.location == where
    assert sorted(p.location for p in table.partitions.all()) == [f"{where}/k=a", f"{where}/k=b"]
    doc = document(
        [{"id": "src", "type": "read_catalog_table",
          "params": {"database": "sales", "table": "mart", "partition_filter": "k = 'b'",
                     "storage_options": options(bucket)}},
         {"id": "w", "type": "write_files", "params": {"path": "lake/back"}}],
        [{"source": "src", "target": "w"}],
    )  # fmt: skip
    result = run_graph(doc)
    assert result.succeeded, result.error
    expected = DATA.filter(pl.col("k") == "b").select("id", "v", "k")
    assert_frame_equal(pl.read_parquet(lake / "back").sort("id"), expected)


@pytest.mark.django_db
def test_a_failed_publish_restores_the_delta_table(lake: Path) -> None:
    from catalog.services.common import SYSTEM
    from catalog.services.tables import create_table

    assert run_graph(write(lake, path="lake/delta", format="delta", mode="append")).succeeded
    # A second target whose catalog change fails after the Delta commit: the commit must be undone.
    db = create_database({"name": "sales"})
    create_table(db, {"name": "t", "location": "lake/t", "classification": "parquet",
                      "columns": [{"name": "id", "type": "bigint"}, {"name": "v", "type": "double"}],
                      "partition_keys": [{"name": "k", "type": "string"}]}, SYSTEM)  # fmt: skip
    doc = document(
        [source(lake),
         {"id": "w", "type": "write_files", "params": {"path": "lake/delta", "format": "delta", "mode": "append"}},
         {"id": "w2", "type": "write_files",
          "params": {"path": "lake/t", "partition_by": ["k"], "mode": "append", "catalog_update": "add_partitions_only",
                     "database": "sales", "table": "t"}}],
        [{"source": "src", "target": "w"}, {"source": "src", "target": "w2"}],
    )  # fmt: skip

    def someone_drops_the_table() -> None:
        Table.objects.filter(name="t").delete()  # after the run's last check: w2's catalog change fails

    result = run_graph(doc, on_publish=someone_drops_the_table)
    assert result.state == "FAILED" and result.error is not None and result.error["node"] == "w2"
    assert_frame_equal(delta_rows(str(lake / "delta")).select(DATA.columns), DATA)
    assert not (lake / "t").exists() or not any((lake / "t").rglob("*.parquet"))


def test_a_target_must_be_a_folder_below_a_data_root_or_bucket(lake: Path) -> None:
    for path in ("lake", "s3://bucket"):
        errors = validate(write(lake, path=path))
        assert [(e["node"], e["field"]) for e in errors] == [("w", "params.path")]
