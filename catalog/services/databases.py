"""Databases: create, change, delete."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from catalog.models import Database
from catalog.services.common import check_json_object, check_name, check_text

FIELDS = ("name", "description", "location_uri", "parameters")


def _apply(database: Database, data: dict[str, Any]) -> None:
    if "name" in data:
        database.name = check_name(data["name"])
    if "description" in data:
        database.description = check_text(data["description"], "description")
    if "location_uri" in data:
        database.location_uri = check_text(data["location_uri"], "location_uri", 1024).strip()
    if "parameters" in data:
        database.parameters = check_json_object(data["parameters"], "parameters")
    clash = Database.objects.filter(name=database.name).exclude(pk=database.pk)
    if clash.exists():
        raise ValidationError({"name": f'a database named "{database.name}" already exists'})


@transaction.atomic
def create_database(data: dict[str, Any]) -> Database:
    if "name" not in data:
        raise ValidationError({"name": "a name is required"})
    database = Database()
    _apply(database, data)
    database.save()
    return database


@transaction.atomic
def update_database(database: Database, data: dict[str, Any]) -> Database:
    database = Database.objects.select_for_update().get(pk=database.pk)
    _apply(database, data)
    database.save()
    return database


@transaction.atomic
def delete_database(database: Database) -> None:
    # Like Glue's DeleteDatabase: its tables, versions, partitions and statistics go with it.
    database.delete()
