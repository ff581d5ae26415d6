"""S3 buckets (or anything speaking its protocol) through s3fs, credentials from a catalog Connection."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from catalog.models import Connection
from catalog.storage import S3Options
from crawlers.sources import FileEntry, Skipped, hidden, join

READ_BLOCK = 256 * 1024


def split_uri(uri: str) -> tuple[str, str]:
    """("bucket", "prefix/without/slashes") of s3://bucket/prefix/."""
    rest = uri[len("s3://") :].strip("/")
    bucket, _, prefix = rest.partition("/")
    return bucket, prefix.strip("/")


def filesystem(connection: Connection | None) -> Any:
    # A fresh instance: s3fs caches instances by their options, and a crawl must see the bucket as it is now.
    return S3Options.from_connection(connection).filesystem(skip_instance_cache=True)


class S3Source:
    def __init__(self, target: str, connection: Connection | None) -> None:
        self.target = target
        self.bucket, self.prefix = split_uri(target)
        self.fs = filesystem(connection)
        self.base = f"{self.bucket}/{self.prefix}".rstrip("/")
        self.single = False  # the target names one object rather than a prefix

    def list(self) -> Iterator[FileEntry | Skipped]:
        found: dict[str, dict[str, Any]] = self.fs.find(self.base, detail=True)
        for key, info in sorted(found.items()):
            if info.get("type") == "directory" or key.endswith("/"):
                continue
            if key == self.base:
                self.single = True
                yield FileEntry(key.rsplit("/", 1)[-1], int(info.get("size") or 0), str(info.get("ETag", "")))
                continue
            relative = key[len(self.base) :].lstrip("/")
            if any(hidden(part) for part in relative.split("/")):
                continue
            stamp = str(info.get("ETag") or info.get("LastModified") or "")
            yield FileEntry(relative, int(info.get("size") or 0), stamp)

    def open(self, relative: str) -> IO[bytes]:
        # Small blocks: the crawler reads a file's first bytes and, for Parquet, its last ones; s3fs's
        # default 5 MiB block would fetch far more than that per request.
        key = self.base if self.single else join(self.base, relative)
        handle: IO[bytes] = self.fs.open(key, "rb", block_size=READ_BLOCK)
        return handle

    def read(self, relative: str, size: int) -> bytes:
        # One ranged GET; open() would first ask for the object's size (a HEAD request).
        if size <= 0:
            return b""
        key = self.base if self.single else join(self.base, relative)
        data: bytes = self.fs.cat_file(key, start=0, end=size)
        return data

    def location(self, relative_folder: str) -> str:
        return "s3://" + (self.base if self.single else join(self.base, relative_folder))
