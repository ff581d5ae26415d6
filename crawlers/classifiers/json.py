"""JSON documents (an array of objects, or one object) and newline-delimited JSON (one object a line)."""

from __future__ import annotations

import io
import json
from typing import Any

import polars as pl

from crawlers.classifiers.base import Classified, TextSample
from crawlers.inference import frame_columns

name = "json"


def records_frame(records: list[Any]) -> pl.DataFrame:
    return pl.from_dicts(records, infer_schema_length=None)


def classify_json(sample: TextSample) -> Classified | None:
    """A whole JSON document; it must be complete to be parsed."""
    stripped = sample.text.lstrip()
    if not stripped.startswith(("{", "[")) or not sample.complete:
        return None
    try:
        document = json.loads(sample.text)
    except ValueError:
        return None
    if isinstance(document, dict):
        records: list[Any] = [document]
    elif isinstance(document, list) and document and all(isinstance(r, dict) for r in document):
        records = document
    else:
        return None
    frame = records_frame(records)
    return Classified("json", 1.0, frame_columns(frame), "json", rows=len(records), notes=["one JSON document"])


def classify_ndjson(sample: TextSample) -> Classified | None:
    lines = [line for line in sample.lines() if line.strip()]
    if not lines or not lines[0].lstrip().startswith("{"):
        return None
    parsed = 0
    for line in lines:
        try:
            if isinstance(json.loads(line), dict):
                parsed += 1
        except ValueError:
            pass
    certainty = parsed / len(lines)
    if certainty < 0.5:
        return None
    good = [line for line in lines if _is_object(line)]
    frame = pl.read_ndjson(io.StringIO("\n".join(good)), infer_schema_length=None)
    notes = [f"{parsed} of {len(lines)} sampled lines are JSON objects"]
    return Classified(
        "ndjson",
        round(certainty, 2),
        frame_columns(frame),
        "ndjson",
        rows=sample.estimate_rows(len(lines)),
        notes=notes,
    )


def _is_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False
