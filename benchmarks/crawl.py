"""Crawler speed: a generated 10,000-file hive-partitioned Parquet tree, crawled and recrawled.

    .venv/bin/python benchmarks/crawl.py [--regions 10] [--days 100] [--files 10] [--sample-size 10] [--repeat 5]

Generates region=rNN/day=DNNN/part-N.parquet under a temporary GLUEWEB_HOME's lake (embedded
mode: SQLite; set DATABASE_URL to a PostgreSQL database of your own to measure that instead).
Every file holds other values (so footers differ, as in real data: statistics, row counts).
Then, on a warm file-system cache, after one untimed warm-up of each side (imports, the first
database connection: a worker is a long-lived process), it times `--repeat` times each:

- pyarrow.dataset discovering the tree and reading its schema: as `ds.dataset(...).schema` does by
  default (lists every file, parses the first file's footer only), and with every fragment
  inspected (`FileSystemDatasetFactory.inspect(fragments=None)`: lists every file, reads and
  parses every footer, converts each to an Arrow schema and unifies them, in C++ on its own
  threads). The second is the same reading the crawler does with a sample size >= files per
  folder, so it is the reference for the 2x target;
- a first crawl through the real code path (run_crawl), each time by a new crawler into a new
  database: list, read and classify the sampled files, merge schemas, group tables and
  partitions, plan, and write the catalog (a table and its partitions) and the run in one
  transaction;

and once each (after the first crawl of the first crawler):

- a recrawl of the unchanged tree (no file is read);
- the same crawler switched to CRAWL_NEW_FOLDERS_ONLY: a first recrawl (which lists everything
  and remembers each leaf folder's listing), then a recrawl of the unchanged tree (leaf folders
  whose mtime is unchanged are not listed).

Targets (issue 4): crawl <= 10 s and within 2x of pyarrow.dataset (every footer); recrawl <= 2 s.
Figures are medians of the repeats (all repeats are printed) with the load average before and
after, since other work on the machine inflates every figure. It never fails on them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def generate(lake: Path, regions: int, days: int, files: int) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    count = 0
    for r in range(regions):
        for d in range(days):
            folder = lake / "sales" / f"region=r{r:02d}" / f"day=D{d:03d}"
            folder.mkdir(parents=True, exist_ok=True)
            for f in range(files):
                rows = 100 + count % 7  # other values and row counts per file: footers differ, as in real data
                table = pa.table(
                    {
                        "id": pa.array(range(count * 1000, count * 1000 + rows), pa.int64()),
                        "amount": pa.array([count + i / 8 for i in range(rows)]),
                        "sku": [f"s{count % 97}-{i % 13}" for i in range(rows)],
                    }
                )
                pq.write_table(table, folder / f"part-{f}.parquet")
                count += 1
    return count


def timed(label: str, action: object) -> float:
    start = time.perf_counter()
    action()  # type: ignore[operator]
    seconds = time.perf_counter() - start
    print(f"  {label:<62} {seconds:7.3f} s")
    return seconds


def repeated(label: str, action: object, repeat: int) -> float:
    """The median of `repeat` timings (each printed)."""
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()  # type: ignore[operator]
        seconds.append(time.perf_counter() - start)
    median = statistics.median(seconds)
    print(f"  {label:<62} {median:7.3f} s  (median of {', '.join(f'{s:.3f}' for s in seconds)})")
    return median


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--regions", type=int, default=10)
    parser.add_argument("--days", type=int, default=100)
    parser.add_argument("--files", type=int, default=10)
    parser.add_argument("--sample-size", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5, help="timings of pyarrow and of the first crawl")
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="glueweb-bench-crawl-"))
    try:
        measure(args, home)
    finally:
        shutil.rmtree(home, ignore_errors=True)  # 10,000 files (and the SQLite database) per run


def measure(args: argparse.Namespace, home: Path) -> None:
    os.environ["GLUEWEB_HOME"] = str(home)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "glueweb.settings")
    lake = home / "lake"
    lake.mkdir()
    started = time.perf_counter()
    count = generate(lake, args.regions, args.days, args.files)
    generate(lake / "warmup", 1, 1, 2)
    seconds = time.perf_counter() - started
    print(f"generated {count} Parquet files in {args.regions * args.days} partitions ({seconds:.1f} s)")

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    import pyarrow as pa
    import pyarrow.dataset as ds
    import pyarrow.fs as pafs

    from catalog.models import Partition, Table
    from crawlers import services
    from crawlers.crawl import run_crawl
    from crawlers.models import CrawlerRun

    target = lake / "sales"
    for _ in os.walk(target):  # warm the file-system cache for everyone alike
        pass

    def pyarrow_first() -> None:
        ds.dataset(str(target), format="parquet", partitioning="hive").schema  # noqa: B018

    def pyarrow_all() -> None:
        selector = pafs.FileSelector(str(target), recursive=True)
        factory = ds.FileSystemDatasetFactory(
            pafs.LocalFileSystem(),
            selector,
            ds.ParquetFileFormat(),
            ds.FileSystemFactoryOptions(partitioning=ds.HivePartitioning.discover()),
        )
        factory.inspect(fragments=None)

    def new_crawler(name: str, path: Path) -> Any:
        return services.create_crawler(
            {"name": name, "targets": [{"path": str(path)}], "database": name, "sample_size": args.sample_size}
        )

    def crawl(crawler: Any) -> CrawlerRun:
        crawler.refresh_from_db()
        run = services.start_run(crawler, "bench", enqueue=False)
        run_crawl(run.pk)
        run.refresh_from_db()
        return run

    first_runs: list[CrawlerRun] = []
    tag = f"{os.getpid()}_{int(time.time())}"  # unique names: a PostgreSQL database may hold earlier runs' crawlers
    crawlers = [new_crawler(f"bench{i + 1}_{tag}", target) for i in range(args.repeat)]

    def first_crawl() -> None:
        first_runs.append(crawl(crawlers[len(first_runs)]))

    # Untimed warm-ups: pyarrow's first call, the crawler's imports and first queries (a worker is long-lived).
    pyarrow_all()
    crawl(new_crawler(f"warmup_{tag}", lake / "warmup" / "sales"))

    from django.db import connection

    folders = args.regions * args.days
    read = folders * min(args.files, args.sample_size)
    print("what is timed:")
    print(f"  pyarrow, first footer: lists {count} files, parses 1 footer (ds.dataset(...).schema)")
    print(
        f"  pyarrow, every footer: lists {count} files, reads and parses {count} footers, unifies their schemas "
        "(FileSystemDatasetFactory.inspect(fragments=None), in C++ on its own threads)"
    )
    print(
        f"  first crawl: lists {count} files, reads and classifies {read} (sample size {args.sample_size} per "
        f"folder), groups, plans, writes 1 table and {folders} partitions to the catalog ({connection.vendor})"
    )
    print(f"timings (warm cache; pyarrow on {pa.cpu_count()} CPU / {pa.io_thread_count()} I/O threads; {load()}):")
    first_only = repeated("pyarrow.dataset: discover + schema (first footer)", pyarrow_first, args.repeat)
    every = repeated("pyarrow.dataset: discover + schema (every footer)", pyarrow_all, args.repeat)
    crawl_s = repeated(f"first crawl (sample size {args.sample_size}), catalog written", first_crawl, args.repeat)
    runs = [first_runs[0]]
    recrawl_s = timed("recrawl of the unchanged tree", lambda: runs.append(crawl(crawlers[0])))
    services.update_crawler(crawlers[0], {"recrawl_behavior": "CRAWL_NEW_FOLDERS_ONLY"})
    timed("new-folders-only recrawl, first (remembers folder listings)", lambda: runs.append(crawl(crawlers[0])))
    new_only_s = timed("new-folders-only recrawl of the unchanged tree", lambda: runs.append(crawl(crawlers[0])))
    print(f"  ({load()})")

    first, second, new_only_first, new_only = runs
    tables = Table.objects.filter(database__name=crawlers[0].database)
    print(
        f"first crawl: {first.state}, {first.files_total} files listed, {first.files_scanned} read, "
        f"{tables.count()} table(s), {Partition.objects.filter(table__in=tables).count()} partitions written"
    )
    for label, run in (
        ("first crawl", first),
        ("recrawl", second),
        ("new-folders-only recrawl, first", new_only_first),
        ("new-folders-only recrawl", new_only),
    ):
        print(f"  {label} " + next(line["message"] for line in run.log if line["message"].startswith("timings")))
    print(f"recrawl: {second.state}, {second.files_scanned} files read, {len(second.changes)} changes")
    print(
        f"new-folders-only recrawl: {new_only.state}, {new_only.files_total} files, {new_only.files_scanned} read, "
        f"{len(new_only.changes)} changes; "
        + next(line["message"].split("; ")[-1] for line in new_only.log if "not listed" in line["message"])
    )
    print("against the targets (medians):")
    print(f"  first crawl {crawl_s:.2f} s (target <= 10 s)")
    print(
        f"  first crawl / pyarrow every footer: {crawl_s / every:.2f}x (target <= 2x); "
        f"/ pyarrow first footer only: {crawl_s / first_only:.2f}x (for reference: it reads 1 footer, the crawl "
        f"{first.files_scanned})"
    )
    print(f"  recrawl {recrawl_s:.2f} s (target <= 2 s); new-folders-only recrawl {new_only_s:.2f} s")


if __name__ == "__main__":
    main()
