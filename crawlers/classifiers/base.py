"""What a classifier is given and what it answers."""

from __future__ import annotations

import io
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import IO, Any, Protocol

HEAD_BYTES = 256 * 1024  # what text classifiers look at
MAX_WHOLE_JSON = 32 * 1024 * 1024  # a JSON document (not lines) is parsed whole up to this size
SAMPLE_LINES = 1000


MAGIC_BYTES = 8
SMALL_FILE = 64 * 1024  # read whole in one read: every classifier's bytes then come from memory


class FileSample:
    """One file to classify. Binary formats look at `magic` and read what they need (a Parquet
    footer: `tail`); only text formats read the `head`, so a large binary file costs a few reads.

    A file of at most SMALL_FILE bytes comes whole (`data`, read by the crawl in one read; on S3
    one request) instead of an open `handle`: every classifier's bytes then come from memory.
    Offsets follow the size the listing gave, as reads from the file do.
    """

    def __init__(self, relative: str, size: int, handle: IO[bytes] | None = None, data: bytes | None = None) -> None:
        self.relative = relative
        self.size = size
        self.handle = handle
        self._data = data
        if data is not None:
            self.magic = data[:MAGIC_BYTES]
        elif handle is not None:
            self.magic = handle.read(MAGIC_BYTES)
        else:
            raise ValueError("a file sample needs an open file or its bytes")
        self._head: bytes | None = None

    def _handle(self) -> IO[bytes]:
        assert self.handle is not None  # set whenever `_data` is not
        return self.handle

    @property
    def name(self) -> str:
        return self.relative.rsplit("/", 1)[-1]

    @property
    def head(self) -> bytes:
        if self._head is None:
            if self._data is not None:
                self._head = self._data[:HEAD_BYTES]
            else:
                self._handle().seek(0)
                self._head = self._handle().read(HEAD_BYTES)
        return self._head

    def tail(self, count: int) -> bytes:
        start = max(0, self.size - count)
        if self._data is not None:
            return self._data[start : start + count]
        self._handle().seek(start)
        return self._handle().read(count)

    def opener(self) -> AbstractContextManager[IO[bytes]]:
        """The file from its start, for readers that take a file; it stays open (the crawl closes it)."""
        if self._data is not None:
            return nullcontext(io.BytesIO(self._data))
        self._handle().seek(0)
        return nullcontext(self._handle())


@dataclass
class TextSample:
    """Decoded text of a file (or of its decompressed start). `complete` when it holds the whole file."""

    text: str
    complete: bool
    size: int  # of the whole file as stored
    raw_bytes: int  # bytes of the stored file the text covers (an estimate when compressed)

    def _all_lines(self) -> list[str]:
        text = self.text
        if not self.complete and "\n" in text:
            text = text[: text.rfind("\n")]  # the last line may be cut short
        lines = [line.rstrip("\r") for line in text.split("\n")]
        while lines and not lines[-1].strip():
            lines.pop()
        return lines

    def lines(self, limit: int = SAMPLE_LINES) -> list[str]:
        return self._all_lines()[:limit]

    def estimate_rows(self, rows: int, lines_used: int | None = None) -> int:
        """Rows of the whole file: `rows` came from the first `lines_used` lines (all sampled lines by default)."""
        every = self._all_lines()
        used = min(len(every), lines_used if lines_used is not None else min(len(every), SAMPLE_LINES))
        if self.complete and used >= len(every):
            return rows
        covered_text = sum(len(line.encode()) + 1 for line in every[:used])
        share = covered_text / max(1, len(self.text.encode()))
        covered_raw = max(1.0, self.raw_bytes * share)
        return round(rows * self.size / covered_raw)


@dataclass
class Classified:
    classification: str  # the catalog's classification ("" for grok: stored as a parameter)
    certainty: float
    columns: list[dict[str, str]]
    classifier: str  # which classifier decided
    format_options: dict[str, Any] = field(default_factory=dict)
    parameters: dict[str, Any] = field(default_factory=dict)  # e.g. grok pattern, json path
    rows: int | None = None  # exact or estimated
    notes: list[str] = field(default_factory=list)  # why: delimiter, header decision, ...

    def signature(self) -> str:
        """Files with the same signature have the same format (schemas are compared separately)."""
        cached: str | None = self.__dict__.get("_signature")
        if cached is not None:
            return cached
        options = sorted((k, str(v)) for k, v in self.format_options.items() if k != "compression")
        extra = sorted((k, str(v)) for k, v in self.parameters.items())
        self.__dict__["_signature"] = f"{self.classification}|{options}|{extra}"
        return self.__dict__["_signature"]


class BinaryClassifier(Protocol):
    name: str

    def __call__(self, sample: FileSample) -> Classified | None: ...


class TextClassifier(Protocol):
    name: str

    def __call__(self, sample: TextSample) -> Classified | None: ...


def decode(data: bytes) -> str | None:
    """UTF-8 text (with or without BOM), or None for what is not text."""
    if b"\x00" in data[:8192]:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3:  # a multi-byte character cut by the sample's end
            return data[: exc.start].decode("utf-8-sig")
        return None
