"""The row count of a local Parquet file, read from its footer without decoding the rest.

A run reports the rows each Parquet source read from its files' metadata (compiler._metadata_counts).
Asking Polars (`scan_parquet(...).select(pl.len())`) decodes the whole footer, every row group's
column statistics included: about 0.35 ms for a TPC-H table at scale 1, several per query, which
was a visible part of the fixed cost of a run (benchmarks/pdsh.py). The count is the third field
of the footer's FileMetaData, right after the schema, so it takes a few microseconds to skip to.

The footer is Thrift's compact protocol (the Parquet format's parquet.thrift):
FileMetaData { 1: i32 version, 2: list<SchemaElement> schema, 3: i64 num_rows, 4: row_groups... }.
Anything unexpected (not Parquet, an encrypted footer, a truncated file, a type this reader does
not know) answers None and the caller asks Polars, so a wrong count can only come from a file that
lies about itself, which Polars would believe too.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

MAGIC = b"PAR1"  # an encrypted footer ends in b"PARE" instead: not read here
NUM_ROWS_FIELD = 3
I64 = 6
BOOL_TRUE, BOOL_FALSE, BYTE, I16, I32, DOUBLE, BINARY, LIST, SET, MAP, STRUCT = 1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12
FIXED = {BYTE: 1, DOUBLE: 8}  # bytes of the fixed-size types
MAX_DEPTH = 64  # Parquet's own structures nest a few levels; deeper means garbage


class _Unreadable(Exception):
    pass


def row_count(path: Path) -> int | None:
    """Rows of the Parquet file at `path` per its footer, or None when the footer can't be read here."""
    try:
        with path.open("rb") as file:
            size = file.seek(0, 2)
            if size < 12:  # "PAR1", the footer's length and "PAR1"
                return None
            file.seek(size - 8)
            tail = file.read(8)
            if tail[4:] != MAGIC:
                return None
            length = int.from_bytes(tail[:4], "little")
            if length <= 0 or length > size - 12:
                return None
            file.seek(size - 8 - length)
            footer = file.read(length)
        return _num_rows(footer)
    except (OSError, IndexError, _Unreadable):
        return None


def _num_rows(buf: bytes) -> int | None:
    pos = field = 0
    while True:
        head = buf[pos]
        pos += 1
        if head == 0:  # end of the struct without num_rows
            return None
        kind, delta = head & 0x0F, head >> 4
        if delta:
            field += delta
        else:
            zigzag, pos = _varint(buf, pos)
            field = _signed(zigzag)
        if field == NUM_ROWS_FIELD:
            if kind != I64:
                raise _Unreadable("num_rows is not an i64")
            zigzag, pos = _varint(buf, pos)
            rows = _signed(zigzag)
            return rows if rows >= 0 else None
        pos = _skip(buf, pos, kind, in_list=False, depth=0)


def _signed(zigzag: int) -> int:
    return (zigzag >> 1) ^ -(zigzag & 1)


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise _Unreadable("varint too long")


def _skip(buf: bytes, pos: int, kind: int, *, in_list: bool, depth: int) -> int:
    """Position after one value of `kind` starting at `pos`."""
    if kind in {BOOL_TRUE, BOOL_FALSE}:
        return pos + 1 if in_list else pos  # a struct field's boolean is in its header
    if kind in {I16, I32, I64}:
        return _varint(buf, pos)[1]
    if kind in FIXED:
        return pos + FIXED[kind]
    if kind == BINARY:
        length, pos = _varint(buf, pos)
        return pos + length
    if kind not in _CONTAINERS:
        raise _Unreadable(f"unknown type {kind}")
    if depth > MAX_DEPTH:
        raise _Unreadable("nested too deep")
    return _CONTAINERS[kind](buf, pos, depth)


def _skip_list(buf: bytes, pos: int, depth: int) -> int:
    head = buf[pos]
    pos += 1
    count, element = head >> 4, head & 0x0F
    if count == 15:  # long form: the count follows as a varint
        count, pos = _varint(buf, pos)
    for _ in range(count):
        pos = _skip(buf, pos, element, in_list=True, depth=depth + 1)
    return pos


def _skip_map(buf: bytes, pos: int, depth: int) -> int:
    count, pos = _varint(buf, pos)
    if count:
        types = buf[pos]
        pos += 1
        for _ in range(count):
            pos = _skip(buf, pos, types >> 4, in_list=True, depth=depth + 1)
            pos = _skip(buf, pos, types & 0x0F, in_list=True, depth=depth + 1)
    return pos


def _skip_struct(buf: bytes, pos: int, depth: int) -> int:
    while True:
        head = buf[pos]
        pos += 1
        if head == 0:
            return pos
        if head >> 4 == 0:  # long form: the field id follows as a varint
            pos = _varint(buf, pos)[1]
        pos = _skip(buf, pos, head & 0x0F, in_list=False, depth=depth + 1)


_CONTAINERS: dict[int, Callable[[bytes, int, int], int]] = {
    LIST: _skip_list, SET: _skip_list, MAP: _skip_map, STRUCT: _skip_struct
}  # fmt: skip
