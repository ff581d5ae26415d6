"""Delimited text: the delimiter among `,` tab `|` `;`, and whether the first row is a header.

Delimiter: for each candidate, count the fields of every sampled line (quotes respected); a
candidate is consistent when every line has the same count, at least 2. The consistent candidate
with the most fields wins (ties: `,` then tab, `|`, `;`). Certainty 1.0 for a consistent choice;
0.3 when no candidate is consistent (the most frequent count decides), and 0.1 for one column.

Header: the first row is a header when all of its fields are non-empty and distinct, and either
(a) some column holds numbers, booleans or dates below the first row while the first row's field
there is not one, or (b) every column is text, each first-row field looks like a name (a letter
or `_` first, at most 150 characters) and none of them occurs again in its column below.
"""

from __future__ import annotations

import csv as pycsv
import io
import re

import polars as pl

from crawlers.classifiers.base import Classified, TextSample
from crawlers.inference import frame_columns

name = "csv"
DELIMITERS = (",", "\t", "|", ";")
NAME_LIKE = re.compile(r"[A-Za-z_][^\n]{0,149}")
NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?")


def split(lines: list[str], delimiter: str, quote: str = '"') -> list[list[str]]:
    return list(pycsv.reader(lines, delimiter=delimiter, quotechar=quote))


def choose_delimiter(lines: list[str]) -> tuple[str, float, str]:
    """(delimiter, certainty, why)."""
    best: tuple[int, str] | None = None
    counts: dict[str, list[int]] = {}
    for delimiter in DELIMITERS:
        widths = [len(row) for row in split(lines, delimiter)]
        counts[delimiter] = widths
        if widths and min(widths) == max(widths) >= 2 and (best is None or widths[0] > best[0]):
            best = (widths[0], delimiter)
    if best is not None:
        shown = "tab" if best[1] == "\t" else f"'{best[1]}'"
        return best[1], 1.0, f"delimiter {shown}: {best[0]} fields on each of {len(lines)} sampled lines"
    # Nothing consistent: the delimiter giving most lines the same count of 2 or more fields.
    scored = []
    for delimiter, widths in counts.items():
        common = max(set(widths), key=widths.count) if widths else 1
        scored.append((widths.count(common) if common >= 2 else 0, -DELIMITERS.index(delimiter), delimiter))
    score, _, delimiter = max(scored)
    if score == 0:
        return ",", 0.1, "one column: no delimiter splits the lines"
    return delimiter, 0.3, "the field count differs between lines"


def _kind(value: str) -> str:
    text = value.strip()
    if not text:
        return "empty"
    if NUMBER.fullmatch(text):
        return "number"
    if text.lower() in ("true", "false"):
        return "boolean"
    if DATE.fullmatch(text):
        return "date"
    return "text"


def detect_header(rows: list[list[str]]) -> tuple[bool, str]:  # noqa: PLR0911  (one return per rule)
    """(has header, why); the rule is in the module's docstring."""
    if len(rows) < 2:
        first = rows[0] if rows else []
        names = all(NAME_LIKE.fullmatch(f.strip()) for f in first) and len(set(first)) == len(first)
        return bool(first) and names, "one line only: a header when every field looks like a name"
    first, rest = rows[0], rows[1:]
    if any(not f.strip() for f in first):
        return False, "no header: the first row has an empty field"
    if len({f.strip() for f in first}) != len(first):
        return False, "no header: the first row repeats a value"
    for i, field in enumerate(first):
        kinds = {_kind(row[i]) for row in rest if i < len(row)} - {"empty"}
        if kinds and "text" not in kinds and _kind(field) == "text":
            return True, f'header: column {i + 1} holds {"/".join(sorted(kinds))} values below the text "{field}"'
    if all(_kind(f) == "text" for f in first):
        all_text = all(_kind(row[i]) in ("text", "empty") for row in rest for i in range(min(len(row), len(first))))
        if all_text:
            if not all(NAME_LIKE.fullmatch(f.strip()) for f in first):
                return False, "no header: a first-row field does not look like a column name"
            for i, field in enumerate(first):
                if any(i < len(row) and row[i] == field for row in rest):
                    return False, f'no header: "{field}" occurs again in column {i + 1}'
            return True, "header: every column is text, and the first row's names occur nowhere below"
    return False, "no header: the first row has the same kinds of values as the rows below"


def read_frame(
    sample: TextSample, delimiter: str, header: bool, names: list[str] | None = None, quote: str = '"'
) -> pl.DataFrame:
    lines = sample.lines()
    return pl.read_csv(
        io.StringIO("\n".join(lines) + "\n"),
        separator=delimiter,
        has_header=header,
        new_columns=names,
        quote_char=quote,
        infer_schema_length=None,
        try_parse_dates=True,
        truncate_ragged_lines=True,
    )


def generated_names(count: int) -> list[str]:
    return [f"col{i}" for i in range(count)]


def classify(sample: TextSample) -> Classified | None:
    lines = [line for line in sample.lines() if line.strip()]
    if not lines:
        return None
    delimiter, certainty, why = choose_delimiter(lines)
    rows = split(lines, delimiter)
    header, header_why = detect_header(rows)
    width = max(len(r) for r in rows)
    frame = read_frame(sample, delimiter, header, None if header else generated_names(width))
    classification = "tsv" if delimiter == "\t" else "csv"
    data_rows = len(lines) - (1 if header else 0)
    return Classified(
        classification,
        certainty,
        frame_columns(frame),
        "csv",
        {"delimiter": delimiter, "header": header},
        rows=sample.estimate_rows(data_rows),
        notes=[why, header_why],
    )
