"""Classification: which format a file is in, with what certainty, and its schema.

Order (docs/crawlers.md): the built-in binary formats first, recognised by magic bytes no text
starts with (parquet, avro, orc, excel); then, for text (after gzip/zstd/bzip2 is taken off), the
crawler's custom classifiers in their order, then json, ndjson, csv. The first answer with
certainty 1.0 wins; otherwise the most certain answer (the earlier on a tie). A file nothing
claims is recorded as unclassified and skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from crawlers.classifiers import avro, compressed, csv, custom, excel, orc, parquet
from crawlers.classifiers import json as json_classifier
from crawlers.classifiers.base import Classified, FileSample, TextSample, decode

BINARY: tuple[tuple[str, Callable[[FileSample], Classified | None]], ...] = (
    ("parquet", parquet.classify),
    ("avro", avro.classify),
    ("orc", orc.classify),
    ("excel", excel.classify),
)
TEXT: tuple[tuple[str, Callable[[TextSample], Classified | None]], ...] = (
    ("json", json_classifier.classify_json),
    ("ndjson", json_classifier.classify_ndjson),
    ("csv", csv.classify),
)
BUILT_IN_ORDER = [name for name, _ in BINARY] + ["gzip/zstd/bzip2 -> text"] + [name for name, _ in TEXT]


class Unclassified(ValueError):
    pass


@dataclass
class Classifiers:
    """The chain one crawler uses: its custom classifiers, then the built-in ones."""

    custom: Sequence[tuple[str, Callable[[TextSample], Classified | None]]] = field(default_factory=tuple)

    @classmethod
    def for_definitions(cls, definitions: Sequence[dict[str, Any]]) -> Classifiers:
        return cls(tuple((f"custom {d['kind']} {d['name']}", custom.build(d)) for d in definitions))

    def classify(self, sample: FileSample) -> Classified:  # noqa: PLR0912  (the documented order, step by step)
        if sample.size == 0:
            raise Unclassified("the file is empty")
        codec = compressed.detect(sample.magic)
        if codec is None:
            for _, classify in BINARY:
                found = classify(sample)
                if found is not None:
                    return found
            text = decode(sample.head)
            complete = sample.size <= len(sample.head)
            text_sample = None if text is None else TextSample(text, complete, sample.size, len(sample.head))
        else:
            text_sample = compressed.decompressed_text(sample, codec)
        if text_sample is None:
            raise Unclassified("not a format the crawler knows (binary content)")
        if not text_sample.text.strip():
            raise Unclassified("the file holds only white space")
        best: Classified | None = None
        for _, classify_text in [*self.custom, *TEXT]:
            found = classify_text(text_sample)
            if found is None:
                continue
            if best is None or found.certainty > best.certainty:
                best = found
            if found.certainty >= 1.0:
                break
        if best is None or best.certainty <= 0:
            raise Unclassified("no classifier recognised the text")
        if codec is not None:
            best.format_options["compression"] = codec
            best.notes.append(f"{codec}-compressed")
        return best
