"""The demo retail data lake: orders (Parquet), customers (CSV) and social interactions (NDJSON).

Generated deterministically from a seed on first start, so crawlers and ETL
jobs have realistic data to work on. See docs/demo-data.md.
"""

from glueweb.demo.lake import (
    DEFAULT_SEED,
    GENERATOR_VERSION,
    MARKER_NAME,
    DemoLakeConflict,
    DemoSummary,
    demo_lake_exists,
    ensure_demo_lake,
    generate_demo_lake,
    read_demo_summary,
)

__all__ = [
    "DEFAULT_SEED",
    "GENERATOR_VERSION",
    "MARKER_NAME",
    "DemoLakeConflict",
    "DemoSummary",
    "demo_lake_exists",
    "ensure_demo_lake",
    "generate_demo_lake",
    "read_demo_summary",
]
