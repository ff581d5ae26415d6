"""Each format is recognised, with its options, and its schema comes out in catalog types."""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl
import pyarrow.orc as orc
import pytest

from crawlers.classifiers import Classifiers, Unclassified
from crawlers.classifiers.base import Classified, FileSample
from crawlers.classifiers.custom import check
from tests.crawlers.files import PEOPLE_CSV, compress, ndjson, parquet, write


def classify(path: Path, custom: list[dict[str, object]] | None = None) -> Classified:
    checked = [check(c, f"classifiers.{i}") for i, c in enumerate(custom or [])]
    with open(path, "rb") as handle:
        return Classifiers.for_definitions(checked).classify(FileSample(path.name, path.stat().st_size, handle))


def types(found: Classified) -> dict[str, str]:
    return {c["name"]: c["type"] for c in found.columns}


def test_a_csv_with_a_header_gives_named_typed_columns(tmp_path: Path) -> None:
    found = classify(write(tmp_path / "people.csv", PEOPLE_CSV))
    assert (found.classification, found.certainty) == ("csv", 1.0)
    assert found.format_options == {"delimiter": ",", "header": True}
    assert types(found) == {"id": "bigint", "name": "string", "score": "double", "joined": "date"}
    assert found.rows == 3
    assert any("header: column 1 holds number values" in note for note in found.notes)


def test_a_csv_without_a_header_gets_col_names(tmp_path: Path) -> None:
    found = classify(write(tmp_path / "people.csv", "1,Ada,9.5\n2,Grace,8.25\n3,Linus,7\n"))
    assert found.format_options == {"delimiter": ",", "header": False}
    assert types(found) == {"col0": "bigint", "col1": "string", "col2": "double"}
    assert found.rows == 3


def test_an_all_text_csv_has_a_header_when_the_first_row_looks_like_names(tmp_path: Path) -> None:
    found = classify(write(tmp_path / "a.csv", "city,country\nParis,FR\nBerlin,DE\n"))
    assert found.format_options["header"] is True
    assert list(types(found)) == ["city", "country"]


def test_an_all_text_csv_whose_first_row_repeats_below_has_no_header(tmp_path: Path) -> None:
    found = classify(write(tmp_path / "a.csv", "Paris,FR\nBerlin,DE\nParis,BE\n"))
    assert found.format_options["header"] is False
    assert list(types(found)) == ["col0", "col1"]


@pytest.mark.parametrize(
    ("delimiter", "classification"), [("\t", "tsv"), ("|", "csv"), (";", "csv")], ids=["tab", "pipe", "semicolon"]
)
def test_the_delimiter_is_detected(tmp_path: Path, delimiter: str, classification: str) -> None:
    text = PEOPLE_CSV.replace(",", delimiter)
    found = classify(write(tmp_path / "people.txt", text))
    assert found.classification == classification
    assert found.format_options["delimiter"] == delimiter
    assert types(found)["score"] == "double"


def test_a_comma_inside_quotes_does_not_split_a_field(tmp_path: Path) -> None:
    found = classify(write(tmp_path / "c.csv", 'id;city\n1;"Washington, D.C."\n2;Paris\n'))
    assert found.format_options["delimiter"] == ";"


def test_a_json_array_of_objects_is_json(tmp_path: Path) -> None:
    found = classify(write(tmp_path / "a.json", '[{"a": 1, "b": {"c": "x"}}, {"a": 2, "b": {"c": "y"}}]'))
    assert found.classification == "json"
    assert types(found) == {"a": "bigint", "b": "struct<c:string>"}
    assert found.rows == 2


def test_newline_delimited_json_is_ndjson_with_nested_types(tmp_path: Path) -> None:
    path = ndjson(tmp_path / "e.ndjson", [{"id": 1, "tags": ["a"], "n": None}, {"id": 2, "tags": [], "n": None}])
    found = classify(path)
    assert (found.classification, found.certainty) == ("ndjson", 1.0)
    assert types(found) == {"id": "bigint", "tags": "array<string>", "n": "null"}


