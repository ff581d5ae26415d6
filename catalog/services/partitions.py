"""Partitions: batch create and delete with per-item errors (like Glue's BatchCreatePartition), single changes."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from catalog.filters import is_numeric_type
from catalog.models import Partition, Table
from catalog.paths import check_location
from catalog.services.common import check_json_object, check_text, check_unknown

MAX_BATCH = 1000
BULK_BATCH = 1000  # rows per INSERT where COPY is not available (SQLite)
MAX_VALUE = 255  # characters of a partition value
MAX_LOCATION = 1024  # characters of a location (the column's size)
ITEM_FIELDS = ("values", "location", "parameters")
UPDATE_FIELDS = ("location", "parameters")
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"


def values_key(values: Sequence[str | None]) -> str:
    return json.dumps(values, ensure_ascii=False, separators=(",", ":"))


def _check_value(value: Any, key: dict[str, Any], field: str) -> str | None:
    """One value per key, as text (Glue keeps partition values as strings), checked against the key's type."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValidationError({field: "must be text, a number or null"})
    text = str(value)
    kind = key["type"]
    if kind in ("bigint", "int", "smallint", "tinyint"):
        try:
            int(text)
        except ValueError:
            raise ValidationError({field: f'key "{key["name"]}" is {kind}: "{text}" is not an integer'}) from None
    elif is_numeric_type(kind):
        try:
            float(text)
        except ValueError:
            raise ValidationError({field: f'key "{key["name"]}" is {kind}: "{text}" is not a number'}) from None
    elif kind == "date":
        try:
            dt.date.fromisoformat(text)
        except ValueError:
            raise ValidationError({field: f'key "{key["name"]}" is a date: "{text}" is not YYYY-MM-DD'}) from None
    elif kind == "boolean" and text.lower() not in ("true", "false"):
        raise ValidationError({field: f'key "{key["name"]}" is boolean: "{text}" is not true or false'})
    if len(text) > MAX_VALUE:
        raise ValidationError({field: f"must be at most {MAX_VALUE} characters"})
    return text


def check_values(table: Table, values: Any, field: str = "values") -> list[str | None]:
    keys = table.partition_keys
    if not keys:
        raise ValidationError({field: f"the table {table.name} has no partition keys"})
    if not isinstance(values, list):
        raise ValidationError({field: "must be a list with one value per partition key"})
    if len(values) != len(keys):
        names = ", ".join(k["name"] for k in keys)
        raise ValidationError(
            {field: f"{len(values)} values given, but the table has {len(keys)} partition keys ({names})"}
        )
    return [_check_value(v, k, f"{field}.{i}") for i, (v, k) in enumerate(zip(values, keys, strict=True))]


def default_location(table: Table, values: list[str | None]) -> str:
    """Hive layout below the table's location: <location>/year=2024/month=01."""
    if not table.location:
        return ""
    parts = [
        f"{k['name']}={NULL_PARTITION if v is None else v}" for k, v in zip(table.partition_keys, values, strict=True)
    ]
    return "/".join([table.location.rstrip("/"), *parts])


def _build(table: Table, item: Any, prefix: str) -> Partition:
    if not isinstance(item, dict):
        raise ValidationError({prefix.rstrip("."): "must be an object {values, location, parameters}"})
    check_unknown(item, ITEM_FIELDS, prefix)
    if "values" not in item:
        raise ValidationError({f"{prefix}values": "values are required"})
    values = check_values(table, item["values"], f"{prefix}values")
    if item.get("location"):
        location = check_location(check_text(item["location"], f"{prefix}location", MAX_LOCATION), f"{prefix}location")
    else:
        location = default_location(table, values)
    parameters = check_json_object(item.get("parameters", {}), f"{prefix}parameters")
    return Partition(
        table=table, values=values, values_key=values_key(values), location=location, parameters=parameters
    )


def _error(index: int, item: Any, exc: ValidationError) -> dict[str, Any]:
    messages = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
    values = item.get("values") if isinstance(item, dict) else None
    return {"index": index, "values": values, "errors": messages}


@transaction.atomic
def create_partition(table: Table, item: dict[str, Any]) -> Partition:
    partition = _build(table, item, "")
    if Partition.objects.filter(table=table, values_key=partition.values_key).exists():
        raise ValidationError({"values": f"a partition with values {partition.values} already exists"})
    partition.save()
    return partition


def batch_create_partitions(table: Table, items: list[Any]) -> tuple[list[Partition], list[dict[str, Any]]]:
    """Create every valid item; return the created partitions and one error per refused item.

    Like Glue's BatchCreatePartition, a bad item does not stop the others; the valid ones are
    written together in one transaction.
    """
    if len(items) > MAX_BATCH:
        raise ValidationError({"partitions": f"at most {MAX_BATCH} partitions per call, not {len(items)}"})
    built: list[tuple[int, Any, Partition]] = []
    errors: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        try:
            partition = _build(table, item, f"partitions.{i}.")
        except ValidationError as exc:
            errors.append(_error(i, item, exc))
            continue
        if partition.values_key in seen:
            errors.append(_error(i, item, ValidationError({"values": "the same values appear earlier in this call"})))
            continue
        seen.add(partition.values_key)
        built.append((i, item, partition))
    with transaction.atomic():
        existing = set(
            Partition.objects.filter(table=table, values_key__in=[p.values_key for _, _, p in built]).values_list(
                "values_key", flat=True
            )
        )
        fresh: list[Partition] = []
        for i, item, partition in built:
            if partition.values_key in existing:
                errors.append(_error(i, item, ValidationError({"values": "a partition with these values exists"})))
            else:
                fresh.append(partition)
        try:
            created = Partition.objects.bulk_create(fresh, batch_size=500)
        except IntegrityError:
            # Someone created one of these at the same moment: nothing of this call is written.
            raise ValidationError({"partitions": "partitions were created concurrently; try again"}) from None
    errors.sort(key=lambda e: e["index"])
    if not all(p.pk for p in created):  # backends without RETURNING (none we support) would land here
        created = list(Partition.objects.filter(table=table, values_key__in=[p.values_key for p in fresh]))
    return created, errors


