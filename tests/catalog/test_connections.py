"""Connections: secrets encrypted at rest, never returned; typed properties; the connection test."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from rest_framework.test import APIClient

from catalog.models import Connection
from catalog.secrets import decrypt_secrets
from catalog.services.connections import connection_secrets

pytestmark = pytest.mark.django_db

C = "/api/catalog/connections/"


def _pg(**extra: Any) -> dict[str, Any]:
    return {
        "name": "warehouse",
        "connection_type": "postgresql",
        "properties": {"host": "127.0.0.1", "database": "dw", "user": "etl"},
        "secrets": {"password": "hunter2-very-secret"},
        **extra,
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_secret_is_encrypted_at_rest_and_never_returned(editor: APIClient) -> None:
    created = editor.post(C, _pg(), format="json")
    assert created.status_code == 201
    for response in (created, editor.get(C + "warehouse/"), editor.get(C)):
        assert "hunter2-very-secret" not in response.content.decode()
    assert created.json()["secrets_set"] == ["password"]
    assert created.json()["properties"]["port"] == 5432
    row = Connection.objects.get(name="warehouse")
    assert "hunter2" not in row.secrets_encrypted
    assert decrypt_secrets(row.secrets_encrypted) == {"password": "hunter2-very-secret"}


def test_secrets_are_kept_replaced_or_removed_on_update(editor: APIClient) -> None:
    editor.post(C, _pg(), format="json")
    editor.patch(C + "warehouse/", {"description": "dw"}, format="json")
    assert connection_secrets(Connection.objects.get()) == {"password": "hunter2-very-secret"}
    editor.patch(C + "warehouse/", {"secrets": {"password": "new"}}, format="json")
    assert connection_secrets(Connection.objects.get()) == {"password": "new"}
    response = editor.patch(C + "warehouse/", {"secrets": {"password": None}}, format="json")
    assert response.json()["secrets_set"] == []
    assert connection_secrets(Connection.objects.get()) == {}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"connection_type": "oracle"}, "connection_type"),
        ({"properties": {"host": "h", "database": "d"}}, "properties.user"),
        ({"properties": {"host": "h", "database": "d", "user": "u", "port": "x"}}, "properties.port"),
        ({"properties": {"host": "h", "database": "d", "user": "u", "colour": 1}}, "properties.colour"),
        ({"secrets": {"token": "x"}}, "secrets.token"),
        ({"password": "x"}, "password"),
    ],
)
def test_bad_connection_input_is_a_400_naming_the_field(editor: APIClient, change: dict[str, Any], field: str) -> None:
    response = editor.post(C, _pg(**change), format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not Connection.objects.exists()


def test_a_viewer_sees_connections_but_cannot_write_or_test(editor: APIClient, viewer: APIClient) -> None:
    editor.post(C, _pg(), format="json")
    assert viewer.get(C + "warehouse/").status_code == 200
    assert viewer.post(C, _pg(name="other"), format="json").status_code == 403
    assert viewer.post(C + "warehouse/test/").status_code == 403
    assert viewer.delete(C + "warehouse/").status_code == 403


def test_testing_an_unreachable_postgresql_answers_not_ok(editor: APIClient) -> None:
    editor.post(
        C, _pg(properties={"host": "127.0.0.1", "port": _free_port(), "database": "dw", "user": "etl"}), format="json"
    )
    body = editor.post(C + "warehouse/test/").json()
    assert body["ok"] is False
    assert "cannot connect" in body["message"]


def test_testing_a_reachable_postgresql_answers_ok(editor: APIClient, settings: Any) -> None:
    psycopg = pytest.importorskip("psycopg")
    try:
        psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=2).close()
    except psycopg.Error:
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    editor.post(C, _pg(properties={"host": "127.0.0.1", "database": "postgres", "user": "postgres"}), format="json")
    assert editor.post(C + "warehouse/test/").json()["ok"] is True


def _mysql(**overrides: Any) -> dict[str, Any]:
    body = {
        "name": "shop",
        "connection_type": "mysql",
        "properties": {"host": "127.0.0.1", "port": 3306, "database": "test", "user": "root"},
        "secrets": {"password": ""},
    }
    return body | overrides


def test_testing_a_reachable_mysql_answers_ok(editor: APIClient) -> None:
    pymysql = pytest.importorskip("pymysql")
    try:
        pymysql.connect(host="127.0.0.1", port=3306, user="root", password="", connect_timeout=2).close()
    except pymysql.MySQLError:
        pytest.skip("no MySQL/MariaDB on 127.0.0.1:3306")
    assert editor.post(C, _mysql(), format="json").status_code == 201
    assert editor.post(C + "shop/test/").json() == {"ok": True, "message": "connected to 127.0.0.1:3306/test"}


def test_testing_mysql_on_a_closed_port_says_why(editor: APIClient) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    properties = {"host": "127.0.0.1", "port": closed_port, "database": "test", "user": "root"}
    editor.post(C, _mysql(properties=properties), format="json")
    body = editor.post(C + "shop/test/").json()
    assert body["ok"] is False
    assert body["message"].startswith("cannot connect: Can't connect to MySQL server on '127.0.0.1'")
    assert "Connection refused" in body["message"]


def test_testing_an_s3_connection_lists_its_bucket_on_a_real_s3_server(editor: APIClient, s3_server: Any) -> None:
    bucket = s3_server.bucket()
    body = {
        "name": "lake",
        "connection_type": "s3",
        "properties": s3_server.connection_properties(bucket),
        "secrets": s3_server.connection_secrets(),
    }
    assert editor.post(C, body, format="json").status_code == 201
    assert editor.post(C + "lake/test/").json() == {"ok": True, "message": f"listed s3://{bucket}"}


def test_testing_an_s3_connection_to_a_missing_bucket_says_why(editor: APIClient, s3_server: Any) -> None:
    bucket = s3_server.bucket()
    properties = s3_server.connection_properties(bucket) | {"bucket": bucket + "-missing"}
    body = {
        "name": "lake",
        "connection_type": "s3",
        "properties": properties,
        "secrets": s3_server.connection_secrets(),
    }
    editor.post(C, body, format="json")
    answer = editor.post(C + "lake/test/").json()
    assert answer["ok"] is False
    assert answer["message"].startswith("cannot list the bucket:")
    assert "NoSuchBucket" in answer["message"] or "does not exist" in answer["message"]


def test_connection_types_describe_their_forms(viewer: APIClient) -> None:
    types = {t["connection_type"]: t for t in viewer.get("/api/catalog/connection-types/").json()["results"]}
    assert types["postgresql"]["secrets"] == ["password"]
    assert {"name": "host", "type": "string", "required": True} in types["postgresql"]["properties"]


def test_a_duplicate_connection_name_is_refused(editor: APIClient) -> None:
    editor.post(C, _pg(), format="json")
    response = editor.post(C, _pg(name="WAREHOUSE"), format="json")
    assert response.status_code == 400
    assert "already exists" in response.json()["name"][0]
    assert Connection.objects.count() == 1


def test_the_type_of_a_connection_cannot_change(editor: APIClient) -> None:
    editor.post(C, _pg(), format="json")
    response = editor.patch(C + "warehouse/", {"connection_type": "mysql"}, format="json")
    assert response.status_code == 400
    assert "connection_type" in response.json()
