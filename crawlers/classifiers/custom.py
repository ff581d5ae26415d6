"""Custom classifiers a crawler lists, tried in its order before the built-in ones.

- `{"kind": "csv", "name", "delimiter", "quote", "header": "present"|"absent"|"detect", "columns": [...]}`
  claims text whose every sampled line splits into the same number of fields with that delimiter.
- `{"kind": "grok", "name", "pattern", "custom_patterns": {NAME: regex}}` claims text when at least
  90% of the sampled lines match; named captures become typed columns.
- `{"kind": "json", "name", "json_path": "$.data.items[*]"}` claims a JSON document whose path leads
  to a list of objects (or one object): those are the records.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError

from crawlers.classifiers import csv as builtin_csv
from crawlers.classifiers.base import Classified, TextSample
from crawlers.classifiers.grok import GrokError, compile_grok
from crawlers.classifiers.json import records_frame
from crawlers.inference import frame_columns

KINDS = ("csv", "grok", "json")
FIELDS = {
    "csv": ("kind", "name", "delimiter", "quote", "header", "columns"),
    "grok": ("kind", "name", "pattern", "custom_patterns"),
    "json": ("kind", "name", "json_path"),
}
GROK_MIN_MATCH = 0.9
TextClassify = Callable[[TextSample], Classified | None]


def _one_char(value: Any, field: str, default: str) -> str:
    if value is None:
        return default
    if not isinstance(value, str) or len(value) != 1:
        raise ValidationError({field: "must be one character"})
    return value


def check(definition: Any, field: str) -> dict[str, Any]:  # noqa: PLR0912  (one branch per option)
    """A custom classifier definition, checked; problems name their field (`classifiers.0.pattern`)."""
    if not isinstance(definition, dict):
        raise ValidationError({field: "must be an object with a kind"})
    kind = definition.get("kind")
    if kind not in KINDS:
        raise ValidationError({f"{field}.kind": f'unknown classifier kind "{kind}": use one of {", ".join(KINDS)}'})
    unknown = sorted(set(definition) - set(FIELDS[kind]))
    if unknown:
        raise ValidationError({f"{field}.{unknown[0]}": f"unknown option for a {kind} classifier"})
    checked: dict[str, Any] = {"kind": kind, "name": str(definition.get("name") or kind)}
    if kind == "csv":
        checked["delimiter"] = _one_char(definition.get("delimiter"), f"{field}.delimiter", ",")
        checked["quote"] = _one_char(definition.get("quote"), f"{field}.quote", '"')
        header = definition.get("header", "detect")
        if header not in ("present", "absent", "detect"):
            raise ValidationError({f"{field}.header": "must be present, absent or detect"})
        checked["header"] = header
        columns = definition.get("columns", [])
        if not isinstance(columns, list) or not all(isinstance(c, str) and c for c in columns):
            raise ValidationError({f"{field}.columns": "must be a list of column names"})
        if len(set(columns)) != len(columns):
            raise ValidationError({f"{field}.columns": "a column name is used twice"})
        checked["columns"] = columns
    elif kind == "grok":
        pattern = definition.get("pattern")
        custom = definition.get("custom_patterns", {})
        if not isinstance(pattern, str) or not pattern:
            raise ValidationError({f"{field}.pattern": "a grok pattern is required"})
        if not isinstance(custom, dict) or not all(isinstance(v, str) for v in custom.values()):
            raise ValidationError({f"{field}.custom_patterns": "must map pattern names to regular expressions"})
        try:
            compile_grok(pattern, custom)
        except GrokError as exc:
            raise ValidationError({f"{field}.pattern": str(exc)}) from None
        checked.update(pattern=pattern, custom_patterns=custom)
    else:
        path = definition.get("json_path", "$")
        try:
            parse_path(path)
        except ValueError as exc:
            raise ValidationError({f"{field}.json_path": str(exc)}) from None
        checked["json_path"] = path
    return checked


def parse_path(path: Any) -> list[str]:
    """`$.a.b[*]` -> ["a", "b"]: dotted keys from the root, optionally ending in `[*]`."""
    if not isinstance(path, str) or not path.startswith("$"):
        raise ValueError('a JSON path starts with "$", e.g. $.data.items[*]')
    body = path[1:]
    if body.endswith("[*]"):
        body = body[:-3]
    if not body:
        return []
    if not body.startswith("."):
        raise ValueError('keys in a JSON path are separated by "." ($.data.items)')
    keys = body[1:].split(".")
    if any(not k or "[" in k or "]" in k for k in keys):
        raise ValueError("only dotted keys and a final [*] are supported")
    return keys


def build(definition: dict[str, Any]) -> TextClassify:
    kind = definition["kind"]
    label = f"custom {kind} classifier {definition['name']}"
    if kind == "csv":
        return _csv(definition, label)
    if kind == "grok":
        return _grok(definition, label)
    return _json(definition, label)


def _csv(d: dict[str, Any], label: str) -> TextClassify:
    def classify(sample: TextSample) -> Classified | None:
        lines = [line for line in sample.lines() if line.strip()]
        if not lines:
            return None
        rows = builtin_csv.split(lines, d["delimiter"], d["quote"])
        widths = {len(r) for r in rows}
        if len(widths) != 1:
            return None
        width = widths.pop()
        if d["columns"] and len(d["columns"]) != width:
            return None
        if d["header"] == "detect":
            header, why = builtin_csv.detect_header(rows)
        else:
            header, why = d["header"] == "present", f"header {d['header']} (set by the classifier)"
        names = d["columns"] or (None if header else builtin_csv.generated_names(width))
        frame = builtin_csv.read_frame(sample, d["delimiter"], header, names, d["quote"])
        classification = "tsv" if d["delimiter"] == "\t" else "csv"
        options = {"delimiter": d["delimiter"], "header": header, "quote": d["quote"]}
        rows_count = sample.estimate_rows(len(lines) - (1 if header else 0))
        return Classified(classification, 1.0, frame_columns(frame), label, options, rows=rows_count, notes=[why])

    return classify


def _grok(d: dict[str, Any], label: str) -> TextClassify:
    grok = compile_grok(d["pattern"], d["custom_patterns"])

    def classify(sample: TextSample) -> Classified | None:
        lines = [line for line in sample.lines() if line.strip()]
        if not lines:
            return None
        matched = sum(1 for line in lines if grok.regex.fullmatch(line))
        share = matched / len(lines)
        if share < GROK_MIN_MATCH:
            return None
        columns = [{"name": name, "type": kind, "comment": ""} for name, kind in grok.fields]
        return Classified(
            "",
            round(share, 2),
            columns,
            label,
            parameters={"classification": "grok", "grok_pattern": d["pattern"]},
            rows=sample.estimate_rows(len(lines)),
            notes=[f"{matched} of {len(lines)} sampled lines match the grok pattern"],
        )

    return classify


def _json(d: dict[str, Any], label: str) -> TextClassify:
    keys = parse_path(d["json_path"])

    def classify(sample: TextSample) -> Classified | None:
        if not sample.complete:
            return None
        try:
            node: Any = json.loads(sample.text)
            for key in keys:
                node = node[key]
        except (ValueError, KeyError, TypeError):
            return None
        records = [node] if isinstance(node, dict) else node
        if not isinstance(records, list) or not records or not all(isinstance(r, dict) for r in records):
            return None
        frame = records_frame(records)
        return Classified(
            "json",
            1.0,
            frame_columns(frame),
            label,
            parameters={"json_path": d["json_path"]},
            rows=len(records),
            notes=[f"{len(records)} records at {d['json_path']}"],
        )

    return classify
