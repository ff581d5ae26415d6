"""Reading a few fields of a Parquet footer (Thrift compact protocol) without parsing all of it.

The footer is FileMetaData {1: version, 2: schema, 3: num_rows, 4: row_groups, ...}, serialized in
that order. Two readers need only a few of its fields, and a full parse (pyarrow's, or Polars'
`select(pl.len())`) builds every row group's and column's metadata first:
- the crawler's Parquet classifier (crawlers/classifiers/parquet.py): the files of one dataset share
  their schema, so once one file's footer has been parsed in full, a footer that starts with the
  same bytes up to the end of the schema (`schema_end`) has the same schema, and only its row count
  and its first column's codec (`rows_and_codec`) are still needed;
- a job run, which reports the rows of each Parquet source (`row_count`, for
  jobs/engine/compiler._metadata_counts): a few microseconds against about 0.35 ms for a TPC-H
  table at scale 1 through Polars, several per query, a visible part of a run's fixed cost.
Anything unexpected (not Parquet, an encrypted footer, a truncated file, a layout not expected
here) answers None, and the caller parses in full; so a wrong figure can only come from a file
that lies about itself, which the full parse would believe too.

Thrift compact protocol: a struct field starts with a byte (field id delta << 4 | type), or with
the type alone followed by the id; integers are zigzag varints; a list starts with a byte (size
<< 4 | element type), sizes of 15 and more following as a varint; a struct ends with a 0 byte.
"""

from __future__ import annotations

from pathlib import Path

# Compact protocol types.
BOOL_TRUE, BOOL_FALSE, BYTE, I16, I32, I64, DOUBLE, BINARY, LIST, SET, MAP, STRUCT = range(1, 13)
# parquet.thrift CompressionCodec by number, named as pyarrow's ColumnChunkMetaData.compression
# names them (lower case): LZ4_RAW (7) is its "lz4", the old Hadoop LZ4 (5) its "unknown".
CODEC_NAMES = {0: "uncompressed", 1: "snappy", 2: "gzip", 3: "lzo", 4: "brotli", 5: "unknown", 6: "zstd", 7: "lz4"}
MAGIC = b"PAR1"  # an encrypted footer ends in b"PARE" instead: not read here
MAX_DEPTH = 64  # nested structs and lists followed while skipping; deeper is not a footer we read


class _Unexpected(Exception):
    pass


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    byte = data[pos]
    if byte < 0x80:  # most are one byte
        return byte, pos + 1
    result, shift = byte & 0x7F, 7
    while True:
        pos += 1
        byte = data[pos]
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, pos + 1
        shift += 7
        if shift > 63:
            raise _Unexpected


def _zigzag(value: int) -> int:
    return (value >> 1) ^ -(value & 1)


def _list_header(data: bytes, pos: int) -> tuple[int, int, int]:
    """(size, element type, position after the header)."""
    header = data[pos]
    size, kind = header >> 4, header & 0x0F
    pos += 1
    if size == 15:
        size, pos = _varint(data, pos)
    return size, kind, pos


def _skip(data: bytes, pos: int, kind: int, depth: int = 0) -> int:  # noqa: PLR0911, PLR0912  (a branch per type)
    """The position after a value of `kind` starting at `pos`."""
    if depth > MAX_DEPTH:
        raise _Unexpected
    # The commonest kinds first.
    if kind in (I32, I64, I16):
        return _varint(data, pos)[1]
    if kind == BINARY:
        length, pos = _varint(data, pos)
        return pos + length
    if kind in (BOOL_TRUE, BOOL_FALSE):
        return pos
    if kind == BYTE:
        return pos + 1
    if kind == DOUBLE:
        return pos + 8
    if kind in (LIST, SET):
        size, element, pos = _list_header(data, pos)
        for _ in range(size):
            pos = _element(data, pos, element, depth + 1)
        return pos
    if kind == MAP:
        size, pos = _varint(data, pos)
        if size:
            types = data[pos]
            pos += 1
            for _ in range(size):
                pos = _element(data, pos, types >> 4, depth + 1)
                pos = _element(data, pos, types & 0x0F, depth + 1)
        return pos
    if kind == STRUCT:
        while True:
            header = data[pos]
            pos += 1
            if header == 0:
                return pos
            if header >> 4 == 0:  # the field id follows in full
                pos = _varint(data, pos)[1]
            pos = _skip(data, pos, header & 0x0F, depth + 1)
    raise _Unexpected


def _element(data: bytes, pos: int, kind: int, depth: int) -> int:
    """The position after an element of a list, set or map: there a boolean takes a byte of its own
    (a struct field's boolean is in the field's header byte)."""
    return pos + 1 if kind in (BOOL_TRUE, BOOL_FALSE) else _skip(data, pos, kind, depth)


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
    except OSError:
        return None
    return num_rows(footer)


def num_rows(footer: bytes) -> int | None:
    """FileMetaData's num_rows, from the footer's Thrift bytes; None when not laid out as expected."""
    try:
        pos = _field(footer, 0, 3, I64)
        rows = _zigzag(_varint(footer, pos)[0])
    except (IndexError, _Unexpected):
        return None
    return rows if rows >= 0 else None


def schema_end(footer: bytes) -> int | None:
    """Where the schema ends: `footer[:schema_end(footer)]` is the version and the schema."""
    try:
        if footer[0] != (1 << 4 | I32):  # field 1, version
            return None
        pos = _varint(footer, 1)[1]
        if footer[pos] != (1 << 4 | LIST):  # field 2, schema
            return None
        end = _skip(footer, pos + 1, LIST)
    except (IndexError, _Unexpected):
        return None
    return end if end <= len(footer) else None


def rows_and_codec(footer: bytes, start: int) -> tuple[int, str | None] | None:
    """The row count and the first row group's first column's codec (None without any), reading
    from `start`, the end of the schema; None when the footer is not laid out as expected."""
    try:
        return _rows_and_codec(footer, start)
    except (IndexError, _Unexpected):
        return None


def _rows_and_codec(footer: bytes, pos: int) -> tuple[int, str | None] | None:  # noqa: PLR0911  (each step may fail)
    if footer[pos] != (1 << 4 | I64):  # field 3, num_rows
        return None
    value, pos = _varint(footer, pos + 1)
    rows = _zigzag(value)
    if footer[pos] != (1 << 4 | LIST):  # field 4, row_groups
        return None
    groups, kind, pos = _list_header(footer, pos + 1)
    if not groups:
        return rows, None
    if kind != STRUCT or footer[pos] != (1 << 4 | LIST):  # RowGroup field 1, columns
        return None
    columns, kind, pos = _list_header(footer, pos + 1)
    if not columns:
        return rows, None
    if kind != STRUCT:
        return None
    pos = _field(footer, pos, 3, STRUCT)  # ColumnChunk field 3, meta_data
    pos = _field(footer, pos, 4, I32)  # ColumnMetaData field 4, codec
    codec = CODEC_NAMES.get(_zigzag(_varint(footer, pos)[0]))
    return None if codec is None else (rows, codec)


def _field(data: bytes, pos: int, wanted: int, kind: int) -> int:
    """The position of field `wanted` (of `kind`) of the struct starting at `pos`, skipping the
    fields before it; _Unexpected when it is missing or written out of order."""
    field = 0
    while True:
        header = data[pos]
        pos += 1
        if header == 0 or header >> 4 == 0:
            raise _Unexpected
        field += header >> 4
        if field == wanted and header & 0x0F == kind:
            return pos
        if field >= wanted:
            raise _Unexpected
        pos = _skip(data, pos, header & 0x0F)
