"""read_files reads every local format, in glueweb and in the exported script alike."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tests.engine.harness import document, read_output, run_exported, run_in_glueweb

DATA = pl.DataFrame({"id": [1, 2, 3], "name": ["a", "é", None], "score": [1.5, None, -2.0]})


def write(fmt: str, path: Path) -> dict[str, Any]:
    if fmt == "csv":
        DATA.write_csv(path)
    elif fmt == "tsv":
        DATA.write_csv(path, separator="\t")
    elif fmt == "json":
        DATA.write_json(path)
    elif fmt == "ndjson":
        DATA.write_ndjson(path)
    elif fmt == "ipc":
        DATA.write_ipc(path)
    elif fmt == "avro":
        DATA.write_avro(path)
    else:
        DATA.write_parquet(path)
    return {"path": str(path), "format": fmt}


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "ndjson", "parquet", "ipc", "avro"])
def test_read_files_reads_the_format_in_glueweb_and_in_the_script(lake: Path, fmt: str) -> None:
    params = write(fmt, lake / f"data.{fmt}")
    graph = document(
        [{"id": "src", "type": "read_files", "params": params},
         {"id": "w", "type": "write_files", "params": {"path": "lake/out/out", "mode": "overwrite"}}],
        [{"source": "src", "target": "w"}],
    )  # fmt: skip
    run_in_glueweb(graph)
    assert_frame_equal(read_output(lake), DATA)
    run_exported(graph, lake.parent)
    assert_frame_equal(read_output(lake), DATA)


def test_a_partitioned_folder_reads_back_with_its_hive_columns(lake: Path) -> None:
    DATA.write_parquet(lake / "src.parquet")
    write_graph = document(
        [{"id": "src", "type": "read_files", "params": {"path": "lake/src.parquet", "format": "parquet"}},
         {"id": "w", "type": "write_files", "params": {"path": "lake/parts", "partition_by": ["id"]}}],
        [{"source": "src", "target": "w"}],
    )  # fmt: skip
    run_in_glueweb(write_graph)
    read_graph = document(
        [{"id": "src", "type": "read_files", "params": {"path": "lake/parts", "format": "parquet"}},
         {"id": "s", "type": "sort", "params": {"by": [{"column": "id"}]}},
         {"id": "w", "type": "write_files", "params": {"path": "lake/out/out", "mode": "overwrite"}}],
        [{"source": "src", "target": "s"}, {"source": "s", "target": "w"}],
    )  # fmt: skip
    run_in_glueweb(read_graph)
    assert_frame_equal(read_output(lake), DATA.select("name", "score", "id"))


def test_a_missing_file_is_reported_at_the_path(lake: Path) -> None:
    from jobs.engine.validate import validate

    graph = document([{"id": "src", "type": "read_files", "params": {"path": "lake/nope.csv", "format": "csv"}}], [])
    assert [(e["node"], e["field"]) for e in validate(graph)] == [("src", "params.path")]
