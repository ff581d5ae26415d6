"""Which files make one table, at which folder level.

Automatic (no table level): a folder is a table when every file below it agrees and all of them
sit the same number of folders down. Files agree when they have the same classification and
format options (delimiter, header, ...) and their column names overlap by at least 70% (shared
names over the smaller column count, so a schema that gained columns still agrees); with "combine
compatible schemas" the overlap is not required. Where files below a folder disagree, each
subfolder is decided on its own (dissimilar siblings become separate tables) and each file lying
directly in that folder is a table of its own.

Fixed table level L: the folders L-1 levels below the target (level 1 is the target itself) are
the tables, whatever their files hold; schemas are merged and disagreeing types become string.

Stability: a folder where this crawler already made a table stays a table's folder. Without this,
deleting the last sibling of `orders/` would turn the parent folder into one table with `orders`
as a partition value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from crawlers import partitions
from crawlers.classifiers.base import Classified
from crawlers.inference import merge_columns, similarity

SIMILARITY = 0.7


@dataclass
class KnownFile:
    relative: str  # below the target
    size: int
    schema: Classified  # shared by the files that have the same one
    rows: int = 0  # exact or estimated

    @cached_property  # asked for twice per file (tree, partitions), for every file of a crawl
    def folders(self) -> tuple[str, ...]:
        return tuple(self.relative.split("/")[:-1])


@dataclass
class FoundPartition:
    values: list[str]
    relative: str  # folder below the target
    files: int = 0
    size: int = 0


@dataclass
class FoundTable:
    name: str
    relative: str  # the table's folder (or file) below the target
    is_file: bool
    schema: Classified  # classification, options, merged columns
    partition_keys: list[dict[str, str]]
    partitions: list[FoundPartition]
    files: int
    size: int
    rows: int
    why: dict[str, Any] = field(default_factory=dict)


class Folder:
    def __init__(self, relative: str) -> None:
        self.relative = relative
        self.children: dict[str, Folder] = {}
        self.files: list[KnownFile] = []

    def child(self, name: str) -> Folder:
        if name not in self.children:
            self.children[name] = Folder(f"{self.relative}/{name}" if self.relative else name)
        return self.children[name]

    def all_files(self) -> list[KnownFile]:
        found = list(self.files)
        for child in self.children.values():
            found.extend(child.all_files())
        return found


def build_tree(files: Iterable[KnownFile]) -> Folder:
    root = Folder("")
    nodes: dict[str, Folder] = {}  # by folder path: a folder's files are walked down to once
    for file in files:
        folder = file.relative.rpartition("/")[0]
        node = nodes.get(folder)
        if node is None:
            node = root
            for part in file.folders:
                node = node.child(part)
            nodes[folder] = node
        node.files.append(file)
    return root


def _distinct(files: list[KnownFile]) -> list[Classified]:
    by_identity = {id(f.schema): f.schema for f in files}  # files of one dataset share their schema object
    seen: dict[tuple[str, str], Classified] = {}
    for schema in by_identity.values():
        key = (schema.signature(), repr([(c["name"], c["type"]) for c in schema.columns]))
        seen.setdefault(key, schema)
    return list(seen.values())


def agree(schemas: list[Classified], combine: bool) -> str | None:
    """None when the schemas may share a table; otherwise why not."""
    for i, a in enumerate(schemas):
        for b in schemas[i + 1 :]:
            if a.signature() != b.signature():
                return f"files differ in format ({_format(a)} and {_format(b)})"
            if not combine and similarity(a.columns, b.columns) < SIMILARITY:
                return f"column names overlap by less than {SIMILARITY:.0%}"
    return None


def _format(schema: Classified) -> str:
    kind = schema.classification or schema.parameters.get("classification", "?")
    options = ", ".join(f"{k}={v!r}" for k, v in sorted(schema.format_options.items()) if k != "compression")
    return f"{kind} {options}".strip()


NAME_CLEAN = re.compile(r"[^a-z0-9_]+")


def table_name(prefix: str, relative: str, fallback: str, is_file: bool) -> str:
    base = relative.rsplit("/", 1)[-1] if relative else fallback
    if is_file and "." in base:
        base = base.split(".", 1)[0]
    cleaned = NAME_CLEAN.sub("_", base.lower()).strip("_") or "table"
    return (prefix.lower() + cleaned)[:255]


def _paths_below(files: list[KnownFile], depth: int) -> list[tuple[str, ...]]:
    """Each file's folders below the first `depth` ones; the files of one folder share the tuple."""
    by_folder: dict[str, tuple[str, ...]] = {}
    paths = []
    for file in files:
        folder = file.relative.rpartition("/")[0]
        path = by_folder.get(folder)
        if path is None:
            path = by_folder[folder] = file.folders[depth:]
        paths.append(path)
    return paths


