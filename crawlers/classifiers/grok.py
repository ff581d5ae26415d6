"""Grok patterns: `%{PATTERN:name:type}` named captures over a small library of named regexes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

PATTERNS: dict[str, str] = {
    "WORD": r"\b\w+\b",
    "NOTSPACE": r"\S+",
    "SPACE": r"\s*",
    "DATA": r".*?",
    "GREEDYDATA": r".*",
    "INT": r"[+-]?\d+",
    "NUMBER": r"[+-]?(?:\d+(?:\.\d+)?|\.\d+)",
    "BASE10NUM": r"[+-]?(?:\d+(?:\.\d+)?|\.\d+)",
    "POSINT": r"\d+",
    "IPV4": r"(?:\d{1,3}\.){3}\d{1,3}",
    "IPV6": r"[0-9A-Fa-f:]+:[0-9A-Fa-f:.]*",
    "IP": r"(?:%{IPV4}|%{IPV6})",
    "HOSTNAME": r"[0-9A-Za-z][0-9A-Za-z.-]*",
    "IPORHOST": r"(?:%{IP}|%{HOSTNAME})",
    "USER": r"[a-zA-Z0-9._-]+",
    "USERNAME": r"[a-zA-Z0-9._-]+",
    "EMAILADDRESS": r"[a-zA-Z0-9_.+-]+@[a-zA-Z0-9-]+\.[a-zA-Z0-9-.]+",
    "QUOTEDSTRING": r'"(?:[^"\\]|\\.)*"',
    "UUID": r"[A-Fa-f0-9]{8}-(?:[A-Fa-f0-9]{4}-){3}[A-Fa-f0-9]{12}",
    "URIPATH": r"/[^\s?#]*",
    "URIPATHPARAM": r"/[^\s#]*",
    "LOGLEVEL": r"(?:TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|CRITICAL|FATAL|trace|debug|info|warn|warning|error)",
    "TIMESTAMP_ISO8601": r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?",
    "HTTPDATE": r"\d{2}/\w{3}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}",
    "HTTPMETHOD": r"(?:GET|POST|PUT|DELETE|HEAD|OPTIONS|PATCH|CONNECT|TRACE)",
}
TYPES = {
    "string": "string",
    "int": "int",
    "long": "bigint",
    "bigint": "bigint",
    "float": "double",
    "double": "double",
    "boolean": "boolean",
    "date": "date",
    "timestamp": "timestamp",
}
_REFERENCE = re.compile(r"%\{(\w+)(?::([A-Za-z_]\w*))?(?::(\w+))?\}")


class GrokError(ValueError):
    pass


@dataclass(frozen=True)
class Grok:
    regex: re.Pattern[str]
    fields: tuple[tuple[str, str], ...]  # (name, catalog type)


def compile_grok(pattern: str, custom: Mapping[str, str] | None = None) -> Grok:
    library = {**PATTERNS, **(custom or {})}
    fields: list[tuple[str, str]] = []

    def expand(text: str, depth: int) -> str:
        if depth > 20:
            raise GrokError("patterns refer to each other in a loop")

        def replace(match: re.Match[str]) -> str:
            key, field, kind = match.group(1), match.group(2), match.group(3)
            if key not in library:
                raise GrokError(f'unknown grok pattern "{key}"')
            inner = expand(library[key], depth + 1)
            if not field:
                return f"(?:{inner})"
            if kind and kind not in TYPES:
                raise GrokError(f'unknown type "{kind}" for "{field}": use one of {", ".join(TYPES)}')
            if any(name == field for name, _ in fields):
                raise GrokError(f'the field "{field}" is captured twice')
            fields.append((field, TYPES[kind or "string"]))
            return f"(?P<{field}>{inner})"

        return _REFERENCE.sub(replace, text)

    expanded = expand(pattern, 0)
    if not fields:
        raise GrokError("the pattern captures no field: name one like %{WORD:method}")
    try:
        regex = re.compile(expanded)
    except re.error as exc:
        raise GrokError(f"not a valid pattern: {exc}") from None
    return Grok(regex, tuple(fields))
