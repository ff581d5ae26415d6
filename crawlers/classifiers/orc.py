"""ORC: the magic `ORC` at the start; schema and row count from the file's footer."""

from __future__ import annotations

import polars as pl
from pyarrow import orc

from crawlers.classifiers.base import Classified, FileSample
from crawlers.inference import columns_from_polars

name = "orc"


def classify(sample: FileSample) -> Classified | None:
    if not sample.magic.startswith(b"ORC"):
        return None
    with sample.opener() as handle:
        reader = orc.ORCFile(handle)
        schema = pl.from_arrow(reader.schema.empty_table()).schema  # type: ignore[union-attr]
        rows = reader.nrows
        compression = str(reader.compression).lower()
    options = {"compression": compression} if compression in ("zstd", "snappy", "lz4") else {}
    return Classified("orc", 1.0, columns_from_polars(schema), name, options, rows=rows, notes=["ORC footer"])
