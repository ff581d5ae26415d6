"""Helpers the catalog API modules share: request bodies, lookups, who is asking."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request

from catalog.models import Database, Table
from catalog.services.common import ChangedBy


def body(request: Request) -> dict[str, Any]:
    """The JSON object a write sends; anything else is a 400."""
    data = request.data
    if not isinstance(data, dict):
        raise ValidationError({"detail": "the request body must be a JSON object"})
    return dict(data)


def get_database(name: str) -> Database:
    database = Database.objects.filter(name=name.lower()).first()
    if database is None:
        raise NotFound(f'no database named "{name}"')
    return database


def get_table(database: str, name: str) -> Table:
    table = Table.objects.select_related("database").filter(database__name=database.lower(), name=name.lower()).first()
    if table is None:
        raise NotFound(f'no table "{name}" in database "{database}"')
    return table


def changed_by(request: Request) -> ChangedBy:
    return ChangedBy.user(request.user)


def iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
