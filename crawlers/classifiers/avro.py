"""Avro object container files: the magic `Obj\\x01`; the schema from the first rows."""

from __future__ import annotations

import io

import polars as pl

from crawlers.classifiers.base import Classified, FileSample
from crawlers.inference import frame_columns

name = "avro"
SAMPLE_ROWS = 1000
MAX_AVRO = 64 * 1024 * 1024


def classify(sample: FileSample) -> Classified | None:
    if not sample.magic.startswith(b"Obj\x01"):
        return None
    if sample.size > MAX_AVRO:
        raise ValueError(f"Avro files over {MAX_AVRO // 2**20} MiB are not sampled yet")
    with sample.opener() as handle:
        frame = pl.read_avro(io.BytesIO(handle.read()), n_rows=SAMPLE_ROWS)
    rows = frame.height if frame.height < SAMPLE_ROWS else None
    return Classified("avro", 1.0, frame_columns(frame), name, rows=rows, notes=["Avro header"])
