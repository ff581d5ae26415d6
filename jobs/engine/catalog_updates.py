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
from jobs.engine.targets import s3fs_for

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


def column_problems(columns: list[dict[str, str]], table: Any, field: str) -> list[NodeProblem]:
    """Written columns must be the table's columns, with the same types (partition keys excluded).

    Every mismatch is one problem; a table's partition key found among the columns is left to
    `key_problems`, which says to put it in partition_by.
    """
    name = f"{table.database.name}.{table.name}"
    wanted = {c["name"]: c["type"] for c in table.columns}
    given = {c["name"]: c["type"] for c in columns}
    keys = {k["name"] for k in table.partition_keys}
    problems = [
        NodeProblem(field, f'the output lacks column "{column}" of table {name}')
        for column in wanted
        if column not in given
    ]
    problems += [
        NodeProblem(field, f'column "{column}" is not in table {name}')
        for column in given
        if column not in wanted and column not in keys
    ]
    problems += [
        NodeProblem(field, f'column "{column}" is {kind}, but table {name} has {wanted[column]}')
        for column, kind in given.items()
        if column in wanted and wanted[column] != kind
    ]
    return problems


INTEGER_WIDTH = {"tinyint": 1, "smallint": 2, "int": 3, "bigint": 4}
NESTED = ("array<", "struct<", "map<")


def key_type_fits(given: str, wanted: str) -> bool:
    """Whether values of catalog type `given` can be registered under a partition key of type `wanted`.

    Partition values are kept as text, so: the same type; a narrower integer into a wider one
    (never the reverse, which could register values the key cannot hold); or anything primitive
    into a `string` key (its text is the value).
    """
    if given == wanted:
        return True
    if given in INTEGER_WIDTH and wanted in INTEGER_WIDTH:
        return INTEGER_WIDTH[given] <= INTEGER_WIDTH[wanted]
    return wanted == "string" and not given.startswith(NESTED)


def key_problems(keys: list[dict[str, str]], columns: list[dict[str, str]], table: Any) -> list[NodeProblem]:
    """partition_by against the table's partition keys: the same names, in the same order, of fitting types."""
    name = f"{table.database.name}.{table.name}"
    wanted = [(k["name"], k["type"]) for k in table.partition_keys]
    shown = ", ".join(n for n, _ in wanted)
    field = "params.partition_by"
    if not wanted and keys:
        return [NodeProblem(field, f"table {name} has no partition keys: write it without partition_by")]
    given_columns = {c["name"] for c in columns}
    problems = []
    for i, key in enumerate(keys):
        at = f"{field}.{i}"
        if i >= len(wanted):
            problems.append(NodeProblem(at, f'"{key["name"]}" is not a partition key of table {name} ({shown})'))
        elif key["name"] != wanted[i][0]:
            problems.append(
                NodeProblem(at, f'"{key["name"]}" is in place {i + 1}, where table {name} has key '
                                f'"{wanted[i][0]}" (its keys, in order: {shown})')
            )  # fmt: skip
        elif not key_type_fits(key["type"], wanted[i][1]):
            problems.append(
                NodeProblem(at, f'partition key "{key["name"]}" is {key["type"]} here, but {wanted[i][1]} '
                                f"in table {name}: convert it with change_schema")
            )  # fmt: skip
    for missing, _ in wanted[len(keys) :]:
        hint = " (the output has it as a column)" if missing in given_columns else ""
        problems.append(NodeProblem(field, f'partition_by lacks key "{missing}" of table {name}{hint}'))
    return problems


def fit_problems(columns: list[dict[str, str]], keys: list[dict[str, str]], table: Any) -> list[NodeProblem]:
    """Every way an output (columns, partition keys) does not fit an existing table (add_partitions_only)."""
    return column_problems(columns, table, "params.table") + key_problems(keys, columns, table)


