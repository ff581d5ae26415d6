"""What a crawler remembers between crawls, as stored in `Crawler.memory`: packed.

The memory holds every file's size, stamp and schema key (and, for CRAWL_NEW_FOLDERS_ONLY,
every leaf folder's listing): about 100 bytes of JSON per file, 1 MB for 10,000 files. Stored
as JSON, the database parses and compresses all of it in the crawl's final transaction (on
PostgreSQL some 40-60 ms of a first crawl, more than the catalog's own writes). So it is kept as
JSON compressed by zlib (a fast level: 6x smaller), in base64, in one field of the JSON object:
{"packed": "..."}. Nothing but the crawler reads it. A memory stored plainly (by an older
version) is still read as it is.
"""

from __future__ import annotations

import base64
import json
import zlib
from typing import Any

PACKED = "packed"
LEVEL = 1  # zlib's fastest: most of the gain in size for a fraction of the time of the default


def pack(memory: dict[str, Any]) -> dict[str, Any]:
    if not memory:
        return {}
    text = json.dumps(memory, ensure_ascii=False, separators=(",", ":"))
    return {PACKED: base64.b64encode(zlib.compress(text.encode(), LEVEL)).decode("ascii")}


def unpack(stored: dict[str, Any] | None) -> dict[str, Any]:
    if not stored:
        return {}
    if PACKED not in stored:
        return stored  # stored plainly by an older version
    data: dict[str, Any] = json.loads(zlib.decompress(base64.b64decode(stored[PACKED])))
    return data
