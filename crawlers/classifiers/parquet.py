"""Parquet: `PAR1` at both ends; the schema and row count come from the footer alone.

Only the file's last bytes are read (one read for a typical footer, two for a large one), which
matters on S3, where each read is a request. A footer is parsed in full (pyarrow) unless it
starts with the very bytes (version and schema) of one parsed before: then only its row count
and codec are read (catalog/parquet_footer.py).
"""

from __future__ import annotations

import struct
import threading

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from catalog import parquet_footer
from crawlers.classifiers.base import Classified, FileSample
from crawlers.inference import columns_from_polars

name = "parquet"
CODECS = {"snappy": "snappy", "zstd": "zstd", "gzip": "gzip", "lz4": "lz4", "lz4_raw": "lz4", "brotli": "brotli"}
TAIL_BYTES = 64 * 1024


_SEEN: list[tuple[pq.ParquetSchema, list[dict[str, str]]]] = []  # most recent first
_SEEN_MAX = 16


_SEEN_LOCK = threading.Lock()  # files are read on a few threads (crawlers/scan.py)


def _columns(schema: pq.ParquetSchema) -> list[dict[str, str]]:
    """Catalog columns of a Parquet schema. The files of one dataset share theirs, so it is converted
    once: comparing Parquet schemas (C++) costs far less than converting or hashing one. The list
    returned is shared by those files: read it, never change it."""
    with _SEEN_LOCK:
        seen = list(_SEEN)
    for known, columns in seen:
        if known.equals(schema):
            return columns
    polars_schema = pl.from_arrow(schema.to_arrow_schema().empty_table()).schema  # type: ignore[union-attr]
    columns = columns_from_polars(polars_schema)
    with _SEEN_LOCK:
        _SEEN.insert(0, (schema, columns))
        del _SEEN[_SEEN_MAX:]
    return columns


def _footer_bytes(sample: FileSample) -> bytes | None:
    """The footer's Thrift bytes, or None when the file does not end as Parquet does."""
    tail = sample.tail(min(sample.size, TAIL_BYTES))
    if len(tail) < 12 or tail[-4:] != b"PAR1":
        return None
    (length,) = struct.unpack("<I", tail[-8:-4])
    if length + 8 > sample.size - 4:
        raise ValueError("the Parquet footer is longer than the file")
    if length + 8 > len(tail):
        tail = sample.tail(length + 8)
    return tail[-(length + 8) : -8]


def _parse(thrift: bytes) -> pq.FileMetaData:
    """The footer parsed in full, by the metadata reader, which only looks at the footer: hand it
    the footer framed as a file. Not pyarrow's `_reconstruct_filemetadata` (what unpickling uses,
    a third of the cost): on a corrupt footer it aborts the whole process instead of raising."""
    return pq.read_metadata(pa.BufferReader(b"PAR1" + thrift + struct.pack("<I", len(thrift)) + b"PAR1"))


# Footer beginnings (version and schema, parquet_footer.schema_end) of files parsed in full, with
# their columns: most recent first.
_PREFIXES: list[tuple[bytes, list[dict[str, str]]]] = []


def _known_prefix(thrift: bytes) -> tuple[bytes, list[dict[str, str]]] | None:
    with _SEEN_LOCK:
        prefixes = list(_PREFIXES)
    for prefix, columns in prefixes:
        if thrift.startswith(prefix):
            return prefix, columns
    return None


def classify(sample: FileSample) -> Classified | None:
    if not sample.magic.startswith(b"PAR1") or sample.size < 12:
        return None
    thrift = _footer_bytes(sample)
    if thrift is None:
        return None
    known = _known_prefix(thrift)
    if known is not None:
        # The schema of a file parsed before: only the row count and the codec are read, from the
        # bytes (catalog/parquet_footer.py), at a fraction of a full parse's cost.
        prefix, columns = known
        found = parquet_footer.rows_and_codec(thrift, len(prefix))
        if found is not None:
            return _classified(columns, *found)
    metadata = _parse(thrift)
    # Not `metadata.schema`: that one is cached on the metadata and points back to it, a reference
    # cycle per file that only the cyclic garbage collector frees (it runs seldom during a crawl).
    columns = _columns(pq.ParquetSchema(metadata))
    codec = None
    if metadata.num_row_groups and metadata.num_columns:
        codec = str(metadata.row_group(0).column(0).compression).lower()
    end = parquet_footer.schema_end(thrift) if known is None else None
    if end is not None:
        with _SEEN_LOCK:
            _PREFIXES.insert(0, (thrift[:end], columns))
            del _PREFIXES[_SEEN_MAX:]
    return _classified(columns, metadata.num_rows, codec)


def _classified(columns: list[dict[str, str]], rows: int, codec: str | None) -> Classified:
    options = {} if codec is None else {"compression": CODECS.get(codec, "none")}
    return Classified("parquet", 1.0, columns, name, options, rows=rows, notes=["Parquet footer"])
