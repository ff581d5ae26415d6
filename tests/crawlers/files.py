"""Writing test trees: small files of every format the crawler knows."""

from __future__ import annotations

import bz2
import gzip
import json
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def parquet(path: Path, frame: pl.DataFrame) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.write_parquet(path)
    return path


def ndjson(path: Path, records: list[dict[str, Any]]) -> Path:
    return write(path, "".join(json.dumps(r) + "\n" for r in records))


def compress(data: bytes, codec: str) -> bytes:
    if codec == "gzip":
        return gzip.compress(data)
    if codec == "bzip2":
        return bz2.compress(data)
    sink = pa.BufferOutputStream()
    with pa.CompressedOutputStream(sink, "zstd") as out:
        out.write(data)
    return bytes(sink.getvalue().to_pybytes())


PEOPLE_CSV = "id,name,score,joined\n1,Ada,9.5,2024-01-02\n2,Grace,8.25,2024-02-03\n3,Linus,,2024-03-04\n"
