"""Avro object container files: the magic `Obj\\x01`; the schema from the header.

Only the start of a file is read, whatever its size: the header (the schema), then the first
data blocks until they hold SAMPLE_ROWS rows. Those blocks are decoded (so a file that cannot be
read is found out here) and counted; the rows of the whole file are exact when those blocks are
all of it, else estimated in proportion to its size. A block larger than SAMPLE_BYTES is counted
from its header and skipped, not read (a writer may put a whole file in one block).
"""

from __future__ import annotations

import io
import json
import os
from dataclasses import dataclass, field
from typing import IO

import polars as pl
from polars.exceptions import PanicException

from crawlers.classifiers.base import Classified, FileSample
from crawlers.inference import columns_from_polars

name = "avro"
MAGIC = b"Obj\x01"
SYNC_BYTES = 16
SAMPLE_ROWS = 1000
SAMPLE_BYTES = 16 * 1024 * 1024  # of data blocks decoded at most
MAX_HEADER = 16 * 1024 * 1024  # a header (its schema) larger than this is refused


class _Reader:
    """Reads a file from its start, counting the bytes passed."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.position = 0

    def read(self, count: int) -> bytes:
        data = self.handle.read(count)
        if len(data) != count:
            raise ValueError(f"the Avro file ends early (at byte {self.position + len(data)})")
        self.position += count
        return data

    def skip(self, count: int) -> None:
        self.handle.seek(count, os.SEEK_CUR)
        self.position += count

    def at_end(self) -> bool:
        if self.handle.read(1):
            self.handle.seek(-1, os.SEEK_CUR)
            return False
        return True

    def long(self) -> tuple[int, bytes]:
        """A zig-zag varint (Avro's int and long) and its bytes."""
        raw = bytearray()
        shift = value = 0
        while True:
            byte = self.read(1)[0]
            raw.append(byte)
            value |= (byte & 0x7F) << shift
            if not byte & 0x80:
                return (value >> 1) ^ -(value & 1), bytes(raw)
            shift += 7
            if shift > 63:
                raise ValueError("a malformed Avro number (over 10 bytes)")


def _encode_long(value: int) -> bytes:
    zigzag = (value << 1) ^ (value >> 63)
    out = bytearray()
    while zigzag > 0x7F:
        out.append((zigzag & 0x7F) | 0x80)
        zigzag >>= 7
    out.append(zigzag)
    return bytes(out)


def _header(reader: _Reader) -> tuple[bytes, dict[str, bytes]]:
    """The header's bytes (magic, metadata, sync marker) and its metadata."""
    parts = [reader.read(len(MAGIC))]
    metadata: dict[str, bytes] = {}
    while True:
        count, raw = reader.long()
        parts.append(raw)
        if count == 0:
            break
        if count < 0:  # a block of -count entries preceded by its size in bytes
            count = -count
            parts.append(reader.long()[1])
        for _ in range(count):
            items = []
            for _ in range(2):
                length, raw = reader.long()
                if length < 0 or reader.position + length > MAX_HEADER:
                    raise ValueError(f"the Avro header is malformed or over {MAX_HEADER // 2**20} MiB")
                items.append(reader.read(length))
                parts.extend((raw, items[-1]))
            metadata[items[0].decode("utf-8", "replace")] = items[1]
    parts.append(reader.read(SYNC_BYTES))
    return b"".join(parts), metadata


def _schema_file(schema: bytes) -> bytes:
    """An Avro file holding the schema and no rows, uncompressed: Polars reads the columns from it
    (it cannot read a header without blocks when the file's codec compresses)."""
    key = b"avro.schema"
    entries = _encode_long(len(key)) + key + _encode_long(len(schema)) + schema
    return MAGIC + _encode_long(1) + entries + _encode_long(0) + b"\0" * SYNC_BYTES


def _read(data: bytes, problem: str) -> pl.DataFrame:
    try:
        return pl.read_avro(io.BytesIO(data))
    except PanicException as exc:  # a BaseException: it would end the crawl, not just skip this file
        raise ValueError(f"{problem}: {str(exc).splitlines()[0] if str(exc) else 'Polars failed'}") from None


@dataclass
class _Walk:
    blocks: list[bytes] = field(default_factory=list)  # whole blocks read from the start, to decode
    rows: int = 0  # in the blocks walked
    walked: int = 0  # bytes of the blocks walked
    ended: bool = False  # they are the whole file


def _walk(reader: _Reader, sync: bytes, size: int) -> _Walk:
    """The first blocks, until they hold SAMPLE_ROWS rows: read up to SAMPLE_BYTES, skipped beyond."""
    walk = _Walk()
    decoded = 0
    while walk.rows < SAMPLE_ROWS:
        if reader.at_end():
            walk.ended = True
            return walk
        count, raw_count = reader.long()
        length, raw_length = reader.long()
        if count < 0 or length < 0:
            raise ValueError(f"a malformed Avro block at byte {reader.position}")
        if decoded + length <= SAMPLE_BYTES:  # each block stands alone: one skipped leaves the others readable
            walk.blocks.append(raw_count + raw_length + reader.read(length + SYNC_BYTES))
            decoded += length
        else:
            reader.skip(length)
            if reader.position > size:  # skipping does not notice the end, reading would
                raise ValueError(f"the Avro file ends early (a block runs to byte {reader.position})")
            if reader.read(SYNC_BYTES) != sync:  # the block's length was wrong
                raise ValueError(f"a malformed Avro block: no sync marker at byte {reader.position - SYNC_BYTES}")
        walk.rows += count
        walk.walked += len(raw_count) + len(raw_length) + length + SYNC_BYTES
    walk.ended = reader.at_end()
    return walk


def classify(sample: FileSample) -> Classified | None:
    if not sample.magic.startswith(MAGIC):
        return None
    with sample.opener() as handle:
        reader = _Reader(handle)
        header, metadata = _header(reader)
        schema = metadata.get("avro.schema")
        if schema is None:
            raise ValueError("the Avro header has no schema")
        try:
            json.loads(schema)
        except ValueError:
            raise ValueError("the Avro header's schema is not JSON") from None
        walk = _walk(reader, header[-SYNC_BYTES:], sample.size)
    frame = _read(_schema_file(schema), "the Avro schema cannot be read")
    if walk.blocks:  # the rows read must decode: a damaged file is found out now, not when a job reads it
        _read(header + b"".join(walk.blocks), "the Avro file's first rows cannot be read")
    if walk.ended:
        rows = walk.rows
        notes = ["Avro header"]
    else:
        rows = round(walk.rows * (sample.size - len(header)) / max(1, walk.walked))
        notes = ["Avro header", f"rows estimated from the first {walk.rows} rows"]
    return Classified("avro", 1.0, columns_from_polars(frame.schema), name, rows=rows, notes=notes)
