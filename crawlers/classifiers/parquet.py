"""Parquet: `PAR1` at both ends; the schema and row count come from the footer alone.

Only the file's last bytes are read (one read for a typical footer, two for a large one), which
matters on S3, where each read is a request.
"""

from __future__ import annotations

import struct
import threading

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
from pyarrow import _parquet

from crawlers.classifiers.base import Classified, FileSample
from crawlers.inference import columns_from_polars

name = "parquet"
CODECS = {"snappy": "snappy", "zstd": "zstd", "gzip": "gzip", "lz4": "lz4", "lz4_raw": "lz4", "brotli": "brotli"}
TAIL_BYTES = 64 * 1024
_parse_footer = getattr(_parquet, "_reconstruct_filemetadata", None)


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


def footer(sample: FileSample) -> pq.FileMetaData | None:
    tail = sample.tail(min(sample.size, TAIL_BYTES))
    if len(tail) < 12 or tail[-4:] != b"PAR1":
        return None
    (length,) = struct.unpack("<I", tail[-8:-4])
    if length + 8 > sample.size - 4:
        raise ValueError("the Parquet footer is longer than the file")
    if length + 8 > len(tail):
        tail = sample.tail(length + 8)
    thrift = tail[-(length + 8) : -8]
    if _parse_footer is not None:
        # What pickling FileMetaData uses: parses the footer bytes directly, a third of read_metadata's cost.
        parsed: pq.FileMetaData = _parse_footer(pa.py_buffer(thrift))
        return parsed
    # The metadata reader only looks at the footer: hand it the footer framed as a file.
    return pq.read_metadata(pa.BufferReader(b"PAR1" + tail[-(length + 8) :]))


def classify(sample: FileSample) -> Classified | None:
    if not sample.magic.startswith(b"PAR1") or sample.size < 12:
        return None
    metadata = footer(sample)
    if metadata is None:
        return None
    columns = _columns(metadata.schema)
    options = {}
    if metadata.num_row_groups and metadata.num_columns:
        codec = str(metadata.row_group(0).column(0).compression).lower()
        options["compression"] = CODECS.get(codec, "none")
    return Classified("parquet", 1.0, columns, name, options, rows=metadata.num_rows, notes=["Parquet footer"])
