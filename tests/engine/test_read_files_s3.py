"""read_files on s3:// with the credentials of a catalog connection (moto's S3 server on 127.0.0.1)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from catalog.services.connections import create_connection
from jobs.engine.export import export_script
from jobs.engine.preview import preview
from jobs.engine.schema import graph_schemas
from jobs.engine.storage import s3_filesystem
from jobs.engine.validate import validate
from tests.engine.harness import document, run_exported, run_in_glueweb

pytestmark = pytest.mark.django_db

DATA = pl.DataFrame({"id": [1, 2, 3, 4], "k": ["a", "b", "a", "b"], "v": [1.5, 2.5, None, 4.0]})
SECRET = "zz-read-secret-zz"


@pytest.fixture
def stocked(bucket: dict[str, str]) -> dict[str, str]:
    """The bucket holding DATA as hive-partitioned Parquet, CSV and JSON; an s3 connection `lake-s3` to it."""
    fs = s3_filesystem({k: v for k, v in bucket.items() if k != "bucket"})
    name = bucket["bucket"]
    for (key,), part in DATA.group_by("k", maintain_order=True):
        buffer = io.BytesIO()
        part.drop("k").write_parquet(buffer)
        fs.pipe(f"{name}/sales/k={key}/part-0.parquet", buffer.getvalue())
    fs.pipe(f"{name}/flat/sales.csv", DATA.write_csv().encode())
    fs.pipe(f"{name}/flat/sales.json", DATA.write_json().encode())
    create_connection({
        "name": "lake-s3", "connection_type": "s3",
        "properties": {"bucket": name, "endpoint_url": bucket["endpoint_url"], "region": "us-east-1",
                       "access_key_id": "test"},
        "secrets": {"secret_access_key": SECRET},
    })  # fmt: skip
    return bucket


def reader(bucket: dict[str, str], path: str, fmt: str, **params: Any) -> dict[str, Any]:
    full = {"path": f"s3://{bucket['bucket']}/{path}", "format": fmt, "connection": "lake-s3", **params}
    return {"id": "src", "type": "read_files", "params": full}


def copy(node: dict[str, Any]) -> dict[str, Any]:
    return document(
        [node, {"id": "w", "type": "write_files", "params": {"path": "lake/out", "mode": "overwrite"}}],
        [{"source": "src", "target": "w"}],
    )


def written(lake: Path) -> pl.DataFrame:
    return pl.read_parquet(lake / "out").sort("id")


def test_hive_partitioned_parquet_is_read_with_the_connections_credentials(lake: Path, stocked: dict[str, str]) -> None:
    run_in_glueweb(copy(reader(stocked, "sales/**/*.parquet", "parquet")))
    assert_frame_equal(written(lake).select(DATA.columns), DATA)


def test_csv_and_json_are_read_with_the_connection(lake: Path, stocked: dict[str, str]) -> None:
    for path, fmt in (("flat/sales.csv", "csv"), ("flat/sales.json", "json")):
        run_in_glueweb(copy(reader(stocked, path, fmt)))
        assert_frame_equal(written(lake), DATA)


def test_the_schema_and_the_preview_use_the_connection(lake: Path, stocked: dict[str, str]) -> None:
    doc = document([reader(stocked, "flat/sales.csv", "csv")], [])
    schemas = graph_schemas(doc)
    assert schemas["errors"] == []
    assert [(c["name"], c["type"]) for c in schemas["nodes"]["src"]["ports"]["out"]] == [
        ("id", "bigint"), ("k", "string"), ("v", "double"),
    ]  # fmt: skip
    shown = preview(doc, "src", sample_rows=2)
    assert [row["id"] for row in shown["rows"]] == [1, 2]


def test_an_unknown_or_wrong_connection_is_named(db: None, lake: Path) -> None:
    create_connection({"name": "pg", "connection_type": "postgresql",
                       "properties": {"host": "h", "database": "d", "user": "u"}})  # fmt: skip
    for name, word in (("nope", "no catalog connection"), ("pg", "not s3")):
        node = {"id": "src", "type": "read_files", "params": {"path": "s3://b/x.csv", "format": "csv",
                                                               "connection": name}}  # fmt: skip
        errors = validate(document([node], []))
        assert [(e["node"], e["field"]) for e in errors] == [("src", "params.connection")]
        assert word in errors[0]["message"]


def test_a_connection_on_a_local_path_or_with_storage_options_is_an_error(lake: Path, stocked: dict[str, str]) -> None:
    (lake / "a.csv").write_text("x\n1\n")
    local = {"id": "src", "type": "read_files", "params": {"path": "lake/a.csv", "format": "csv",
                                                           "connection": "lake-s3"}}  # fmt: skip
    both = reader(stocked, "flat/sales.csv", "csv", storage_options={"region": "us-east-1"})
    for node in (local, both):
        errors = validate(document([node], []))
        assert [(e["node"], e["field"]) for e in errors] == [("src", "params.connection")]


def test_the_exported_script_reads_the_secret_from_the_environment(
    lake: Path, stocked: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    graph = copy(reader(stocked, "sales/**/*.parquet", "parquet"))
    script = export_script(graph)
    assert SECRET not in script and "s3_secrets_from_env()" in script
    run_in_glueweb(graph)
    first = written(lake)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    run_exported(graph, lake.parent)
    assert_frame_equal(written(lake), first)
