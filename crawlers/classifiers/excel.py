"""Excel workbooks (.xlsx: a zip holding xl/workbook.xml); the first sheet, first row as header."""

from __future__ import annotations

import io
import zipfile

import polars as pl

from crawlers.classifiers.base import Classified, FileSample
from crawlers.inference import frame_columns

name = "excel"
MAX_WORKBOOK = 64 * 1024 * 1024


def classify(sample: FileSample) -> Classified | None:
    if not sample.magic.startswith(b"PK\x03\x04") or sample.size > MAX_WORKBOOK:
        return None
    with sample.opener() as handle:
        data = handle.read()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "xl/workbook.xml" not in archive.namelist():
                return None
    except zipfile.BadZipFile:
        return None
    frame = pl.read_excel(io.BytesIO(data), sheet_id=1, infer_schema_length=1000)
    return Classified(
        "excel", 1.0, frame_columns(frame), name, {"header": True}, rows=frame.height, notes=["xlsx workbook, sheet 1"]
    )
