"""Tables: create, change, delete; every change of shape archives a numbered TableVersion in the same transaction."""

from __future__ import annotations

import json
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from catalog import types
from catalog.models import Database, SearchToken, Table, TableType, TableVersion
from catalog.paths import check_location
from catalog.services.common import ChangedBy, check_json_object, check_name, check_text, check_unknown

FIELDS = (
    "name",
    "description",
    "table_type",
    "view_text",
    "location",
    "classification",
    "format_options",
    "columns",
    "partition_keys",
    "parameters",
    "owner",
    "deprecated",
)
# A change to any of these is a new version of the table.
VERSIONED = ("table_type", "columns", "partition_keys", "location", "classification", "format_options")
CLASSIFICATIONS = ("csv", "tsv", "json", "ndjson", "parquet", "ipc", "avro", "orc", "excel", "delta")
FORMAT_OPTIONS: dict[str, type | tuple[type, ...]] = {
    "delimiter": str,
    "header": bool,
    "quote": str,
    "escape": str,
    "compression": str,
    "encoding": str,
    "null_value": str,
    "skip_rows": int,
}
COMPRESSIONS = ("none", "gzip", "bzip2", "snappy", "zstd", "lz4", "deflate", "brotli")
COLUMN_FIELDS = ("name", "type", "comment")
COUNT_PARAMETERS = ("record_count", "size_bytes", "object_count")
MAX_COLUMNS = 5000


def check_columns(value: Any, field: str, primitive_only: bool = False) -> list[dict[str, str]]:
    """Ordered columns with canonical types; each problem names its place (`columns.2.type`)."""
    if not isinstance(value, list):
        raise ValidationError({field: "must be a list of {name, type, comment}"})
    if len(value) > MAX_COLUMNS:
        raise ValidationError({field: f"at most {MAX_COLUMNS} columns"})
    columns: list[dict[str, str]] = []
    seen: set[str] = set()
    for i, column in enumerate(value):
        at = f"{field}.{i}"
        if not isinstance(column, dict):
            raise ValidationError({at: "must be an object {name, type, comment}"})
        check_unknown(column, COLUMN_FIELDS, f"{at}.")
        name = column.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ValidationError({f"{at}.name": "a column name is required"})
        if len(name) > 255:
            raise ValidationError({f"{at}.name": "must be at most 255 characters"})
        if name in seen:
            raise ValidationError({f"{at}.name": f'the column name "{name}" is used twice'})
        seen.add(name)
        if "type" not in column:
            raise ValidationError({f"{at}.type": "a type is required"})
        try:
            canonical = types.parse_type(column["type"])
        except ValueError as exc:
            raise ValidationError({f"{at}.type": str(exc)}) from None
        if primitive_only and ("<" in canonical):
            raise ValidationError({f"{at}.type": f"a partition key must have a primitive type, not {canonical}"})
        comment = check_text(column.get("comment"), f"{at}.comment", 4000)
        columns.append({"name": name, "type": canonical, "comment": comment})
    return columns


def check_format(classification: str, options: Any, field: str = "format_options") -> dict[str, Any]:
    options = check_json_object(options, field)
    check_unknown(options, FORMAT_OPTIONS, f"{field}.")
    for key, value in options.items():
        wanted = FORMAT_OPTIONS[key]
        if (isinstance(value, bool) and wanted is int) or not isinstance(value, wanted):
            kind = wanted.__name__ if isinstance(wanted, type) else "value"
            raise ValidationError({f"{field}.{key}": f"must be a {kind}"})
    for key in ("delimiter", "quote", "escape"):
        if key in options and len(options[key]) != 1:
            raise ValidationError({f"{field}.{key}": "must be one character"})
    if "compression" in options and options["compression"] not in COMPRESSIONS:
        raise ValidationError({f"{field}.compression": f"must be one of {', '.join(COMPRESSIONS)}"})
    if "skip_rows" in options and options["skip_rows"] < 0:
        raise ValidationError({f"{field}.skip_rows": "must be 0 or more"})
    return options


def check_parameters(value: Any) -> dict[str, Any]:
    """Free-form, except the counts Glue's crawlers keep, which must be whole numbers >= 0."""
    parameters = check_json_object(value, "parameters")
    for key in COUNT_PARAMETERS:
        if key in parameters:
            count = parameters[key]
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                raise ValidationError({f"parameters.{key}": "must be a whole number, 0 or more"})
    if "last_updated_by" in parameters and not isinstance(parameters["last_updated_by"], str):
        raise ValidationError({"parameters.last_updated_by": "must be a string"})
    return parameters


