"""Catalog changes made by targets: tables, table versions and partitions, marked with the run.

Targets only describe what they will change (`CatalogUpdate`); the compiler checks them before
anything is published (`precheck`), and applies them all in one transaction after every file is in
place (`apply_all`). catalog.services stay the only writers of catalog rows: a changed schema
becomes a new TableVersion whose `changed_by` is the job run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from jobs.engine.publish import partition_values
from jobs.engine.registry import NodeProblem

# Table classifications the engine can write, and the write format for each.
WRITABLE = {"parquet": "parquet", "csv": "csv", "ndjson": "ndjson", "ipc": "ipc", "delta": "delta"}


def find_table(database: str, table: str) -> Any:
    """The catalog Table, or NodeProblem at params.database / params.table (names are lower-case in the catalog)."""
    from catalog.models import Database, Table

    db = Database.objects.filter(name=database.strip().lower()).first()
    if db is None:
        raise NodeProblem("params.database", f'no catalog database is named "{database}"')
    found = Table.objects.filter(database=db, name=table.strip().lower()).first()
    if found is None:
        raise NodeProblem("params.table", f'database "{db.name}" has no table named "{table}"')
    return found


def catalog_columns(schema: pl.Schema, field: str) -> list[dict[str, str]]:
    """The schema in catalog types; NodeProblem at `field` for a dtype the catalog cannot hold."""
    from catalog.types import from_polars

    columns = []
    for name, dtype in schema.items():
        try:
            text, _ = from_polars(dtype)
        except ValueError as exc:
            raise NodeProblem(field, f'column "{name}": {exc}') from None
        columns.append({"name": name, "type": text, "comment": ""})
    return columns


def check_fits(columns: list[dict[str, str]], table: Any, field: str) -> None:
    """Written columns must be the table's columns, with the same types (partition keys excluded)."""
    wanted = {c["name"]: c["type"] for c in table.columns}
    given = {c["name"]: c["type"] for c in columns}
    missing = [name for name in wanted if name not in given]
    extra = [name for name in given if name not in wanted]
    if missing:
        raise NodeProblem(field, f'the output lacks column "{missing[0]}" of table {table.database.name}.{table.name}')
    if extra:
        raise NodeProblem(field, f'column "{extra[0]}" is not in table {table.database.name}.{table.name}')
    for name, kind in given.items():
        if wanted[name] != kind:
            raise NodeProblem(field, f'column "{name}" is {kind}, but the table has {wanted[name]}')


@dataclass
class CatalogUpdate:
    """What one target changes in the catalog once its files are published.

    action: `create_or_update` (create the table or follow its schema), `add_partitions_only` (the
    table must exist and its schema is kept) or `write_table` (write_catalog_table: like
    add_partitions_only, and `overwrite` replaces every partition).
    """

    node: str
    action: str
    database: str
    table: str
    publisher: Any
    columns: list[dict[str, str]]
    partition_keys: list[dict[str, str]]
    classification: str
    mode: str
    run_id: str
    partitions: list[list[str | None]] = field(default_factory=list)

    def precheck(self) -> None:
        """Before anything is published: the table is there (or may be created) and the output fits it."""
        if self.action == "create_or_update":
            from catalog.models import Database

            if not Database.objects.filter(name=self.database.strip().lower()).exists():
                raise NodeProblem("params.database", f'no catalog database is named "{self.database}"')
        else:
            check_fits(self.columns, find_table(self.database, self.table), "params.table")
        keys = [k["name"] for k in self.partition_keys]
        seen: set[tuple[str | None, ...]] = set()
        if keys and self.classification != "delta":
            for relative in self.publisher.staged_files():
                values = partition_values(relative, keys)
                if values is not None and tuple(values) not in seen:
                    seen.add(tuple(values))
                    self.partitions.append(values)

    def apply(self, by: Any) -> None:
        from catalog.models import Database, Table
        from catalog.services.partitions import batch_create_partitions, values_key
        from catalog.services.tables import create_table, update_table

        location = self.publisher.location
        db = Database.objects.get(name=self.database.strip().lower())
        table = Table.objects.filter(database=db, name=self.table.strip().lower()).first()
        shape = {
            "columns": self.columns,
            "partition_keys": self.partition_keys,
            "location": location,
            "classification": self.classification,
        }
        if table is None and self.action != "create_or_update":
            raise ValueError(f"table {db.name}.{self.table} no longer exists")
        if table is None:
            table = create_table(db, {"name": self.table, **shape, "parameters": {"last_updated_by": self.mark}}, by)
        elif self.action == "create_or_update":
            parameters = {**table.parameters, "last_updated_by": self.mark}
            table = update_table(table, {**shape, "parameters": parameters}, by)
        else:
            table = update_table(table, {"parameters": {**table.parameters, "last_updated_by": self.mark}}, by)
        if not self.partition_keys or self.classification == "delta":
            return
        if self.mode == "overwrite":
            # The folder was replaced: so are the partitions that pointed into it.
            table.partitions.all().delete()
        existing = set(table.partitions.values_list("values_key", flat=True))
        keys = [k["name"] for k in self.partition_keys]
        items = [
            {
                "values": values,
                "location": "/".join(
                    [location.rstrip("/")]
                    + [
                        f"{k}={'__HIVE_DEFAULT_PARTITION__' if v is None else v}"
                        for k, v in zip(keys, values, strict=True)
                    ]
                ),
                "parameters": {"written_by_run": self.run_id},
            }
            for values in self.partitions
            if values_key(values) not in existing
        ]
        for start in range(0, len(items), 1000):
            _, errors = batch_create_partitions(table, items[start : start + 1000])
            if errors:
                raise ValueError(f"registering partitions of {db.name}.{table.name} failed: {errors[0]['errors']}")

    @property
    def mark(self) -> str:
        return f"job_run:{self.run_id}"


def apply_all(updates: list[CatalogUpdate], by: Any) -> None:
    """Every target's catalog change, in one transaction: all of them land or none."""
    if not updates:
        return
    from django.db import transaction

    with transaction.atomic():
        for update in updates:
            try:
                update.apply(by)
            except Exception as exc:
                raise CatalogUpdateError(update.node, error_message(exc)) from exc


class CatalogUpdateError(Exception):
    """A target's catalog change failed (the whole transaction is rolled back, and the files moved back)."""

    def __init__(self, node: str, message: str) -> None:
        super().__init__(f"updating the catalog failed: {message}")
        self.node = node


def error_message(exc: Exception) -> str:
    """A catalog service's ValidationError as one line naming its field."""
    messages = getattr(exc, "message_dict", None)
    if isinstance(messages, Mapping):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in messages.items())
    return str(exc)
