"""Avro files are classified from their start, whatever their size: header, then the first blocks."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from catalog.models import Table
from crawlers.classifiers import Classifiers, avro
from crawlers.classifiers.base import Classified, FileSample
from crawlers.models import Crawler, CrawlerRun

WIDE = "x" * 1000  # a kilobyte per row: a thousand rows make a megabyte


class CountingReader(io.BytesIO):
    """A file that tells how many bytes were read from it."""

    bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.bytes_read += len(data)
        return data


def avro_bytes(frame: pl.DataFrame, compression: str = "uncompressed") -> bytes:
    buffer = io.BytesIO()
    frame.write_avro(buffer, compression=compression)  # type: ignore[arg-type]
    return buffer.getvalue()


def blocks_of(rows: int, blocks: int) -> pl.DataFrame:
    """A frame that Polars writes as `blocks` Avro blocks (one per chunk) of `rows` rows each."""
    parts = [pl.DataFrame({"id": range(i * rows, (i + 1) * rows), "text": [WIDE] * rows}) for i in range(blocks)]
    return pl.concat(parts, rechunk=False)


def classify_bytes(data: bytes) -> tuple[Classified, int]:
    handle = CountingReader(data)
    found = Classifiers().classify(FileSample("big.avro", len(data), handle))
    return found, handle.bytes_read


def test_an_avro_file_over_64_mib_is_classified_from_its_first_blocks() -> None:
    data = avro_bytes(blocks_of(1000, 70))
    assert len(data) > 64 * 2**20
    found, read = classify_bytes(data)
    assert (found.classification, found.columns) == (
        "avro",
        [{"name": "id", "type": "bigint", "comment": ""}, {"name": "text", "type": "string", "comment": ""}],
    )
    assert read < 2 * 2**20  # the header and the first block (a thousand rows), not 67 MiB
    assert found.rows is not None and abs(found.rows - 70_000) < 700  # in proportion to the size
    assert "rows estimated from the first 1000 rows" in found.notes


def test_an_avro_block_over_the_sample_size_is_counted_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(avro, "SAMPLE_BYTES", 64 * 1024)
    data = avro_bytes(pl.DataFrame({"id": range(5000), "text": [WIDE] * 5000}))  # one block of 5 MB
    found, read = classify_bytes(data)
    assert found.rows == 5000  # the block's header says how many rows it holds; it was the whole file
    assert found.notes == ["Avro header"]
    assert read < 1024
    assert [c["name"] for c in found.columns] == ["id", "text"]


@pytest.mark.parametrize("compression", ["uncompressed", "deflate", "snappy"])
def test_an_avro_schema_comes_from_the_header_with_any_codec(compression: str) -> None:
    frame = pl.DataFrame(
        {"id": [1, 2, None], "score": [None, None, None], "name": ["a", None, "c"]},
        schema={"id": pl.Int64, "score": pl.Float64, "name": pl.String},
    )
    found, _ = classify_bytes(avro_bytes(frame, compression))
    # Declared types, even for a column without a value in the file.
    assert {c["name"]: c["type"] for c in found.columns} == {"id": "bigint", "score": "double", "name": "string"}
    assert (found.rows, found.notes) == (3, ["Avro header"])


def test_a_cut_short_avro_file_is_an_error_saying_where() -> None:
    data = avro_bytes(blocks_of(100, 3))
    with pytest.raises(ValueError, match="the Avro file ends early"):
        classify_bytes(data[: len(data) - 5000])


def test_a_cut_short_avro_block_that_is_skipped_is_an_error_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(avro, "SAMPLE_BYTES", 1024)  # the one block is skipped, not read
    data = avro_bytes(pl.DataFrame({"id": range(5000), "text": [WIDE] * 5000}))
    with pytest.raises(ValueError, match="the Avro file ends early"):
        classify_bytes(data[: len(data) // 2])


def test_a_skipped_avro_block_of_the_wrong_size_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(avro, "SAMPLE_BYTES", 1024)  # the blocks are skipped, not read
    valid = avro_bytes(blocks_of(10, 2))
    header, _ = avro._header(avro._Reader(io.BytesIO(valid)))
    rest = valid[len(header) :]
    reader = avro._Reader(io.BytesIO(rest))
    _, raw_count = reader.long()
    size, _ = reader.long()
    # The first block claims one byte less than it holds: the sync marker is not where it should be.
    damaged = header + raw_count + avro._encode_long(size - 1) + rest[reader.position :]
    with pytest.raises(ValueError, match="no sync marker"):
        classify_bytes(damaged)


def test_a_damaged_avro_block_is_an_error_naming_the_problem() -> None:
    data = bytearray(avro_bytes(pl.DataFrame({"id": range(100)})))
    data[-40:-20] = b"\xff" * 20  # inside the one block
    with pytest.raises(pl.exceptions.ComputeError, match="corrupt avro file"):
        classify_bytes(bytes(data))


def test_an_avro_block_that_makes_polars_panic_is_an_error_not_a_crash() -> None:
    """Polars panics (a BaseException, which would end the whole crawl) on a snappy block shorter
    than its checksum; the classifier turns that into an error for this one file."""
    valid = avro_bytes(pl.DataFrame({"id": [1]}), "snappy")
    header, _ = avro._header(avro._Reader(io.BytesIO(valid)))
    sync = header[-avro.SYNC_BYTES :]
    damaged = header + avro._encode_long(1) + avro._encode_long(2) + b"\0\0" + sync
    with pytest.raises(ValueError, match="the Avro file's first rows cannot be read"):
        classify_bytes(damaged)


def test_a_crawl_reads_a_big_avro_file_as_a_table(
    lake: Path, make_crawler: Callable[..., Crawler], crawl: Callable[..., CrawlerRun]
) -> None:
    (lake / "events").mkdir()
    (lake / "events" / "big.avro").write_bytes(avro_bytes(blocks_of(1000, 70)))
    assert (lake / "events" / "big.avro").stat().st_size > 64 * 2**20
    run = crawl(make_crawler(lake / "events"))
    assert run.state == "SUCCEEDED", run.error
    assert run.file_errors == []
    table = Table.objects.get(database__name="lake", name="events")
    assert table.classification == "avro"
    assert [c["name"] for c in table.columns] == ["id", "text"]
    assert abs(table.parameters["record_count"] - 70_000) < 700
