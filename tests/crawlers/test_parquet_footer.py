"""A Parquet file whose footer starts like one parsed before is classified from a few of its bytes
(catalog/parquet_footer.py): exactly as a full parse classifies it, whatever wrote it."""

from __future__ import annotations

import datetime as dt
import struct
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from crawlers.classifiers import parquet
from crawlers.classifiers.base import Classified, FileSample


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    _forget()
    yield
    _forget()


def _forget() -> None:
    parquet._PREFIXES.clear()
    parquet._SEEN.clear()


def _classify(path: Path) -> Classified | None:
    data = path.read_bytes()
    return parquet.classify(FileSample(path.name, len(data), data=data))


def _in_full(path: Path) -> Classified | None:
    """What a full parse gives, with nothing known before."""
    _forget()
    return _classify(path)


def _quick(path: Path, seen: Path, monkeypatch: pytest.MonkeyPatch) -> Classified | None:
    """What the crawl gives for `path` after `seen` (the same schema): never a full parse."""
    _forget()
    _classify(seen)
    with monkeypatch.context() as patched:
        patched.setattr(parquet, "_parse", _no_parse)
        return _classify(path)


def _no_parse(thrift: bytes) -> Any:
    raise AssertionError("the footer was parsed in full")


def _table(rows: int, offset: int = 0) -> pa.Table:
    return pa.table(
        {
            "id": pa.array(range(offset, offset + rows), pa.int64()),
            "amount": pa.array([i / 4 for i in range(rows)], pa.float64()),
            "sku": pa.array([f"s{i % 7}" for i in range(rows)], pa.string()),
        }
    )


def _wide(rows: int, offset: int = 0) -> pa.Table:
    # More than 15 columns (a list's long size form) and a name longer than 127 bytes (a long varint).
    columns = {f"c{i}": pa.array(range(offset, offset + rows), pa.int32()) for i in range(20)}
    columns["n" * 200] = pa.array([True] * rows, pa.bool_())
    return pa.table(columns)


def _nested(rows: int, offset: int = 0) -> pa.Table:
    return pa.table(
        {
            "tags": pa.array([[offset + i, i] for i in range(rows)], pa.list_(pa.int64())),
            "point": pa.array(
                [{"x": i, "y": float(offset)} for i in range(rows)], pa.struct({"x": pa.int64(), "y": pa.float64()})
            ),
            "attrs": pa.array([[("k", str(i))] for i in range(rows)], pa.map_(pa.string(), pa.string())),
            "at": pa.array([dt.datetime(2026, 1, 1, tzinfo=dt.UTC)] * rows, pa.timestamp("us", tz="UTC")),
            "day": pa.array([dt.date(2026, 1, 1 + i % 28) for i in range(rows)], pa.date32()),
            "price": pa.array([offset + i for i in range(rows)], pa.decimal128(12, 2)),
        }
    )


Writer = Callable[[Path, int, int], None]


def _pyarrow(table: Callable[[int, int], pa.Table] = _table, **options: Any) -> Writer:
    return lambda path, rows, offset: pq.write_table(table(rows, offset), path, **options)


def _polars(table: Callable[[int, int], pa.Table], **options: Any) -> Writer:
    return lambda path, rows, offset: pl.DataFrame(table(rows, offset)).write_parquet(path, **options)


def _nested_without_map(rows: int, offset: int) -> pa.Table:
    return _nested(rows, offset).drop_columns("attrs")


WRITERS: dict[str, Writer] = {
    **{
        f"pyarrow {codec}": _pyarrow(compression=codec) for codec in ("none", "snappy", "gzip", "brotli", "zstd", "lz4")
    },
    "pyarrow, several row groups": _pyarrow(row_group_size=7),
    "pyarrow, no statistics, no dictionary": _pyarrow(write_statistics=False, use_dictionary=False),
    "pyarrow, format 1.0": _pyarrow(version="1.0"),
    "pyarrow, wide": _pyarrow(_wide),
    "pyarrow, nested and logical types": _pyarrow(_nested),
    "polars": _polars(_table),
    "polars zstd, nested": _polars(_nested_without_map, compression="zstd"),
}


@pytest.mark.parametrize("writer", list(WRITERS))
@pytest.mark.parametrize(("rows", "other_rows"), [(5, 300), (40, 0), (0, 100_000)])
def test_a_file_like_one_seen_is_classified_as_a_full_parse_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writer: str, rows: int, other_rows: int
) -> None:
    seen, other = tmp_path / "seen.parquet", tmp_path / "other.parquet"
    WRITERS[writer](seen, rows, 0)
    WRITERS[writer](other, other_rows, 1000)  # other values, row count and statistics
    expected = _in_full(other)
    assert expected is not None and expected.rows == other_rows
    assert _quick(other, seen, monkeypatch) == expected


def test_a_file_with_another_schema_is_parsed_in_full(tmp_path: Path) -> None:
    seen, other = tmp_path / "seen.parquet", tmp_path / "other.parquet"
    pq.write_table(_table(5), seen)
    pq.write_table(_table(5).append_column("extra", pa.array([1] * 5)), other)
    _classify(seen)
    found = _classify(other)
    assert found is not None and [c["name"] for c in found.columns] == ["id", "amount", "sku", "extra"]
    assert found == _in_full(other)


def _corrupt_after_the_schema(path: Path) -> None:
    data = bytearray(path.read_bytes())
    (length,) = struct.unpack("<I", data[-8:-4])
    start = len(data) - 8 - length
    end = parquet.parquet_footer.schema_end(bytes(data[start : len(data) - 8]))
    assert end is not None
    data[start + end : start + end + 8] = b"\xff" * 8  # where the row count should be
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("known", [True, False], ids=["schema known", "schema new"])
def test_a_corrupt_footer_is_an_error_not_a_crash(tmp_path: Path, known: bool) -> None:
    # pyarrow's fastest footer parser aborted the whole process on such a footer.
    seen, broken = tmp_path / "seen.parquet", tmp_path / "broken.parquet"
    pq.write_table(_table(5), seen)
    pq.write_table(_table(5, 100), broken)
    _corrupt_after_the_schema(broken)
    if known:
        _classify(seen)
    with pytest.raises(OSError, match="thrift"):
        _classify(broken)
