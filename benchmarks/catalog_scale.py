"""Catalog at scale: 100,000 tables and 1,000,000 partitions in PostgreSQL, measured through the real API.

    .venv/bin/python benchmarks/catalog_scale.py [--tables 100000] [--partitions 1000000] [--requests 200]

Creates (and first drops) the database glueweb_bench on BENCH_PG (default
postgres://postgres@127.0.0.1:5432), migrates it, bulk-loads with COPY, then sends list,
search and partition-filter requests through DRF's APIClient and prints p50/p95 per request
type against the target p95 <= 100 ms. It prints figures and never fails on them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
BENCH_DB = "glueweb_bench"
TARGET_P95_MS = 100.0
_WORDS_TEXT = (
    "customer order invoice payment shipment product event click session user account refund "
    "inventory supplier warehouse campaign lead contact ticket review rating price discount "
    "country city region store channel device browser page search cart checkout subscription"
)
_COLUMN_TEXT = "id name amount total quantity created updated status email phone code type"
WORDS = _WORDS_TEXT.split()
COLUMN_WORDS = [*WORDS, *_COLUMN_TEXT.split()]
BIG_TABLES = 10
BIG_KEYS = [
    {"name": "year", "type": "int", "comment": ""},
    {"name": "month", "type": "int", "comment": ""},
    {"name": "day", "type": "int", "comment": ""},
    {"name": "region", "type": "string", "comment": ""},
]
SMALL_KEYS = [{"name": "dt", "type": "string", "comment": ""}]
REGIONS = ["eu", "us", "apac", "latam", "africa", "me"]


def create_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")


def setup_django() -> None:
    os.environ["DATABASE_URL"] = f"{SERVER}/{BENCH_DB}"
    os.environ.setdefault("GLUEWEB_HOME", tempfile.mkdtemp(prefix="glueweb-bench-"))
    os.environ.pop("REDIS_URL", None)
    os.environ["GLUEWEB_ALLOWED_HOSTS"] = "testserver"
    os.environ["DJANGO_SETTINGS_MODULE"] = "glueweb.settings"
    os.environ.setdefault("GLUEWEB_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _columns(rng: random.Random) -> list[dict[str, str]]:
    names = rng.sample(COLUMN_WORDS, 8)
    kinds = ["bigint", "string", "double", "timestamp", "date", "int", "boolean", "decimal(12,2)"]
    return [
        {
            "name": f"{n}_{i}" if i % 3 else n,
            "type": rng.choice(kinds),
            "comment": f"the {n} of the row" if i == 0 else "",
        }
        for i, n in enumerate(names)
    ]


def _copy(cursor: Any, table: str, fields: list[str], rows: Iterator[tuple[Any, ...]]) -> int:
    count = 0
    with cursor.copy(f"COPY {table} ({', '.join(fields)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def seed(n_tables: int, n_partitions: int) -> dict[str, Any]:
    from django.db import connection
    from django.utils import timezone

    from catalog.models import Database, Table
    from catalog.services.tables import search_tokens

    rng = random.Random(42)
    now = timezone.now()
    n_databases = max(1, n_tables // 1000)
    started = time.perf_counter()
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor
        _copy(
            cursor,
            "catalog_database",
            ["id", "name", "description", "location_uri", "parameters", "created_at", "updated_at"],
            ((i + 1, f"db_{i:04d}", f"database {i}", "", "{}", now, now) for i in range(n_databases)),
        )

        searches: list[tuple[Any, ...]] = []

        def table_rows() -> Iterator[tuple[Any, ...]]:
            for i in range(n_tables):
                columns = _columns(rng)
                keys = BIG_KEYS if i < BIG_TABLES else SMALL_KEYS
                name = f"{rng.choice(WORDS)}_{rng.choice(WORDS)}_{i}"
                params = {"record_count": rng.randint(0, 10**7), "size_bytes": rng.randint(0, 10**10)}
                table = Table(
                    name=name,
                    description=f"{name.replace('_', ' ')} data",
                    columns=columns,
                    partition_keys=keys,
                    classification=rng.choice(["parquet", "csv", "ndjson"]),
                    parameters=params,
                    database=Database(name=f"db_{i % n_databases:04d}"),
                )
                searches.extend((i + 1, t.token, t.weight, t.prefix_weight) for t in search_tokens(table))
                yield (
                    i + 1,
                    i % n_databases + 1,
                    name,
                    table.description,
                    "EXTERNAL_TABLE",
                    "",
                    f"s3://lake/{name}",
                    table.classification,
                    "{}",
                    json.dumps(columns),
                    json.dumps(keys),
                    json.dumps(params),
                    "bench",
                    False,
                    1,
                    now,
                    now,
                )

        _copy(
            cursor,
            "catalog_table",
            [
                "id",
                "database_id",
                "name",
                "description",
                "table_type",
                "view_text",
                "location",
                "classification",
                "format_options",
                "columns",
                "partition_keys",
                "parameters",
                "owner",
                "deprecated",
                "version",
                "created_at",
                "updated_at",
            ],
            table_rows(),
        )
        _copy(
            cursor,
            "catalog_searchtoken",
            ["table_id", "token", "weight", "prefix_weight"],
            iter(searches),
        )
        _copy(
            cursor,
            "catalog_tableversion",
            [
                "table_id",
                "number",
                "table_type",
                "columns",
                "partition_keys",
                "location",
                "classification",
                "format_options",
                "changed",
                "changed_by_kind",
                "changed_by_id",
                "changed_by_name",
                "created_at",
            ],
            (
                (i + 1, 1, "EXTERNAL_TABLE", "[]", "[]", "", "", "{}", "[]", "system", "", "bench", now)
                for i in range(n_tables)
            ),
        )
        per_big = n_partitions // 2 // BIG_TABLES
        per_small = max(1, (n_partitions - per_big * BIG_TABLES) // max(1, n_tables - BIG_TABLES))

        def partition_rows() -> Iterator[tuple[Any, ...]]:
            for t in range(BIG_TABLES):
                made = 0
                for year in range(2000, 2100):
                    for month in range(1, 13):
                        for day in range(1, 29):
                            for region in REGIONS:
                                if made >= per_big:
                                    break
                                values = [str(year), str(month), str(day), region]
                                key = json.dumps(values, separators=(",", ":"))
                                yield (
                                    t + 1,
                                    json.dumps(values),
                                    key,
                                    f"s3://lake/t{t}/{year}/{month}/{day}/{region}",
                                    "{}",
                                    now,
                                    now,
                                )
                                made += 1
            for t in range(BIG_TABLES, n_tables):
                for d in range(per_small):
                    values = [f"2024-01-{d + 1:02d}"]
                    yield (t + 1, json.dumps(values), json.dumps(values, separators=(",", ":")), "", "{}", now, now)

        partitions = _copy(
            cursor,
            "catalog_partition",
            ["table_id", "values", "values_key", "location", "parameters", "created_at", "updated_at"],
            partition_rows(),
        )
        for table in ("catalog_database", "catalog_table"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    # What autovacuum does after a bulk load: statistics for the planner, and the visibility map
    # that lets the search's prefix lookups be answered from the index alone.
    with connection.cursor() as django_cursor:
        django_cursor.execute("VACUUM ANALYZE")
    return {
        "databases": n_databases,
        "tables": n_tables,
        "partitions": partitions,
        "seconds": time.perf_counter() - started,
    }


def measure(requests: int) -> Iterator[tuple[str, float, float, int]]:
    from django.contrib.auth.models import User
    from rest_framework.test import APIClient

    from catalog.models import Database, Table
    from glueweb.roles import ensure_roles

    ensure_roles()
    user, _ = User.objects.get_or_create(username="bench", defaults={"is_superuser": True, "is_staff": True})
    client = APIClient()
    client.force_authenticate(user)
    rng = random.Random(7)
    big = list(Table.objects.filter(id__lte=BIG_TABLES).select_related("database"))
    small_ids = [rng.randint(BIG_TABLES + 1, Table.objects.count()) for _ in range(50)]
    small = list(Table.objects.filter(id__in=small_ids).select_related("database"))
    deep_cursor: dict[str, str] = {}
    n_databases = Database.objects.count()

    def tables_url(t: Table) -> str:
        return f"/api/catalog/databases/{t.database.name}/tables/{t.name}/"

    def list_tables() -> str:
        return f"/api/catalog/databases/db_{rng.randint(0, n_databases - 1):04d}/tables/?limit=50"

    def list_tables_deep() -> str:
        db = f"db_{rng.randint(0, n_databases - 1):04d}"
        if db not in deep_cursor:
            page = client.get(f"/api/catalog/databases/{db}/tables/?limit=500").json()
            deep_cursor[db] = page["next_cursor"]
        return f"/api/catalog/databases/{db}/tables/?limit=50&cursor={deep_cursor[db]}"

    filters = [
        "year = 2001 AND month BETWEEN 3 AND 5",
        "region = 'eu' AND year >= 2005",
        "day = 15 AND region IN ('us', 'apac')",
        "year < 2002 AND NOT region LIKE 'a%'",
        "month = 12 OR day = 28",
    ]
    kinds: dict[str, Callable[[], str]] = {
        "list databases": lambda: "/api/catalog/databases/?limit=50",
        "list tables (first page)": list_tables,
        "list tables (page 11)": list_tables_deep,
        "get table": lambda: tables_url(rng.choice(small)),
        "search one word": lambda: f"/api/catalog/search/?q={rng.choice(WORDS)}",
        "search two words": lambda: f"/api/catalog/search/?q={rng.choice(WORDS)}+{rng.choice(COLUMN_WORDS)}",
        "search exact table name": lambda: f"/api/catalog/search/?q={rng.choice(small).name}",
        "list partitions (50k table)": lambda: tables_url(rng.choice(big)) + "partitions/?limit=100",
        "partition filter (50k table)": lambda: (
            tables_url(rng.choice(big)) + "partitions/?limit=100&filter=" + rng.choice(filters)
        ),
        "partition filter, no match (50k table)": lambda: (
            tables_url(rng.choice(big)) + "partitions/?filter=year = 1999"
        ),
        "partition filter (small table)": lambda: (
            tables_url(rng.choice(small)) + "partitions/?filter=dt >= '2024-01-03'"
        ),
    }
    for kind, url_for in kinds.items():
        for _ in range(5):  # warm caches and connections
            client.get(url_for())
        timings = []
        statuses: set[int] = set()
        for _ in range(requests):
            url = url_for()
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            statuses.add(response.status_code)
        if statuses != {200}:
            print(f"  ! {kind}: statuses {sorted(statuses)}", file=sys.stderr)
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        yield kind, statistics.median(timings), p95, len(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tables", type=int, default=100_000)
    parser.add_argument("--partitions", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--reuse", action="store_true", help="measure the database a previous run seeded")
    args = parser.parse_args()
    if not args.reuse:
        create_database()
    setup_django()
    if not args.reuse:
        print(f"seeding {args.tables:,} tables and {args.partitions:,} partitions into {BENCH_DB} ...", flush=True)
        seeded = seed(args.tables, args.partitions)
        print(
            f"seeded {seeded['databases']:,} databases, {seeded['tables']:,} tables,"
            f" {seeded['partitions']:,} partitions in {seeded['seconds']:.0f} s",
            flush=True,
        )
    print(f"\n{'request':42} {'p50 ms':>8} {'p95 ms':>8} {'n':>5}  target p95 <= {TARGET_P95_MS:.0f} ms")
    for kind, p50, p95, n in measure(args.requests):
        verdict = "ok" if p95 <= TARGET_P95_MS else "OVER"
        print(f"{kind:42} {p50:8.1f} {p95:8.1f} {n:5}  {verdict}", flush=True)


if __name__ == "__main__":
    main()
