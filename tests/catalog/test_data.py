"""Reading tables: preview of Parquet and CSV, path confinement, statistics computed by the task's service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from rest_framework.test import APIClient

from catalog.models import ColumnStatistics, StatisticsRun, StatisticsRunState, Table
from catalog.services.partitions import batch_create_partitions
from catalog.services.statistics import column_statistics, compute_statistics

pytestmark = pytest.mark.django_db

T = "/api/catalog/databases/sales/tables/orders/"
FRAME = pl.DataFrame(
    {
        "id": [1, 2, 3, None],
        "name": ["ann", "bo", None, "cyrille"],
        "paid": [True, False, True, None],
        "day": [dt.date(2024, 1, 1), dt.date(2024, 1, 2), None, dt.date(2023, 5, 5)],
    }
)


@pytest.fixture
def parquet_table(lake: Path, make_table: Callable[..., Table]) -> Table:
    folder = lake / "orders"
    folder.mkdir()
    FRAME.write_parquet(folder / "part-0.parquet")
    columns = [
        {"name": c, "type": t} for c, t in [("id", "bigint"), ("name", "string"), ("paid", "boolean"), ("day", "date")]
    ]
    return make_table(location=str(folder), classification="parquet", columns=columns)


def test_preview_reads_the_first_rows_of_a_parquet_table(editor: APIClient, parquet_table: Table) -> None:
    body = editor.get(T + "preview/", {"limit": 2}).json()
    assert [c["name"] for c in body["columns"]] == ["id", "name", "paid", "day"]
    assert body["columns"][3]["type"] == "date"
    assert body["rows"] == [[1, "ann", True, "2024-01-01"], [2, "bo", False, "2024-01-02"]]


def test_preview_reads_csv_with_its_format_options(
    editor: APIClient, lake: Path, make_table: Callable[..., Table]
) -> None:
    (lake / "orders.csv").write_text("id;name\n1;ann\n2;bo\n3;NA\n")
    make_table(
        location=str(lake / "orders.csv"), classification="csv", format_options={"delimiter": ";", "null_value": "NA"}
    )
    body = editor.get(T + "preview/").json()
    assert body["rows"] == [[1, "ann"], [2, "bo"], [3, None]]


def test_preview_of_a_partitioned_table_adds_the_keys_and_filters(
    editor: APIClient, lake: Path, make_table: Callable[..., Table]
) -> None:
    table = make_table(
        location=str(lake / "events"), classification="parquet", partition_keys=[{"name": "year", "type": "int"}]
    )
    for year in (2023, 2024):
        folder = lake / "events" / f"year={year}"
        folder.mkdir(parents=True)
        pl.DataFrame({"id": [year * 10, year * 10 + 1]}).write_parquet(folder / "data.parquet")
    batch_create_partitions(table, [{"values": ["2023"]}, {"values": ["2024"]}])
    body = editor.get(T + "preview/", {"partition_filter": "year > 2023"}).json()
    assert body["rows"] == [[20240, 2024], [20241, 2024]]
    assert [c["type"] for c in body["columns"]] == ["bigint", "int"]
    assert len(editor.get(T + "preview/").json()["rows"]) == 4
    bad = editor.get(T + "preview/", {"partition_filter": "month = 1"})
    assert bad.status_code == 400
    assert "partition_filter" in bad.json()


def test_preview_refuses_a_location_outside_the_data_roots(
    editor: APIClient, lake: Path, tmp_path: Path, make_table: Callable[..., Table]
) -> None:
    make_table(location=str(lake), classification="parquet")
    outside = tmp_path / "secret"
    outside.mkdir()
    FRAME.write_parquet(outside / "x.parquet")
    Table.objects.filter(name="orders").update(location=str(outside))  # as if the roots changed since
    response = editor.get(T + "preview/")
    assert response.status_code == 400
    assert "outside the data roots" in response.json()["location"][0]


def test_preview_refuses_a_symlink_leading_outside(
    editor: APIClient, lake: Path, tmp_path: Path, make_table: Callable[..., Table]
) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    FRAME.write_parquet(outside / "x.parquet")
    (lake / "link").symlink_to(outside)
    response = editor.post(
        "/api/catalog/databases/sales/tables/",
        {"name": "orders", "location": str(lake / "link"), "classification": "parquet"},
        format="json",
    )
    assert response.status_code == 400
    assert "outside the data roots" in response.json()["location"][0]
    make_table(location=str(lake), classification="parquet")
    (lake / "file.parquet").symlink_to(outside / "x.parquet")
    response = editor.get(T + "preview/")
    assert response.status_code == 400
    assert "outside the data roots" in response.json()["location"][0]


@pytest.mark.parametrize("location", ["/etc", "/etc/passwd", "../../etc/passwd"])
def test_locations_elsewhere_are_refused_when_written(
    editor: APIClient, lake: Path, make_table: Callable[..., Table], location: str
) -> None:
    make_table()
    response = editor.patch(T, {"location": location}, format="json")
    assert response.status_code == 400
    assert "location" in response.json()
    assert Table.objects.get(name="orders").location == ""


def test_a_dotdot_inside_the_root_is_still_refused(
    editor: APIClient, lake: Path, make_table: Callable[..., Table]
) -> None:
    make_table()
    response = editor.patch(T, {"location": f"{lake}/a/../b"}, format="json")
    assert response.status_code == 400
    assert '".."' in response.json()["location"][0]


def _s3_lake(s3_server: Any) -> str:
    """A bucket holding orders as two Parquet partitions, and a connection "lake" to it."""
    import io

    from catalog.services.connections import create_connection

    bucket = s3_server.bucket()
    for month, frame in (("01", FRAME.head(2)), ("02", FRAME.tail(2))):
        buffer = io.BytesIO()
        frame.write_parquet(buffer)
        s3_server.put(bucket, f"orders/month={month}/part-0.parquet", buffer.getvalue())
    s3_server.put(bucket, "orders/_SUCCESS", b"")
    create_connection(
        {
            "name": "lake",
            "connection_type": "s3",
            "properties": s3_server.connection_properties(bucket),
            "secrets": s3_server.connection_secrets(),
        },
        None,
    )
    return bucket


def test_preview_reads_a_table_on_s3_with_its_connection(
    editor: APIClient, make_table: Callable[..., Table], s3_server: Any
) -> None:
    bucket = _s3_lake(s3_server)
    columns = [{"name": "id", "type": "bigint"}, {"name": "name", "type": "string"}]
    make_table(
        location=f"s3://{bucket}/orders/", classification="parquet", columns=columns, parameters={"connection": "lake"}
    )
    body = editor.get(T + "preview/").json()
    assert sorted(row[0] for row in body["rows"] if row[0] is not None) == [1, 2, 3]
    assert len(body["rows"]) == 4


def test_preview_of_a_partitioned_s3_table_filters_its_partitions(
    editor: APIClient, make_table: Callable[..., Table], s3_server: Any
) -> None:
    bucket = _s3_lake(s3_server)
    table = make_table(
        location=f"s3://{bucket}/orders/",
        classification="parquet",
        columns=[{"name": "id", "type": "bigint"}],
        partition_keys=[{"name": "month", "type": "string"}],
        parameters={"connection": "lake"},
    )
    batch_create_partitions(
        table, [{"values": [m], "location": f"s3://{bucket}/orders/month={m}/"} for m in ("01", "02")]
    )
    body = editor.get(T + "preview/", {"partition_filter": "month = '02'"}).json()
    assert [row[0] for row in body["rows"]] == [3, None]
    assert {row[-1] for row in body["rows"]} == {"02"}


def test_preview_of_an_s3_table_naming_a_missing_connection_is_a_clear_error(
    editor: APIClient, make_table: Callable[..., Table], s3_server: Any
) -> None:
    bucket = s3_server.bucket()
    make_table(location=f"s3://{bucket}/orders/", classification="parquet", parameters={"connection": "nope"})
    response = editor.get(T + "preview/")
    assert response.status_code == 400
    assert response.json() == {"parameters.connection": ['no s3 connection named "nope"']}


def test_column_statistics_of_a_small_frame() -> None:
    ids = column_statistics(FRAME["id"])
    assert ids | {} == {
        "row_count": 4,
        "null_count": 1,
        "distinct_count": 3,
        "min_value": "1",
        "max_value": "3",
        "avg_length": None,
        "max_length": None,
        "true_count": None,
        "false_count": None,
    }
    names = column_statistics(FRAME["name"])
    assert (names["null_count"], names["distinct_count"], names["max_length"]) == (1, 3, 7)
    assert names["avg_length"] == pytest.approx(4.0)
    assert (names["min_value"], names["max_value"]) == ("ann", "cyrille")
    paid = column_statistics(FRAME["paid"])
    assert (paid["true_count"], paid["false_count"], paid["null_count"]) == (2, 1, 1)
    days = column_statistics(FRAME["day"])
    assert (days["min_value"], days["max_value"]) == ("2023-05-05", "2024-01-02")


def test_compute_statistics_is_enqueued_after_commit_and_stored_by_the_service(
    editor: APIClient, parquet_table: Table, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    sent: list[int] = []
    monkeypatch.setattr("catalog.tasks.compute_column_statistics.delay", sent.append)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = editor.post(T + "statistics/compute/", {}, format="json")
    assert response.status_code == 202
    assert response.json()["state"] == "WAITING"
    assert len(callbacks) == 1
    assert sent == [response.json()["id"]]
    run = compute_statistics(sent[0])
    assert run.state == StatisticsRunState.SUCCEEDED, run.error
    stats = editor.get(T + "statistics/").json()["results"]
    assert [s["column"] for s in stats] == ["id", "name", "paid", "day"]
    assert stats[2]["true_count"] == 2
    assert editor.get(T + f"statistics/runs/{run.pk}/").json()["state"] == "SUCCEEDED"


def test_recomputing_statistics_replaces_them(parquet_table: Table) -> None:
    for _ in range(2):
        run = StatisticsRun.objects.create(table=parquet_table)
        compute_statistics(run.pk)
    assert ColumnStatistics.objects.filter(table=parquet_table).count() == 4


def test_statistics_of_an_unreadable_table_fail_the_run_with_the_reason(make_table: Callable[..., Table]) -> None:
    table = make_table()
    run = compute_statistics(StatisticsRun.objects.create(table=table).pk)
    assert run.state == StatisticsRunState.FAILED
    assert "no location" in run.error


def test_compute_statistics_refuses_unknown_columns_and_fields(editor: APIClient, parquet_table: Table) -> None:
    response = editor.post(T + "statistics/compute/", {"columns": ["nope"]}, format="json")
    assert response.status_code == 400
    assert "columns.0" in response.json()
    response = editor.post(T + "statistics/compute/", {"everything": True}, format="json")
    assert response.json() == {"everything": ["unknown field"]}
    assert not StatisticsRun.objects.exists()


def test_a_viewer_cannot_request_statistics(viewer: APIClient, parquet_table: Table) -> None:
    assert viewer.post(T + "statistics/compute/", {}, format="json").status_code == 403
    assert viewer.get(T + "preview/").status_code == 200