def add_found_partitions(
    table: Table, items: list[tuple[list[str], str, dict[str, Any]]]
) -> tuple[int, list[dict[str, Any]]]:
    """Write the partitions a crawler found, [(values, location, parameters)]: all of them, or, when
    an item is refused, none (the errors are returned, as batch_create_partitions words them).

    For the crawler alone, which built every value itself from folder names under the keys it
    inferred (whole numbers for a bigint key), every location from its own listing confined to
    the data roots, and left out the values the catalog already holds. So the items are not
    checked one by one again as batch_create_partitions checks what a user sends (a good share
    of a first crawl's time): only the limits a folder name or an S3 key can exceed are. On
    PostgreSQL the rows go in by COPY, several times faster than an INSERT of bound values.
    """
    keys = len(table.partition_keys)
    errors: list[dict[str, Any]] = []
    for i, (values, location, _) in enumerate(items):
        problem = None
        if len(values) != keys:
            problem = {f"partitions.{i}.values": f"{len(values)} values given, but the table has {keys} partition keys"}
        elif any(len(value) > MAX_VALUE for value in values):
            j = next(j for j, value in enumerate(values) if len(value) > MAX_VALUE)
            problem = {f"partitions.{i}.values.{j}": f"must be at most {MAX_VALUE} characters"}
        elif len(location) > MAX_LOCATION:
            problem = {f"partitions.{i}.location": f"must be at most {MAX_LOCATION} characters"}
        if problem is not None:
            errors.append(_error(i, {"values": values}, ValidationError(problem)))
    if errors:
        return 0, errors
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                _copy_partitions(table, items)
            else:
                Partition.objects.bulk_create(
                    [
                        Partition(
                            table=table,
                            values=values,
                            values_key=values_key(values),
                            location=location,
                            parameters=parameters,
                        )
                        for values, location, parameters in items
                    ],
                    batch_size=BULK_BATCH,
                )
    except IntegrityError:
        # Someone created one of these since the crawl looked: nothing of this call is written.
        raise ValidationError({"partitions": "partitions were created concurrently; try again"}) from None
    return len(items), []


def _copy_partitions(table: Table, items: list[tuple[list[str], str, dict[str, Any]]]) -> None:
    now = timezone.now()
    table_id = table.pk
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    quote = connection.ops.quote_name
    columns = ", ".join(
        quote(c) for c in ("table_id", "values", "values_key", "location", "parameters", "created_at", "updated_at")
    )
    sql = f"COPY {quote(Partition._meta.db_table)} ({columns}) FROM STDIN"
    # Through the raw psycopg cursor (Django's has no COPY); its errors become Django's (a duplicate:
    # IntegrityError).
    with connection.cursor() as cursor, connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
        for values, location, parameters in items:
            key = values_key(values)  # the values as JSON: also the text the jsonb column parses
            copy.write_row((table_id, key, key, location, dumps(parameters), now, now))


def batch_delete_partitions(table: Table, items: list[Any]) -> tuple[int, list[dict[str, Any]]]:
    """Delete partitions named by their values; one error per item that names none."""
    if len(items) > MAX_BATCH:
        raise ValidationError({"partitions": f"at most {MAX_BATCH} partitions per call, not {len(items)}"})
    keys: dict[str, int] = {}
    errors: list[dict[str, Any]] = []
    for i, item in enumerate(items):
        try:
            if not isinstance(item, dict):
                raise ValidationError({f"partitions.{i}": "must be an object {values}"})
            check_unknown(item, ("values",), f"partitions.{i}.")
            values = check_values(table, item.get("values"), f"partitions.{i}.values")
        except ValidationError as exc:
            errors.append(_error(i, item, exc))
            continue
        keys[values_key(values)] = i
    with transaction.atomic():
        found = dict(Partition.objects.filter(table=table, values_key__in=list(keys)).values_list("values_key", "id"))
        for key, i in keys.items():
            if key not in found:
                item = items[i]
                errors.append(_error(i, item, ValidationError({"values": "no partition has these values"})))
        Partition.objects.filter(id__in=list(found.values())).delete()
    errors.sort(key=lambda e: e["index"])
    return len(found), errors


@transaction.atomic
def update_partition(partition: Partition, data: dict[str, Any]) -> Partition:
    check_unknown(data, UPDATE_FIELDS)
    if "location" in data:
        partition.location = check_location(check_text(data["location"], "location", MAX_LOCATION))
    if "parameters" in data:
        partition.parameters = check_json_object(data["parameters"], "parameters")
    partition.save()
    return partition


@transaction.atomic
def delete_partition(partition: Partition) -> None:
    partition.delete()
