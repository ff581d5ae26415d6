"""gzip, zstd and bzip2 files: recognised by their magic bytes, then the start is decompressed
and handed to the text classifiers; the classification is that of the text inside."""

from __future__ import annotations

from typing import IO

import pyarrow as pa

from crawlers.classifiers.base import HEAD_BYTES, FileSample, TextSample, decode

MAGIC = ((b"\x1f\x8b", "gzip"), (b"\x28\xb5\x2f\xfd", "zstd"), (b"BZh", "bzip2"))
CODECS = {"gzip": "gzip", "zstd": "zstd", "bzip2": "bz2"}


_ANY = tuple(magic for magic, _ in MAGIC)


def detect(head: bytes) -> str | None:
    if not head.startswith(_ANY):  # one test for the common case: called for every file read
        return None
    for magic, codec in MAGIC:
        if head.startswith(magic):
            return codec
    return None


class _Counting:
    """A file wrapper that tells how many stored bytes the decompressor consumed."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.consumed = 0
        self.closed = False

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.consumed += len(data)
        return data

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def close(self) -> None:
        self.closed = True


def decompressed_text(sample: FileSample, codec: str) -> TextSample | None:
    with sample.opener() as raw:
        counting = _Counting(raw)
        stream = pa.CompressedInputStream(pa.PythonFile(counting, mode="r"), CODECS[codec])
        data = stream.read(HEAD_BYTES + 1)
        complete = len(data) <= HEAD_BYTES
        data = data[:HEAD_BYTES]
    text = decode(data)
    if text is None:
        return None
    consumed = sample.size if complete else max(1, counting.consumed)
    return TextSample(text, complete, sample.size, consumed)
