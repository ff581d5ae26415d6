"""Where files come from: one module per kind of target (local disk, S3), behind one small interface.

A source lists the files below its target (relative paths with `/`, size and a change stamp)
and opens one for reading. Names starting with `.` or `_` (`_SUCCESS`, `.tmp`, `_GLUEWEB_DEMO`)
are skipped, files and folders alike, as Hive and Glue do.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, NamedTuple, Protocol


class FileEntry(NamedTuple):
    """A listed file. A named tuple: a crawl makes one per file, at half a frozen dataclass's cost."""

    relative: str  # below the target, "/"-separated
    size: int
    stamp: str  # changes when the file does (mtime, or ETag on S3)


@dataclass(frozen=True)
class Skipped:
    relative: str
    reason: str


class Source(Protocol):
    target: str  # as the crawler names it

    def list(self) -> Iterator[FileEntry | Skipped]: ...

    def open(self, relative: str) -> IO[bytes]: ...

    def read(self, relative: str, size: int) -> bytes:
        """At most the first `size` bytes of a file in one read (the crawl reads small files whole)."""
        ...

    def location(self, relative_folder: str) -> str:
        """The catalog location of a folder (or file) below the target."""
        ...


def hidden(name: str) -> bool:
    return name.startswith((".", "_"))


def join(base: str, relative: str) -> str:
    if not relative:
        return base
    if not base:
        return relative
    return base.rstrip("/") + "/" + relative
