"""The demo crawler that `make run` defines over the demo lake (glueweb/demo/definitions.py).

It is only defined, never started: a new user presses Run (or Preview changes) and sees
the three demo tables appear in the `retail` catalog database.
"""

from __future__ import annotations

from django.conf import settings

from crawlers.models import Crawler
from crawlers.services import create_crawler

DEMO_CRAWLER = "demo_retail_lake"
DEMO_CATALOG_DATABASE = "retail"


def ensure_demo_crawler() -> list[str]:
    """Define the demo crawler when no crawler has its name; return what was created."""
    if Crawler.objects.filter(name=DEMO_CRAWLER).exists():
        return []
    lake = settings.LAKE_DIR / "retail"
    if not lake.is_dir():
        return []  # `up --no-demo`: no lake to crawl
    create_crawler(
        {
            "name": DEMO_CRAWLER,
            "description": "Demo: orders (Parquet, partitioned by year/month), customers (CSV), social (NDJSON).",
            "targets": [{"path": str(lake)}],
            "database": DEMO_CATALOG_DATABASE,
        },
        created_by="demo",
    )
    return [f"crawler {DEMO_CRAWLER}"]