def check_fits(columns: list[dict[str, str]], table: Any, field: str) -> None:
    """Written columns must be the table's columns, with the same types: NodeProblem for the first that is not."""
    problems = column_problems(columns, table, field)
    if problems:
        raise problems[0]


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
        elif self.action == "add_partitions_only":
            # Checked at validation too; the catalog may have changed since (the run reports them all at once).
            problems = fit_problems(self.columns, self.partition_keys, find_table(self.database, self.table))
            if problems:
                raise NodeProblem(problems[0].field, "; ".join(p.message for p in problems))
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
        if table is not None and self.mode == "overwrite":
            # The folder was replaced: so are the partitions that pointed into it. Before the table
            # changes, because the catalog refuses new partition keys while old partitions exist.
            table.partitions.all().delete()
        if table is None:
            table = create_table(db, {"name": self.table, **shape, "parameters": {"last_updated_by": self.mark}}, by)
        elif self.action == "create_or_update":
            parameters = {**table.parameters, "last_updated_by": self.mark}
            shape["columns"] = keep_comments(self.columns, table.columns)
            shape["partition_keys"] = keep_comments(self.partition_keys, table.partition_keys)
            table = update_table(table, {**shape, "parameters": parameters}, by)
        else:
            table = update_table(table, {"parameters": {**table.parameters, "last_updated_by": self.mark}}, by)
        if not self.partition_keys or self.classification == "delta":
            return
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


def keep_comments(columns: list[dict[str, str]], before: list[dict[str, str]]) -> list[dict[str, str]]:
    """The written columns with the comments people gave them in the catalog (a run has none to give).

    Without this every run would wipe them, and a changed key comment would count as new partition keys.
    """
    comments = {c["name"]: c.get("comment", "") for c in before}
    return [{**c, "comment": comments.get(c["name"], c.get("comment", ""))} for c in columns]


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


# Exported scripts: they cannot reach glueweb's catalog, so they describe the changes a run would
# make, as JSON (docs/node-catalog.md#code-export-and-the-catalog). Copied verbatim into scripts:
# these import nothing of glueweb.


def local_files(folder: str) -> list[str]:
    """Every file below a local folder, relative and `/`-separated."""
    from pathlib import Path

    root = Path(folder)
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) if root.is_dir() else []


def remote_files(folder: str, storage_options: dict[str, str] | None) -> list[str]:
    """Every object below an s3:// prefix, relative to it."""
    fs = s3fs_for(storage_options)
    root = folder.split("://", 1)[1].rstrip("/")
    found = fs.find(root) if fs.exists(root) else []
    return sorted(k[len(root) + 1 :] for k in found if k.startswith(root + "/"))


def catalog_change(  # noqa: PLR0917  (every property of a target; scripts call it positionally)
    node: str,
    action: str,
    database: str,
    table: str,
    folder: str,
    keys: list[str],
    fmt: str,
    mode: str,
    definition: dict[str, Any] | None,
    files: list[str],
    run_id: str,
) -> dict[str, Any]:
    """What glueweb would change in its catalog for one target, from the files this run wrote.

    `partitions` holds items for the catalog API's partitions/batch-create/ call (at most 1,000 a
    call); a Delta table keeps its partitions in its own log, so it has none.
    """
    partitions: list[dict[str, Any]] = []
    seen: set[tuple[str | None, ...]] = set()
    for relative in files:
        parts = relative.split("/")
        if not parts[-1].startswith(f"part-{run_id}-") or len(parts) != len(keys) + 1 or fmt == "delta":
            continue
        pairs = [part.partition("=") for part in parts[:-1]]
        if any(name != key or not sep for (name, sep, _), key in zip(pairs, keys, strict=True)):
            continue
        values = tuple(None if v == "__HIVE_DEFAULT_PARTITION__" else v for _, _, v in pairs)
        if values not in seen:
            seen.add(values)
            where = "/".join([folder.rstrip("/"), *parts[:-1]])
            partitions.append({"values": list(values), "location": where, "parameters": {"written_by_run": run_id}})
    change: dict[str, Any] = {
        "node": node,
        "action": action,
        "database": database,
        "table": table,
        "location": folder,
        "classification": fmt,
        "replace_partitions": mode == "overwrite",
        "partitions": partitions,
    }
    if definition is not None:
        change["definition"] = {**definition, "location": folder, "classification": fmt}
    return change


def report_catalog_changes(changes: list[dict[str, Any]], path: str | None, run_id: str) -> None:
    """Print the catalog changes as JSON, or write them to `path` (--catalog-changes)."""
    import json

    note = "not applied: this script does not update glueweb's catalog; a glueweb run would make these changes"
    text = json.dumps({"note": note, "run_id": run_id, "changes": changes}, indent=2)
    if path:
        from pathlib import Path

        Path(path).write_text(text + "\n")
    else:
        print(text)
