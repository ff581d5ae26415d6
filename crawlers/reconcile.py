"""From what a crawl found to catalog changes: a plan first, then (unless a dry run) applied by policy.

New tables and partitions are always added. A changed table is updated only with
UPDATE_IN_DATABASE (else the change is logged); tables the crawler made earlier that are gone are
deprecated, deleted or logged by the delete behaviour; partitions whose folders are gone are
deleted only with DELETE_FROM_DATABASE. CRAWL_NEW_FOLDERS_ONLY only adds. A table whose folders
had unreadable files in this crawl is never removed. Every change says why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from catalog.models import Database, Partition, Table
from catalog.services import databases as database_service
from catalog.services import partitions as partition_service
from catalog.services import tables as table_service
from catalog.services.common import ChangedBy
from crawlers.grouping import FoundTable
from crawlers.inference import finish
from crawlers.models import Crawler, DeleteBehavior, RecrawlBehavior, UpdateBehavior

LISTED_PARTITIONS = 50  # partitions named in a change; the count is always exact
CATALOG_OPTIONS = set(table_service.FORMAT_OPTIONS)


@dataclass
class Found:
    """A found table together with where it lies (its source decides locations)."""

    table: FoundTable
    location: str
    partition_locations: list[str]
    target: str
    error_folders: set[str]


@dataclass
class Change:
    action: str
    table: str
    apply: bool
    reason: str
    details: dict[str, Any] = field(default_factory=dict)
    # What applying needs; not shown.
    data: dict[str, Any] = field(default_factory=dict, repr=False)

    def public(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "table": self.table,
            "decision": "apply" if self.apply else "log",
            "reason": self.reason,
            **self.details,
        }


@dataclass
class Plan:
    database: str
    changes: list[Change]

    def count(self, action: str, applied_only: bool = True) -> int:
        total = 0
        for change in self.changes:
            if change.action == action and (change.apply or not applied_only):
                total += change.details.get("count", 1) if "partitions" in action else 1
        return total


def _columns_diff(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> dict[str, Any]:
    before, after = {c["name"]: c for c in old}, {c["name"]: c for c in new}
    return {
        "added": [c for c in new if c["name"] not in before],
        "removed": [c for c in old if c["name"] not in after],
        "retyped": [
            {"name": n, "from": before[n]["type"], "to": c["type"]}
            for n, c in after.items()
            if n in before and before[n]["type"] != c["type"]
        ],
    }


def table_data(crawler: Crawler, found: Found, run_id: int | None) -> dict[str, Any]:
    t = found.table
    options = {k: v for k, v in t.schema.format_options.items() if k in CATALOG_OPTIONS}
    parameters: dict[str, Any] = {
        "crawler": crawler.name,
        "crawler_run": str(run_id or ""),
        "classification": t.schema.classification or t.schema.parameters.get("classification", ""),
        "object_count": t.files,
        "size_bytes": t.size,
        "record_count": t.rows,
        "record_count_estimated": True,
        "compression": t.schema.format_options.get("compression", "none"),
        # Why the table exists, on the table itself (the run holds the full explanation).
        "crawler_reason": f"level {t.why.get('level')} folder {t.why.get('folder') or '(the target)'}: "
        f"{t.why.get('reason')}",
        **{k: v for k, v in t.schema.parameters.items() if k != "classification"},
    }
    return {
        "location": found.location,
        "classification": t.schema.classification,
        "format_options": options,
        "columns": finish(t.schema.columns),
        "partition_keys": t.partition_keys,
        "parameters": parameters,
    }


def _partition_items(found: Found) -> dict[str, dict[str, Any]]:
    items = {}
    for part, location in zip(found.table.partitions, found.partition_locations, strict=True):
        key = partition_service.values_key(list(part.values))
        items[key] = {
            "values": list(part.values),
            "location": location,
            "parameters": {"object_count": part.files, "size_bytes": part.size},
        }
    return items


def _covered(location: str, found_tables: list[Found]) -> bool:
    return any(location == f.location for f in found_tables)


def plan(crawler: Crawler, found_tables: list[Found], run_id: int | None, had_errors_under: list[str]) -> Plan:  # noqa: PLR0912, PLR0915
    database = Database.objects.filter(name=crawler.database).first()
    changes: list[Change] = []
    if database is None:
        changes.append(Change("create_database", "", True, f'the database "{crawler.database}" does not exist yet'))
    existing = {t.name: t for t in Table.objects.filter(database=database)} if database else {}
    new_only = crawler.recrawl_behavior == RecrawlBehavior.CRAWL_NEW_FOLDERS_ONLY
    may_update = crawler.update_behavior == UpdateBehavior.UPDATE_IN_DATABASE and not new_only
    claimed: set[str] = set()
    for found in found_tables:
        name = found.table.name
        current = existing.get(name)
        # A same-named table somewhere else (another crawler's, or a user's) is not ours to change.
        suffix = 2
        while (current is not None and current.location != found.location) or name in claimed:
            name = f"{found.table.name}_{suffix}"[:255]
            current = existing.get(name)
            suffix += 1
        if name != found.table.name:
            found.table.why["renamed"] = f'"{found.table.name}" is taken by a table at another location'
        found.table.name = name
        claimed.add(name)
        data = table_data(crawler, found, run_id)
        items = _partition_items(found)
        if current is None:
            changes.append(
                Change(
                    "create_table",
                    name,
                    True,
                    f"new table at {found.location}: {found.table.why['reason']}",
                    {
                        "location": found.location,
                        "classification": data["parameters"]["classification"],
                        "columns": data["columns"],
                        "partition_keys": data["partition_keys"],
                        "why": found.table.why,
                    },
                    {"table": data},
                )
            )
            if items:
                changes.append(_add_partitions(name, list(items.values()), "partitions of the new table"))
            continue
        diff = {
            "columns": _columns_diff(current.columns, data["columns"]),
            "partition_keys": _columns_diff(current.partition_keys, data["partition_keys"]),
        }
        changed_fields = [
            f
            for f in ("columns", "partition_keys", "classification", "format_options")
            if getattr(current, f) != data[f]
        ]
        if current.deprecated:
            changed_fields.append("deprecated")
        if changed_fields:
            if may_update:
                what = ", ".join(changed_fields)
                reason = f"the files' {what} differ from the catalog's (update behaviour UPDATE_IN_DATABASE)"
            elif new_only:
                reason = (
                    f"the files' {', '.join(changed_fields)} differ, but CRAWL_NEW_FOLDERS_ONLY never updates tables"
                )
            else:
                reason = f"the files' {', '.join(changed_fields)} differ, but the update behaviour is LOG"
            update = {**data, "deprecated": False, "parameters": {**current.parameters, **data["parameters"]}}
            changes.append(
                Change(
                    "update_table",
                    name,
                    may_update,
                    reason,
                    {"changed": changed_fields, "diff": diff, "why": found.table.why},
                    {"table": update, "drop_partitions": "partition_keys" in changed_fields},
                )
            )
            if may_update and "partition_keys" in changed_fields:
                continue_items = list(items.values())
                if continue_items:
                    changes.append(_add_partitions(name, continue_items, "partitions under the new partition keys"))
                continue
        have = set(Partition.objects.filter(table=current).values_list("values_key", flat=True))
        fresh = [item for key, item in items.items() if key not in have]
        if fresh and data["partition_keys"] == current.partition_keys:
            changes.append(_add_partitions(name, fresh, "folders not in the catalog yet"))
        gone = sorted(have - set(items))
        if gone and data["partition_keys"] == current.partition_keys:
            values = [json.loads(k) for k in gone]
            protected = bool(found.error_folders)
            remove = crawler.delete_behavior == DeleteBehavior.DELETE_FROM_DATABASE and not new_only and not protected
            if protected:
                reason = "their folders are gone, but files of this table could not be read: kept"
            elif remove:
                reason = "their folders are gone (delete behaviour DELETE_FROM_DATABASE)"
            else:
                policy = "CRAWL_NEW_FOLDERS_ONLY" if new_only else crawler.delete_behavior
                reason = f"their folders are gone; partitions are removed only with DELETE_FROM_DATABASE ({policy})"
            changes.append(
                Change(
                    "remove_partitions",
                    name,
                    remove,
                    reason,
                    {"partitions": values[:LISTED_PARTITIONS], "count": len(values)},
                    {"items": [{"values": v} for v in values]},
                )
            )
    # Tables this crawler made that no target holds any more.
    found_names = {f.table.name for f in found_tables}
    for name, current in existing.items():
        if current.parameters.get("crawler") != crawler.name or name in found_names:
            continue
        if current.deprecated and crawler.delete_behavior == DeleteBehavior.DEPRECATE_IN_DATABASE:
            continue
        protected = any(
            current.location == prefix or current.location.startswith(prefix.rstrip("/") + "/")
            for prefix in had_errors_under
        )
        if protected:
            changes.append(
                Change(
                    "keep_table",
                    name,
                    False,
                    "its files are gone or unreadable, but this crawl had read errors there: kept",
                )
            )
            continue
        if new_only:
            changes.append(
                Change(
                    "deprecate_table", name, False, "its folder is gone; CRAWL_NEW_FOLDERS_ONLY never removes tables"
                )
            )
            continue
        behavior = crawler.delete_behavior
        if behavior == DeleteBehavior.DELETE_FROM_DATABASE:
            changes.append(
                Change("delete_table", name, True, f"its location {current.location} holds no data any more")
            )
        else:
            action = "deprecate_table"
            apply = behavior == DeleteBehavior.DEPRECATE_IN_DATABASE
            policy = "DEPRECATE_IN_DATABASE" if apply else "LOG"
            changes.append(
                Change(
                    action,
                    name,
                    apply,
                    f"its location {current.location} holds no data any more (delete behaviour {policy})",
                )
            )
    return Plan(crawler.database, changes)


def _add_partitions(table: str, items: list[dict[str, Any]], why: str) -> Change:
    return Change(
        "add_partitions",
        table,
        True,
        f"{len(items)} {why}",
        {"partitions": [i["values"] for i in items[:LISTED_PARTITIONS]], "count": len(items)},
        {"items": items},
    )


def apply(plan: Plan, by: ChangedBy) -> None:
    """Apply every change the policy allows, in one transaction: all of them or none."""
    with transaction.atomic():
        database = Database.objects.filter(name=plan.database).first()
        for change in plan.changes:
            if not change.apply:
                continue
            if change.action == "create_database":
                database = database_service.create_database({"name": plan.database})
                continue
            assert database is not None
            if change.action == "create_table":
                table_service.create_table(database, {"name": change.table, **change.data["table"]}, by)
                continue
            table = Table.objects.get(database=database, name=change.table)
            if change.action == "update_table":
                if change.data.get("drop_partitions"):
                    table.partitions.all().delete()
                table_service.update_table(table, change.data["table"], by)
            elif change.action == "add_partitions":
                # The crawl built these itself (see add_found_partitions): the catalog's trusted bulk path.
                items = [(item["values"], item["location"], item["parameters"]) for item in change.data["items"]]
                _, errors = partition_service.add_found_partitions(table, items)
                if errors:
                    raise ValueError(f"partitions of {change.table} were refused: {errors[0]['errors']}")
            elif change.action == "remove_partitions":
                items = change.data["items"]
                for start in range(0, len(items), partition_service.MAX_BATCH):
                    partition_service.batch_delete_partitions(table, items[start : start + partition_service.MAX_BATCH])
            elif change.action == "deprecate_table":
                table_service.update_table(table, {"deprecated": True}, by)
            elif change.action == "delete_table":
                table_service.delete_table(table)