def _make_table(
    prefix: str, fallback: str, folder: Folder | None, files: list[KnownFile], *, reason: str, level: int
) -> FoundTable:
    schemas = _distinct(files)
    merged_columns = schemas[0].columns
    notes: list[str] = []
    for other in schemas[1:]:
        merged = merge_columns(merged_columns, other.columns)
        merged_columns, notes = merged.columns, notes + merged.notes
    # Files of another format than the first cannot be read as this table; a fixed level can force them here.
    first = schemas[0]
    kept = [f for f in files if f.schema.signature() == first.signature()]
    if len(kept) != len(files):
        notes.append(f"{len(files) - len(kept)} files of another format are left out")
    is_file = folder is None
    relative = files[0].relative if is_file else folder.relative  # type: ignore[union-attr]
    base_depth = len(relative.split("/")) if relative and not is_file else 0
    paths = _paths_below(kept, base_depth) if not is_file else [()]
    depths = {len(p) for p in paths}
    if len(depths) > 1:  # only possible with a fixed level: keep the deepest layout
        deepest = max(depths)
        notes.append(f"{sum(1 for p in paths if len(p) != deepest)} files at other folder depths are left out")
        kept = [f for f, p in zip(kept, paths, strict=True) if len(p) == deepest]
        paths = [p for p in paths if len(p) == deepest]
    layout = partitions.layout(paths, {c["name"] for c in merged_columns})
    notes.extend(layout.notes)
    found_partitions: dict[tuple[str, ...], FoundPartition] = {}
    for f, path in zip(kept, paths, strict=True):
        if not path:
            continue
        part = found_partitions.get(path)
        if part is None:
            part = found_partitions[path] = FoundPartition(
                list(layout.values[path]), "/".join((relative, *path)).strip("/")
            )
        part.files += 1
        part.size += f.size
    rows = sum(f.rows for f in kept)
    schema = Classified(
        first.classification,
        first.certainty,
        merged_columns,
        first.classifier,
        dict(first.format_options),
        dict(first.parameters),
        rows,
        list(first.notes),
    )
    name = table_name(prefix, relative, fallback, is_file)
    why = {
        "reason": reason,
        "level": level,
        "folder": relative,
        "files": len(kept),
        "sample_files": [f.relative for f in kept[:5]],
        "partition_keys": [k["name"] for k in layout.keys],
        "classified_by": first.classifier,
        "classification_notes": first.notes,
        "merged": notes,
    }
    return FoundTable(
        name,
        relative,
        is_file,
        schema,
        layout.keys,
        list(found_partitions.values()),
        len(kept),
        sum(f.size for f in kept),
        rows,
        why,
    )


def _depths(folder: Folder, base: int = 0) -> set[int]:
    found = {base} if folder.files else set()
    for child in folder.children.values():
        found |= _depths(child, base + 1)
    return found


def group_auto(
    root: Folder, prefix: str, fallback: str, combine: bool, anchors: frozenset[str] = frozenset()
) -> list[FoundTable]:
    """`anchors`: folders where this crawler's tables already are; a table is never made above one."""
    tables: list[FoundTable] = []

    def anchor_below(folder: Folder) -> str | None:
        for anchor in anchors:
            if (not folder.relative and anchor) or anchor.startswith(folder.relative + "/"):
                return anchor
        return None

    def decide(folder: Folder, level: int) -> None:
        files = folder.all_files()
        if not files:
            return
        problem = agree(_distinct(files), combine)
        depths = _depths(folder)
        below = anchor_below(folder)
        if problem is None and len(depths) == 1 and below is None:
            what = "all files below agree" if len(files) > 1 else "one file"
            reason = f"{what} ({_format(files[0].schema)}); {len(files)} files"
            if depths != {0}:
                reason += f", {depths.pop()} folder level(s) below become partitions"
            tables.append(_make_table(prefix, fallback, folder, files, reason=reason, level=level))
            return
        if problem is None and below is not None:
            problem = f"the crawler's table at {below} stays where it is"
        elif problem is None:
            problem = "files sit at different folder depths"
        for child in folder.children.values():
            decide(child, level + 1)
        for file in folder.files:
            reason = (
                f"a file of its own: the files below {folder.relative or 'the target'} cannot share a table ({problem})"
            )
            tables.append(_make_table(prefix, fallback, None, [file], reason=reason, level=level))

    decide(root, 1)
    return tables


def group_at_level(root: Folder, prefix: str, fallback: str, level: int) -> list[FoundTable]:
    tables: list[FoundTable] = []

    def walk(folder: Folder, at: int) -> None:
        if at == level:
            files = folder.all_files()
            if files:
                reason = f"table level {level} is fixed by the crawler; {len(files)} files below"
                tables.append(_make_table(prefix, fallback, folder, files, reason=reason, level=at))
            return
        for file in folder.files:
            reason = f"a file above the fixed table level {level}"
            tables.append(_make_table(prefix, fallback, None, [file], reason=reason, level=at))
        for child in folder.children.values():
            walk(child, at + 1)

    walk(root, 1)
    return tables
