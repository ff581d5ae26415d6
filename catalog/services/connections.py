"""Connections: typed properties, secrets encrypted at rest (catalog/secrets.py), and a connection test."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from catalog.models import Connection
from catalog.secrets import decrypt_secrets, encrypt_secrets
from catalog.services.common import check_json_object, check_name, check_text, check_unknown
from catalog.storage import S3Options


@dataclass(frozen=True)
class ConnectionType:
    """Which properties a type takes (name -> Python type), which are required, and which fields are secret."""

    properties: dict[str, type]
    required: tuple[str, ...]
    secrets: tuple[str, ...]
    defaults: dict[str, Any] = field(default_factory=dict)


CONNECTION_TYPES: dict[str, ConnectionType] = {
    "postgresql": ConnectionType(
        {"host": str, "port": int, "database": str, "user": str, "sslmode": str},
        ("host", "database", "user"),
        ("password",),
        {"port": 5432},
    ),
    "mysql": ConnectionType(
        {"host": str, "port": int, "database": str, "user": str},
        ("host", "database", "user"),
        ("password",),
        {"port": 3306},
    ),
    "s3": ConnectionType(
        {"bucket": str, "prefix": str, "region": str, "endpoint_url": str, "access_key_id": str},
        ("bucket",),
        ("secret_access_key", "session_token"),
    ),
    "jdbc": ConnectionType({"url": str, "user": str}, ("url",), ("password",)),
}
FIELDS = ("name", "connection_type", "description", "properties", "secrets")
TEST_TIMEOUT_SECONDS = 5


def _check_properties(kind: ConnectionType, value: Any) -> dict[str, Any]:
    props = check_json_object(value, "properties")
    check_unknown(props, kind.properties, "properties.")
    for key, wanted in kind.properties.items():
        if key in props and (not isinstance(props[key], wanted) or isinstance(props[key], bool)):
            raise ValidationError({f"properties.{key}": f"must be a {'number' if wanted is int else 'string'}"})
    for key in kind.required:
        if not props.get(key):
            raise ValidationError({f"properties.{key}": "is required"})
    return {**kind.defaults, **props}


def _merge_secrets(kind: ConnectionType, current: dict[str, str], value: Any) -> dict[str, str]:
    """Given secrets replace the stored ones; null removes one; those not named are kept."""
    given = check_json_object(value, "secrets")
    check_unknown(given, kind.secrets, "secrets.")
    merged = {k: v for k, v in current.items() if k in kind.secrets}
    for key, secret in given.items():
        if secret is None or secret == "":
            merged.pop(key, None)
        elif not isinstance(secret, str):
            raise ValidationError({f"secrets.{key}": "must be a string"})
        else:
            merged[key] = secret
    return merged


def _apply(connection: Connection, data: dict[str, Any]) -> None:
    check_unknown(data, FIELDS)
    if "name" in data:
        connection.name = check_name(data["name"])
    if "connection_type" in data:
        if data["connection_type"] not in CONNECTION_TYPES:
            raise ValidationError({"connection_type": f"must be one of {', '.join(CONNECTION_TYPES)}"})
        if connection.pk and data["connection_type"] != connection.connection_type:
            raise ValidationError({"connection_type": "cannot change; create a new connection"})
        connection.connection_type = data["connection_type"]
    if not connection.connection_type:
        raise ValidationError({"connection_type": "is required"})
    kind = CONNECTION_TYPES[connection.connection_type]
    if "description" in data:
        connection.description = check_text(data["description"], "description")
    if "properties" in data or not connection.pk:
        connection.properties = _check_properties(kind, data.get("properties", {}))
    if "secrets" in data:
        secrets = _merge_secrets(kind, decrypt_secrets(connection.secrets_encrypted), data["secrets"])
        connection.secrets_encrypted = encrypt_secrets(secrets)
        connection.secret_fields_set = sorted(secrets)
    if Connection.objects.filter(name=connection.name).exclude(pk=connection.pk).exists():
        raise ValidationError({"name": f'a connection named "{connection.name}" already exists'})


@transaction.atomic
def create_connection(data: dict[str, Any], created_by: Any = None) -> Connection:
    if "name" not in data:
        raise ValidationError({"name": "a name is required"})
    connection = Connection(created_by=created_by if getattr(created_by, "pk", None) else None)
    _apply(connection, data)
    connection.save()
    return connection


@transaction.atomic
def update_connection(connection: Connection, data: dict[str, Any]) -> Connection:
    connection = Connection.objects.select_for_update().get(pk=connection.pk)
    _apply(connection, data)
    connection.save()
    return connection


@transaction.atomic
def delete_connection(connection: Connection) -> None:
    connection.delete()


def connection_secrets(connection: Connection) -> dict[str, str]:
    """The decrypted secrets, for code that connects (jobs, crawlers); never for API responses."""
    return decrypt_secrets(connection.secrets_encrypted)


def test_connection(connection: Connection) -> dict[str, Any]:
    """Try the connection; answer {ok, message} and never raise for a failure of the remote side."""
    testers = {"postgresql": _test_postgresql, "mysql": _test_mysql, "s3": _test_s3}
    tester = testers.get(connection.connection_type)
    if tester is None:
        return {"ok": False, "message": f"testing {connection.connection_type} connections is not supported yet"}
    try:
        return tester(connection.properties, connection_secrets(connection))
    except ValueError as exc:
        return {"ok": False, "message": str(exc)}


def _test_postgresql(props: dict[str, Any], secrets: dict[str, str]) -> dict[str, Any]:
    import psycopg

    try:
        with psycopg.connect(
            host=props["host"],
            port=props.get("port", 5432),
            dbname=props["database"],
            user=props["user"],
            password=secrets.get("password"),
            sslmode=props.get("sslmode") or "prefer",
            connect_timeout=TEST_TIMEOUT_SECONDS,
        ) as conn:
            conn.execute(f"SET statement_timeout = {TEST_TIMEOUT_SECONDS * 1000}")
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return {"ok": False, "message": f"cannot connect: {message}"}
    return {"ok": True, "message": f"connected to {props['host']}:{props.get('port', 5432)}/{props['database']}"}


def _test_mysql(props: dict[str, Any], secrets: dict[str, str]) -> dict[str, Any]:
    """MySQL and MariaDB, through PyMySQL (pure Python: nothing to compile)."""
    import pymysql

    try:
        conn = pymysql.connect(
            host=props["host"],
            port=props.get("port", 3306),
            database=props["database"],
            user=props["user"],
            password=secrets.get("password") or "",
            connect_timeout=TEST_TIMEOUT_SECONDS,
            read_timeout=TEST_TIMEOUT_SECONDS,
        )
        try:
            with conn.cursor() as cursor:
                cursor.execute("SELECT 1")
        finally:
            conn.close()
    except pymysql.MySQLError as exc:
        return {"ok": False, "message": f"cannot connect: {exc.args[-1] if exc.args else type(exc).__name__}"}
    return {"ok": True, "message": f"connected to {props['host']}:{props.get('port', 3306)}/{props['database']}"}


def _test_s3(props: dict[str, Any], secrets: dict[str, str]) -> dict[str, Any]:
    options = S3Options.from_mapping({**props, **secrets})
    try:
        timeouts = {"connect_timeout": TEST_TIMEOUT_SECONDS, "read_timeout": TEST_TIMEOUT_SECONDS}
        fs = options.filesystem(config_kwargs={**timeouts, "retries": {"max_attempts": 1}})
        fs.ls(f"{props['bucket']}/{props.get('prefix', '')}".rstrip("/"))
    except Exception as exc:
        return {"ok": False, "message": f"cannot list the bucket: {exc}"}
    return {"ok": True, "message": f"listed s3://{props['bucket']}"}
