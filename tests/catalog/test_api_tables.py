"""Databases and tables through the API: CRUD, permissions, bad input, versions and their diff."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rest_framework.test import APIClient

from catalog.models import Database, Table, TableVersion
from catalog.services.common import ChangedBy
from catalog.services.tables import update_table

pytestmark = pytest.mark.django_db

DB = "/api/catalog/databases/"
ORDERS = DB + "sales/tables/orders/"


def _table_body(**extra: Any) -> dict[str, Any]:
    return {
        "name": "orders",
        "description": "one row per order",
        "columns": [
            {"name": "id", "type": "BIGINT", "comment": "order id"},
            {"name": "lines", "type": "array<struct<sku:string,qty:int>>"},
        ],
        "partition_keys": [{"name": "year", "type": "int"}],
        "classification": "csv",
        "format_options": {"delimiter": ";", "header": True},
        "parameters": {"record_count": 10},
        **extra,
    }


def test_an_editor_creates_a_database_with_a_lower_case_name(editor: APIClient) -> None:
    response = editor.post(DB, {"name": "Sales", "description": "d", "parameters": {"team": "x"}}, format="json")
    assert response.status_code == 201
    assert response.json()["name"] == "sales"
    assert editor.get(DB + "sales/").json()["table_count"] == 0


def test_a_table_is_created_with_canonical_types_and_version_one(editor: APIClient, sales: Database) -> None:
    response = editor.post(DB + "sales/tables/", _table_body(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["columns"][0] == {"name": "id", "type": "bigint", "comment": "order id"}
    assert body["columns"][1]["type"] == "array<struct<sku:string,qty:int>>"
    assert body["version"] == 1
    assert body["owner"].startswith("editor")
    assert body["parameters"] == {"record_count": 10, "last_updated_by": f"user:{body['owner']}"}
    version = TableVersion.objects.get(table__name="orders")
    assert (version.number, version.changed_by_kind) == (1, "user")


def test_lists_are_paginated_with_a_cursor(editor: APIClient) -> None:
    for i in range(5):
        editor.post(DB, {"name": f"db{i}"}, format="json")
    first = editor.get(DB, {"limit": 2}).json()
    assert [d["name"] for d in first["results"]] == ["db0", "db1"]
    second = editor.get(DB, {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [d["name"] for d in second["results"]] == ["db2", "db3"]
    third = editor.get(DB, {"limit": 2, "cursor": second["next_cursor"]}).json()
    assert [d["name"] for d in third["results"]] == ["db4"]
    assert third["next_cursor"] is None


def test_the_database_list_gives_each_database_its_table_count(
    editor: APIClient, make_table: Callable[..., Table]
) -> None:
    editor.post(DB, {"name": "empty"}, format="json")
    make_table("orders")
    make_table("customers")
    listed = {d["name"]: d["table_count"] for d in editor.get(DB).json()["results"]}
    assert listed == {"empty": 0, "sales": 2}


def test_a_bad_cursor_or_limit_is_a_400_naming_it(editor: APIClient) -> None:
    assert "cursor" in editor.get(DB, {"cursor": "nonsense!"}).json()
    assert "limit" in editor.get(DB, {"limit": 0}).json()


def test_a_viewer_reads_but_cannot_write(viewer: APIClient, make_table: Callable[..., Table]) -> None:
    make_table()
    assert viewer.get(DB).status_code == 200
    assert viewer.get(ORDERS).status_code == 200
    assert viewer.post(DB, {"name": "x"}, format="json").status_code == 403
    assert viewer.patch(ORDERS, {"description": "x"}, format="json").status_code == 403
    assert viewer.delete(ORDERS).status_code == 403
    assert not Database.objects.filter(name="x").exists()
    assert Table.objects.get(name="orders").description == ""


def test_anonymous_callers_are_refused(api: Callable[..., APIClient], sales: Database) -> None:
    anonymous = api(None)
    assert anonymous.get(DB).status_code in (401, 403)
    assert anonymous.post(DB, {"name": "x"}, format="json").status_code in (401, 403)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"columns": [{"name": "id", "type": "varchr"}]}, "columns.0.type", 'unknown type "varchr"'),
        ({"columns": [{"name": "a", "type": "int"}, {"name": "a", "type": "int"}]}, "columns.1.name", "used twice"),
        ({"columns": [{"name": "a", "type": "int", "colour": "red"}]}, "columns.0.colour", "unknown field"),
        ({"partition_keys": [{"name": "k", "type": "array<int>"}]}, "partition_keys.0.type", "primitive"),
        ({"partition_keys": [{"name": "id", "type": "int"}]}, "partition_keys.0.name", "also a column"),
        ({"table_type": "MANAGED"}, "table_type", "EXTERNAL_TABLE"),
        ({"classification": "xml"}, "classification", "must be one of"),
        ({"format_options": {"delimiter": ";;"}}, "format_options.delimiter", "one character"),
        ({"format_options": {"sheet": 1}}, "format_options.sheet", "unknown field"),
        ({"location": "ftp://host/x"}, "location", "only local paths"),
        ({"location": "lake/../../etc"}, "location", '".."'),
        ({"name": "Bad Name!"}, "name", "not a valid name"),
        ({"colour": "red"}, "colour", "unknown field"),
        ({"deprecated": "yes"}, "deprecated", "true or false"),
        ({"parameters": {"record_count": -1}}, "parameters.record_count", "whole number"),
        ({"parameters": {"size_bytes": "big"}}, "parameters.size_bytes", "whole number"),
    ],
)
def test_bad_table_input_is_a_400_naming_the_field_and_writes_nothing(
    editor: APIClient, sales: Database, change: dict[str, Any], field: str, words: str
) -> None:
    response = editor.post(DB + "sales/tables/", _table_body(**change), format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert words in str(response.json()[field])
    assert not Table.objects.exists()
    assert not TableVersion.objects.exists()


def test_a_duplicate_table_name_is_refused(editor: APIClient, make_table: Callable[..., Table]) -> None:
    make_table()
    response = editor.post(DB + "sales/tables/", _table_body(name="ORDERS"), format="json")
    assert response.status_code == 400
    assert "already has a table" in response.json()["name"][0]
    assert Table.objects.count() == 1


def test_a_duplicate_database_name_is_refused(editor: APIClient, sales: Database) -> None:
    response = editor.post(DB, {"name": "SALES"}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()
    assert Database.objects.count() == 1


def test_unknown_database_fields_are_refused(editor: APIClient) -> None:
    response = editor.post(DB, {"name": "x", "owner": "me"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"owner": ["unknown field"]}
    assert not Database.objects.exists()


def test_a_body_that_is_not_an_object_is_refused(editor: APIClient) -> None:
    response = editor.post(DB, [1, 2], format="json")
    assert response.status_code == 400


def test_a_failed_update_changes_nothing(editor: APIClient, make_table: Callable[..., Table]) -> None:
    make_table()
    response = editor.patch(ORDERS, {"description": "new", "columns": [{"name": "id", "type": "nope"}]}, format="json")
    assert response.status_code == 400
    table = Table.objects.get(name="orders")
    assert (table.description, table.version) == ("", 1)
    assert TableVersion.objects.count() == 1


def test_a_change_of_schema_archives_a_new_version(editor: APIClient, make_table: Callable[..., Table]) -> None:
    make_table()
    response = editor.patch(
        ORDERS,
        {"columns": [{"name": "id", "type": "int"}, {"name": "customer", "type": "string"}]},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["version"] == 2
    versions = editor.get(ORDERS + "versions/").json()["results"]
    assert [v["version"] for v in versions] == [2, 1]
    assert versions[0]["changed"] == ["columns"]
    assert versions[0]["changed_by"]["kind"] == "user"
    assert editor.get(ORDERS + "versions/1/").json()["columns"][0]["type"] == "bigint"


def test_a_description_change_is_not_a_new_version(editor: APIClient, make_table: Callable[..., Table]) -> None:
    make_table()
    response = editor.patch(ORDERS, {"description": "better", "deprecated": True}, format="json")
    assert response.json()["version"] == 1
    assert response.json()["deprecated"] is True
    assert TableVersion.objects.count() == 1


def test_versions_record_crawler_and_job_runs(make_table: Callable[..., Table], lake: Path) -> None:
    table = make_table()
    table = update_table(table, {"location": str(lake)}, ChangedBy.crawler_run(7, "nightly"))
    table = update_table(table, {"classification": "parquet"}, ChangedBy.job_run(9, "daily load"))
    kinds = list(
        TableVersion.objects.filter(table=table).order_by("number").values_list("changed_by_kind", "changed_by_id")
    )
    assert kinds == [("system", ""), ("crawler_run", "7"), ("job_run", "9")]


def test_the_diff_of_two_versions_names_added_removed_and_retyped_columns(
    editor: APIClient, make_table: Callable[..., Table]
) -> None:
    make_table()
    editor.patch(
        ORDERS,
        {"columns": [{"name": "id", "type": "string"}, {"name": "country", "type": "string"}]},
        format="json",
    )
    diff = editor.get(ORDERS + "versions/diff/", {"from": 1, "to": 2}).json()
    assert diff["columns"]["added"] == [{"name": "country", "type": "string", "comment": ""}]
    assert [c["name"] for c in diff["columns"]["removed"]] == ["total"]
    assert diff["columns"]["retyped"] == [{"name": "id", "from": "bigint", "to": "string"}]
    assert diff["changed"] == {}
    assert editor.get(ORDERS + "versions/diff/", {"from": 1}).json()["to_version"] == 2
    assert editor.get(ORDERS + "versions/diff/", {"from": "x"}).status_code == 400
    assert editor.get(ORDERS + "versions/diff/", {"from": 9}).status_code == 404


def test_deleting_a_database_deletes_its_tables(editor: APIClient, make_table: Callable[..., Table]) -> None:
    make_table()
    assert editor.delete(DB + "sales/").status_code == 204
    assert not Table.objects.exists()
    assert editor.get(DB + "sales/").status_code == 404


def test_a_missing_table_is_a_404_naming_it(editor: APIClient, sales: Database) -> None:
    response = editor.get(DB + "sales/tables/nope/")
    assert response.status_code == 404
    assert "nope" in response.json()["detail"]


def test_the_api_schema_still_builds(editor: APIClient) -> None:
    response = editor.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert "/api/catalog/databases/" in response.json()["paths"]
