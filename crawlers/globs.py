"""Exclusion globs, matched against paths relative to a crawler's target.

`*` any characters except `/`; `**` any characters including `/` (`a/**` is everything below a);
`?` one character except `/`; `[a-z]` and `[!a-z]` character classes; `{a,b}` alternatives
(which may hold globs themselves). A pattern that matches a folder excludes everything below it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


class GlobError(ValueError):
    pass


def _translate(pattern: str, i: int = 0, stop: str = "") -> tuple[str, int]:  # noqa: PLR0912  (one branch per token)
    """Regex for pattern[i:] up to an unnested character in `stop`; returns (regex, index reached)."""
    out: list[str] = []
    n = len(pattern)
    while i < n:
        c = pattern[i]
        if c in stop:
            return "".join(out), i
        if c == "*":
            if pattern.startswith("**", i):
                i += 2
                if pattern.startswith("/", i):  # `**/` matches zero or more whole folders
                    out.append("(?:.*/)?")
                    i += 1
                else:
                    out.append(".*")
                continue
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            end = pattern.find("]", i + 2 if pattern.startswith("[!", i) else i + 1)
            if end == -1:
                raise GlobError(f'"{pattern}": a "[" has no closing "]"')
            body = pattern[i + 1 : end]
            negate = body.startswith("!")
            if negate:
                body = body[1:]
            if not body:
                raise GlobError(f'"{pattern}": an empty character class')
            body = body.replace("\\", "\\\\").replace("^", "\\^").replace("[", "\\[")
            out.append(f"[^/{body}]" if negate else f"[{body}]")
            i = end
        elif c == "{":
            alternatives: list[str] = []
            i += 1
            while True:
                part, i = _translate(pattern, i, stop=",}")
                alternatives.append(part)
                if i >= n:
                    raise GlobError(f'"{pattern}": a "{{" has no closing "}}"')
                if pattern[i] == "}":
                    break
                i += 1  # past the comma
            out.append("(?:" + "|".join(alternatives) + ")")
        elif c == "}" and not stop:
            raise GlobError(f'"{pattern}": a "}}" has no opening "{{"')
        else:
            out.append(re.escape(c))
        i += 1
    if stop:
        return "".join(out), i
    return "".join(out), i


def compile_glob(pattern: str) -> re.Pattern[str]:
    if not isinstance(pattern, str) or not pattern.strip():
        raise GlobError("an exclusion pattern may not be empty")
    text = pattern.strip().lstrip("/")
    regex, _ = _translate(text)
    try:
        return re.compile(regex)
    except re.error as exc:
        raise GlobError(f'"{pattern}": {exc}') from None


@dataclass(frozen=True)
class Exclusions:
    patterns: tuple[tuple[str, re.Pattern[str]], ...]

    @classmethod
    def of(cls, patterns: Iterable[str]) -> Exclusions:
        return cls(tuple((p, compile_glob(p)) for p in patterns))

    def match(self, relative: str) -> str | None:
        """The pattern that excludes `relative` (a file or its folders), or None."""
        if not self.patterns:
            return None
        parts = relative.split("/")
        prefixes = ["/".join(parts[: k + 1]) for k in range(len(parts))]
        for text, regex in self.patterns:
            if any(regex.fullmatch(prefix) for prefix in prefixes):
                return text
        return None
