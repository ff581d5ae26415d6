"""Exported scripts and the catalog: the script writes the files and reports, as JSON, the catalog
changes a glueweb run would make (it cannot reach glueweb's catalog); the partitions it reports
are ready for the catalog API's batch-create call."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from catalog.models import Database, Table
from catalog.services.common import SYSTEM
from catalog.services.databases import create_database
from catalog.services.tables import create_table
from jobs.engine.export import export_script
from tests.engine.harness import document

pytestmark = pytest.mark.django_db

COLUMNS = [{"name": "id", "type": "bigint"}, {"name": "k", "type": "string"}, {"name": "v", "type": "double"}]
ROWS = [[1, "a", 1.5], [2, "b", None], [3, "b", 3.0], [4, None, 4.0]]


@pytest.fixture
def sales(lake: Path) -> Database:
    return create_database({"name": "sales"})


@pytest.fixture
def events(sales: Database) -> Table:
    return create_table(
        sales,
        {"name": "events", "location": "lake/events", "classification": "parquet",
         "columns": [{"name": "id", "type": "bigint"}, {"name": "v", "type": "double"}],
         "partition_keys": [{"name": "k", "type": "string"}]},
        SYSTEM,
    )  # fmt: skip


def job(target_type: str, params: dict[str, Any]) -> dict[str, Any]:
    return document(
        [{"id": "data", "type": "inline_data", "params": {"columns": COLUMNS, "rows": ROWS}},
         {"id": "w", "type": target_type, "params": params}],
        [{"source": "data", "target": "w"}],
    )  # fmt: skip


def run_script(graph: dict[str, Any], home: Path, *args: str) -> str:
    script = home / "job.py"
    script.write_text(export_script(graph))
    done = subprocess.run([sys.executable, str(script), "--home", str(home), *args],
                          capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_script_reports_the_partitions_it_wrote_and_leaves_the_catalog_alone(
    events: Table, lake: Path, api: Callable[..., Any]
) -> None:
    update = {"catalog_update": "add_partitions_only", "database": "sales", "table": "events"}
    graph = job("write_files", {"path": "lake/events", "partition_by": ["k"], "mode": "append", **update})
    script = export_script(graph)
    assert "does NOT update glueweb's data catalog" in script
    out = lake.parent / "changes.json"
    assert run_script(graph, lake.parent, "--catalog-changes", str(out)) == ""
    report = json.loads(out.read_text())
    [change] = report["changes"]
    assert report["note"].startswith("not applied")
    assert (change["node"], change["action"], change["database"], change["table"]) == (
        "w", "add_partitions_only", "sales", "events",
    )  # fmt: skip
    assert change["replace_partitions"] is False and "definition" not in change
    folders = sorted(p.relative_to(lake / "events").as_posix() for p in (lake / "events").iterdir())
    assert folders == ["k=__HIVE_DEFAULT_PARTITION__", "k=a", "k=b"]
    assert sorted((p["values"], p["location"]) for p in change["partitions"] if p["values"][0]) == [
        (["a"], str(lake / "events" / "k=a")), (["b"], str(lake / "events" / "k=b")),
    ]  # fmt: skip
    assert [None] in [p["values"] for p in change["partitions"]]
    assert {p["parameters"]["written_by_run"] for p in change["partitions"]} == {report["run_id"]}
    assert not events.partitions.exists()  # the script did not touch the catalog

    # What the report says is what the catalog API takes.
    url = "/api/catalog/databases/sales/tables/events/partitions/batch-create/"
    response = api("editor").post(url, {"partitions": change["partitions"]}, format="json")
    assert response.status_code == 200 and response.json()["errors"] == [], response.json()
    assert sorted(str(p.values) for p in events.partitions.all()) == ["['a']", "['b']", "[None]"]


def test_create_or_update_reports_the_table_definition_on_standard_output(sales: Database, lake: Path) -> None:
    update = {"catalog_update": "create_or_update", "database": "sales", "table": "mart"}
    graph = job("write_files", {"path": "lake/mart", "partition_by": ["k"], "mode": "overwrite", **update})
    [change] = json.loads(run_script(graph, lake.parent))["changes"]
    assert change["replace_partitions"] is True
    assert change["definition"] == {
        "columns": [{"name": "id", "type": "bigint", "comment": ""}, {"name": "v", "type": "double", "comment": ""}],
        "partition_keys": [{"name": "k", "type": "string", "comment": ""}],
        "location": str(lake / "mart"),
        "classification": "parquet",
    }
    assert len(change["partitions"]) == 3
    assert not Table.objects.filter(name="mart").exists()


def test_a_delta_table_is_reported_without_partitions(sales: Database, lake: Path) -> None:
    graph = job("write_files", {"path": "lake/delta", "format": "delta", "partition_by": ["k"], "mode": "overwrite",
                                "catalog_update": "create_or_update", "database": "sales", "table": "d"})  # fmt: skip
    [change] = json.loads(run_script(graph, lake.parent))["changes"]
    assert (change["classification"], change["partitions"]) == ("delta", [])
    assert change["definition"]["partition_keys"] == [{"name": "k", "type": "string", "comment": ""}]
    assert pl.read_delta(str(lake / "delta")).height == len(ROWS)


def test_write_catalog_table_reports_the_partitions_it_would_register(events: Table, lake: Path) -> None:
    graph = job("write_catalog_table", {"database": "sales", "table": "events", "mode": "overwrite"})
    [change] = json.loads(run_script(graph, lake.parent))["changes"]
    assert (change["action"], change["replace_partitions"], change["location"]) == (
        "write_table", True, str(lake / "events"),
    )  # fmt: skip
    assert sorted(str(p["values"]) for p in change["partitions"]) == ["['a']", "['b']", "[None]"]


def test_a_script_without_catalog_updates_has_no_catalog_report(lake: Path) -> None:
    graph = job("write_files", {"path": "lake/out", "partition_by": ["k"], "mode": "overwrite"})
    script = export_script(graph)
    assert "catalog-changes" not in script and "report_catalog_changes" not in script
    assert run_script(graph, lake.parent) == ""


def test_an_s3_target_reports_its_partitions_under_the_bucket(
    sales: Database, lake: Path, bucket: dict[str, str]
) -> None:
    where = f"s3://{bucket['bucket']}/mart"
    options = {k: v for k, v in bucket.items() if k != "bucket"}
    update = {"catalog_update": "create_or_update", "database": "sales", "table": "mart"}
    graph = job("write_files", {"path": where, "partition_by": ["k"], "mode": "append", "storage_options": options,
                                **update})  # fmt: skip
    [change] = json.loads(run_script(graph, lake.parent))["changes"]
    assert change["location"] == where
    assert sorted(p["location"] for p in change["partitions"]) == [
        f"{where}/k=__HIVE_DEFAULT_PARTITION__", f"{where}/k=a", f"{where}/k=b",
    ]  # fmt: skip