def test_parquet_is_read_from_its_footer(tmp_path: Path) -> None:
    frame = pl.DataFrame({"id": [1, 2], "amount": [1.5, 2.5], "at": [None, None]}, schema_overrides={"at": pl.Date})
    found = classify(parquet(tmp_path / "p.parquet", frame))
    assert found.classification == "parquet"
    assert types(found) == {"id": "bigint", "amount": "double", "at": "date"}
    assert found.rows == 2
    assert found.format_options["compression"] == "zstd"


def test_avro_and_orc_are_recognised(tmp_path: Path) -> None:
    frame = pl.DataFrame({"id": [1, 2], "name": ["a", "b"]})
    frame.write_avro(tmp_path / "a.avro")
    orc.write_table(frame.to_arrow(), str(tmp_path / "o.orc"))
    avro = classify(tmp_path / "a.avro")
    assert (avro.classification, types(avro)) == ("avro", {"id": "bigint", "name": "string"})
    found = classify(tmp_path / "o.orc")
    assert (found.classification, types(found), found.rows) == ("orc", {"id": "bigint", "name": "string"}, 2)


def test_an_excel_workbook_is_recognised(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    pl.DataFrame({"sku": ["a", "b"], "qty": [3, 4]}).write_excel(buffer)
    found = classify(write(tmp_path / "stock.xlsx", buffer.getvalue()))
    assert found.classification == "excel"
    assert types(found) == {"sku": "string", "qty": "bigint"}
    assert found.rows == 2


@pytest.mark.parametrize("codec", ["gzip", "zstd", "bzip2"])
def test_compressed_text_is_classified_by_what_it_holds(tmp_path: Path, codec: str) -> None:
    found = classify(write(tmp_path / "people.csv.z", compress(PEOPLE_CSV.encode(), codec)))
    assert found.classification == "csv"
    assert found.format_options["compression"] == codec
    assert types(found)["id"] == "bigint"
    assert found.rows == 3


def test_an_empty_file_is_unclassified(tmp_path: Path) -> None:
    with pytest.raises(Unclassified, match="empty"):
        classify(write(tmp_path / "empty.csv", b""))


def test_binary_garbage_is_unclassified(tmp_path: Path) -> None:
    with pytest.raises(Unclassified, match="binary"):
        classify(write(tmp_path / "x.bin", bytes(range(256)) * 10))


def test_a_custom_csv_classifier_names_the_columns(tmp_path: Path) -> None:
    path = write(tmp_path / "log.txt", "1~Ada\n2~Grace\n")
    found = classify(
        path, [{"kind": "csv", "name": "tilde", "delimiter": "~", "header": "absent", "columns": ["id", "who"]}]
    )
    assert found.classifier == "custom csv classifier tilde"
    assert types(found) == {"id": "bigint", "who": "string"}
    assert found.format_options["delimiter"] == "~"


def test_a_grok_classifier_turns_log_lines_into_typed_columns(tmp_path: Path) -> None:
    lines = "".join(f"2026-11-0{i}T10:00:00Z INFO 10.0.0.{i} GET /p/{i} {i * 100}\n" for i in range(1, 6))
    path = write(tmp_path / "access.log", lines)
    pattern = (
        "%{TIMESTAMP_ISO8601:at:timestamp} %{LOGLEVEL:level} %{IP:client} %{WORD:method} %{URIPATH:path} "
        "%{INT:bytes:long}"
    )
    found = classify(path, [{"kind": "grok", "name": "access", "pattern": pattern}])
    assert types(found) == {
        "at": "timestamp",
        "level": "string",
        "client": "string",
        "method": "string",
        "path": "string",
        "bytes": "bigint",
    }
    assert found.parameters == {"classification": "grok", "grok_pattern": pattern}


def test_a_grok_classifier_does_not_claim_lines_it_does_not_match(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", PEOPLE_CSV)
    found = classify(path, [{"kind": "grok", "name": "access", "pattern": "%{IP:client} %{WORD:method}"}])
    assert found.classification == "csv"


def test_a_json_path_classifier_finds_the_records(tmp_path: Path) -> None:
    path = write(tmp_path / "api.json", '{"meta": {"n": 2}, "data": {"items": [{"id": 1}, {"id": 2, "x": 1.5}]}}')
    found = classify(path, [{"kind": "json", "name": "items", "json_path": "$.data.items[*]"}])
    assert types(found) == {"id": "bigint", "x": "double"}
    assert found.rows == 2
    assert found.parameters == {"json_path": "$.data.items[*]"}