def _apply(table: Table, data: dict[str, Any], by: ChangedBy) -> None:  # noqa: PLR0912  (one branch per field)
    """Check each given field and set it on `table`; the first problem raises, naming its field."""
    check_unknown(data, FIELDS)
    if "name" in data:
        table.name = check_name(data["name"])
    if "description" in data:
        table.description = check_text(data["description"], "description")
    if "table_type" in data:
        if data["table_type"] not in TableType.values:
            raise ValidationError({"table_type": f"must be one of {', '.join(TableType.values)}"})
        table.table_type = data["table_type"]
    if "view_text" in data:
        table.view_text = check_text(data["view_text"], "view_text")
    if "location" in data:
        table.location = check_location(check_text(data["location"], "location", 1024))
    if "classification" in data:
        classification = check_text(data["classification"], "classification").lower()
        if classification and classification not in CLASSIFICATIONS:
            raise ValidationError({"classification": f"must be one of {', '.join(CLASSIFICATIONS)} (or empty)"})
        table.classification = classification
    if "format_options" in data:
        table.format_options = check_format(table.classification, data["format_options"])
    if "columns" in data:
        table.columns = check_columns(data["columns"], "columns")
    if "partition_keys" in data:
        table.partition_keys = check_columns(data["partition_keys"], "partition_keys", primitive_only=True)
    if "parameters" in data:
        table.parameters = check_parameters(data["parameters"])
    if "owner" in data:
        table.owner = check_text(data["owner"], "owner", 255)
    if "deprecated" in data:
        if not isinstance(data["deprecated"], bool):
            raise ValidationError({"deprecated": "must be true or false"})
        table.deprecated = data["deprecated"]
    column_names = {c["name"] for c in table.columns}
    for i, key in enumerate(table.partition_keys):
        if key["name"] in column_names:
            raise ValidationError({f"partition_keys.{i}.name": f'"{key["name"]}" is also a column of the table'})
    if table.table_type == TableType.VIEW and not table.view_text and "view_text" in data:
        raise ValidationError({"view_text": "a view needs its query text"})
    if "last_updated_by" not in data.get("parameters", {}):
        # Who touched it last, in the parameters as Glue's crawlers note it.
        table.parameters = {**table.parameters, "last_updated_by": f"{by.kind}:{by.name}"}


# What a match on each kind of word is worth: (the term is the whole word, the term begins it).
NAME_WEIGHTS = (100, 60)
NAME_PART_WEIGHTS = (50, 40)
COLUMN_WEIGHTS = (30, 25)
COLUMN_PART_WEIGHTS = (20, 15)
TEXT_WEIGHTS = (10, 5)
MAX_TOKEN = 255
_WORD = re.compile(r"[a-z0-9]+")


def search_tokens(table: Table) -> list[SearchToken]:
    """The words `table` can be found by (catalog/services/search.py), the best weight per word."""
    best: dict[str, tuple[int, int]] = {}

    def add(word: str, weights: tuple[int, int]) -> None:
        word = word[:MAX_TOKEN]
        if word and weights > best.get(word, (0, 0)):
            best[word] = weights

    def add_name(name: str, whole: tuple[int, int], part: tuple[int, int]) -> None:
        lowered = name.lower()
        add(lowered, whole)
        for word in _WORD.findall(lowered):
            add(word, part)

    add_name(table.name, NAME_WEIGHTS, NAME_PART_WEIGHTS)
    for column in table.columns + table.partition_keys:
        add_name(column["name"], COLUMN_WEIGHTS, COLUMN_PART_WEIGHTS)
    text = " ".join(
        [
            table.description,
            table.classification,
            " ".join(c["comment"] for c in table.columns + table.partition_keys),
            json.dumps(table.parameters, default=str),
        ]
    ).lower()
    for word in _WORD.findall(text):
        add(word, TEXT_WEIGHTS)
    return [SearchToken(table=table, token=w, weight=a, prefix_weight=b) for w, (a, b) in best.items()]


def _index_for_search(table: Table) -> None:
    SearchToken.objects.filter(table=table).delete()
    SearchToken.objects.bulk_create(search_tokens(table))


def _snapshot(table: Table) -> dict[str, Any]:
    return {field: getattr(table, field) for field in VERSIONED}


def _archive(table: Table, changed: list[str], by: ChangedBy) -> TableVersion:
    return TableVersion.objects.create(
        table=table,
        number=table.version,
        changed=changed,
        changed_by_kind=by.kind,
        changed_by_id=by.id,
        changed_by_name=by.name,
        **_snapshot(table),
    )


def _check_unique(table: Table) -> None:
    clash = Table.objects.filter(database_id=table.database_id, name=table.name).exclude(pk=table.pk)
    if clash.exists():
        raise ValidationError({"name": f'the database already has a table named "{table.name}"'})


@transaction.atomic
def create_table(database: Database, data: dict[str, Any], by: ChangedBy) -> Table:
    if "name" not in data:
        raise ValidationError({"name": "a name is required"})
    table = Table(database=database, owner=by.name if by.kind == "user" else "")
    _apply(table, data, by)
    _check_unique(table)
    table.version = 1
    table.save()
    _index_for_search(table)
    _archive(table, list(VERSIONED), by)
    return table


@transaction.atomic
def update_table(table: Table, data: dict[str, Any], by: ChangedBy) -> Table:
    """Change the given fields; a change of shape (VERSIONED) adds version n+1 recording `by`."""
    table = Table.objects.select_for_update().get(pk=table.pk)
    before = _snapshot(table)
    _apply(table, data, by)
    _check_unique(table)
    changed = [field for field in VERSIONED if _snapshot(table)[field] != before[field]]
    if "partition_keys" in changed and table.partitions.exists():
        raise ValidationError(
            {"partition_keys": "the table has partitions: delete them before changing its partition keys"}
        )
    if changed:
        table.version += 1
    table.save()
    _index_for_search(table)
    if changed:
        _archive(table, changed, by)
    return table


@transaction.atomic
def delete_table(table: Table) -> None:
    table.delete()
