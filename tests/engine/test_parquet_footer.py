"""A run counts a local Parquet source from its footer (catalog/parquet_footer.py): the count
must be the one Polars gives for files from every common writer, and anything it cannot read
must answer None (the run then asks Polars), never a wrong number or an exception."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from catalog.parquet_footer import num_rows, row_count
from jobs.engine.compiler import run_graph
from tests.engine.harness import document


def polars_rows(path: Path) -> int:
    return int(pl.scan_parquet(path).select(pl.len()).collect().item())


def wide_nested(rows: int) -> pl.DataFrame:
    """More than 15 columns (a list's long-form header), nested and logical types, nulls, unicode."""
    frame = pl.DataFrame({f"c{i}": list(range(rows)) for i in range(20)})
    return frame.with_columns(
        s=pl.Series(["ünï", None, "x" * 300] * (rows // 3) + ["z"] * (rows % 3)),
        d=pl.lit(date(2024, 2, 29)),
        dec=pl.lit("12.50").cast(pl.Decimal(15, 2)),
        st=pl.struct(a=pl.col("c0"), b=pl.lit("b")),
        ls=pl.concat_list(pl.col("c1"), pl.col("c2")),
    )


WRITERS: dict[str, Callable[[pl.DataFrame, Path], None]] = {
    "polars": lambda frame, path: frame.write_parquet(path),
    "polars, small row groups, no statistics": lambda frame, path: frame.write_parquet(
        path, row_group_size=7, statistics=False
    ),
    "polars, uncompressed": lambda frame, path: frame.write_parquet(path, compression="uncompressed"),
    "pyarrow, key-value metadata": lambda frame, path: pq.write_table(
        frame.to_arrow().replace_schema_metadata({"origin": "test", "ü": "x" * 1000}), path, row_group_size=10
    ),
    "pyarrow, no dictionary, v1": lambda frame, path: pq.write_table(
        frame.to_arrow(), path, use_dictionary=False, version="1.0", data_page_version="1.0"
    ),
    "duckdb": lambda frame, path: duckdb.from_arrow(frame.to_arrow()).write_parquet(str(path)),
}


@pytest.mark.parametrize("writer", list(WRITERS))
@pytest.mark.parametrize("rows", [0, 1, 100, 5000])
def test_the_footer_count_is_the_count_polars_reads(tmp_path: Path, writer: str, rows: int) -> None:
    path = tmp_path / "t.parquet"
    WRITERS[writer](wide_nested(rows), path)
    assert row_count(path) == polars_rows(path) == rows


def test_a_file_of_more_row_groups_than_fit_a_short_list_header(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"a": list(range(1000))}), path, row_group_size=10)  # 100 row groups
    assert pq.read_metadata(path).num_row_groups == 100
    assert row_count(path) == 1000


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: b"", id="empty file"),
        pytest.param(lambda data: b"PAR1PAR1", id="shorter than a footer"),
        pytest.param(lambda data: b"a,b\n1,2\n" * 10, id="a CSV file"),
        pytest.param(lambda data: data[:-1], id="last byte cut"),
        pytest.param(lambda data: data[:-4] + b"PARE", id="encrypted footer magic"),
        pytest.param(
            lambda data: data[:-8] + (10**9).to_bytes(4, "little") + b"PAR1", id="footer longer than the file"
        ),
        pytest.param(lambda data: data[:-8] + (0).to_bytes(4, "little") + b"PAR1", id="footer of length 0"),
        pytest.param(lambda data: b"\0" * len(data), id="zeros"),
    ],
)
def test_what_is_not_a_readable_footer_answers_none(tmp_path: Path, damage: Callable[[bytes], bytes]) -> None:
    good = tmp_path / "good.parquet"
    pl.DataFrame({"a": [1, 2, 3]}).write_parquet(good)
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(damage(good.read_bytes()))
    assert row_count(bad) is None


def test_booleans_inside_lists_and_maps_take_a_byte_each() -> None:
    # The Thrift compact protocol writes a struct field's boolean into the field's header, but a
    # boolean in a list or map as a byte of its own. No writer above puts one before num_rows, so
    # these footers are made by hand, one field per literal.
    version = bytes([0x15, 0x02])  # field 1, i32, zigzag 2 = 1
    bool_list = bytes([0x19, 0x31, 0x01, 0x02, 0x01])  # field 2, list of 3 booleans: true, false, true
    bool_map = bytes([0x1B, 0x01, 0x11, 0x01, 0x02])  # field 2, map of 1 entry, bool -> bool: true -> false
    rows = bytes([0x16, 0x0A])  # field 3, i64, zigzag 10 = 5
    assert num_rows(version + bool_list + rows + b"\0") == 5
    assert num_rows(version + bool_map + rows + b"\0") == 5


def test_a_missing_file_answers_none(tmp_path: Path) -> None:
    assert row_count(tmp_path / "nothing.parquet") is None


def test_any_corrupted_footer_byte_gives_none_or_a_count_never_an_exception(tmp_path: Path) -> None:
    good = tmp_path / "good.parquet"
    wide_nested(30).write_parquet(good)
    data = good.read_bytes()
    length = int.from_bytes(data[-8:-4], "little")
    footer_start = len(data) - 8 - length
    bad = tmp_path / "bad.parquet"
    answers = set()
    for offset in range(length):
        for value in (0x00, 0xFF, data[footer_start + offset] ^ 0x5A):
            damaged = bytearray(data)
            damaged[footer_start + offset] = value
            bad.write_bytes(bytes(damaged))
            found = row_count(bad)
            assert found is None or (isinstance(found, int) and found >= 0)
            answers.add(found)
    assert None in answers and 30 in answers  # damage was both detected and, where harmless, read through


def test_a_run_reports_the_rows_of_parquet_sources_single_files_and_folders_alike(lake: Path) -> None:
    pl.DataFrame({"k": list(range(12)), "v": ["a"] * 12}).write_parquet(lake / "one.parquet", row_group_size=5)
    for part in ("x", "y"):
        (lake / "parts" / f"p={part}").mkdir(parents=True)
        pl.DataFrame({"k": list(range(4))}).write_parquet(lake / "parts" / f"p={part}" / "f.parquet")
    graph = document(
        [
            {"id": "one", "type": "read_files", "params": {"path": "lake/one.parquet", "format": "parquet"}},
            {"id": "folder", "type": "read_files", "params": {"path": "lake/parts", "format": "parquet"}},
            {"id": "w1", "type": "write_files", "params": {"path": "lake/out1", "mode": "overwrite"}},
            {"id": "w2", "type": "write_files", "params": {"path": "lake/out2", "mode": "overwrite"}},
        ],
        [{"source": "one", "target": "w1"}, {"source": "folder", "target": "w2"}],
    )
    run = run_graph(graph, {})
    assert run.succeeded, run.error
    rows = {node.node: node.rows_out for node in run.nodes}
    assert rows == {"one": 12, "folder": 8, "w1": 12, "w2": 8}
