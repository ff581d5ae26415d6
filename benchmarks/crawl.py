"""Crawler speed: a generated 10,000-file hive-partitioned Parquet tree, crawled and recrawled.

    .venv/bin/python benchmarks/crawl.py [--regions 10] [--days 100] [--files 10] [--sample-size 10]

Generates region=rNN/day=DNNN/part-N.parquet under a temporary GLUEWEB_HOME's lake (embedded
mode: SQLite; set DATABASE_URL to a PostgreSQL database of your own to measure that instead),
then times, each on a warm file-system cache:

- pyarrow.dataset discovering the tree and reading its schema, twice: as `ds.dataset(...).schema`
  does by default (the first file's footer only), and with every file's footer inspected (the
  same reading the crawler does with a sample size >= files per folder);
- a first crawl through the real code path (run_crawl: list, classify, group, plan, write the
  catalog in one transaction);
- a recrawl of the unchanged tree (no file is read);
- the same crawler switched to CRAWL_NEW_FOLDERS_ONLY: a first recrawl (which lists everything
  and remembers each leaf folder's listing), then a recrawl of the unchanged tree (leaf folders
  whose mtime is unchanged are not listed).

Targets (issue 4): crawl <= 10 s and within 2x of pyarrow.dataset; recrawl <= 2 s. It prints the
figures and never fails on them.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def generate(lake: Path, regions: int, days: int, files: int) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"id": pa.array(range(100), pa.int64()), "amount": pa.array([1.5] * 100), "sku": ["x"] * 100})
    count = 0
    for r in range(regions):
        for d in range(days):
            folder = lake / "sales" / f"region=r{r:02d}" / f"day=D{d:03d}"
            folder.mkdir(parents=True, exist_ok=True)
            for f in range(files):
                pq.write_table(table, folder / f"part-{f}.parquet")
                count += 1
    return count


def timed(label: str, action: object) -> float:
    start = time.perf_counter()
    action()  # type: ignore[operator]
    seconds = time.perf_counter() - start
    print(f"  {label:<58} {seconds:7.3f} s")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--regions", type=int, default=10)
    parser.add_argument("--days", type=int, default=100)
    parser.add_argument("--files", type=int, default=10)
    parser.add_argument("--sample-size", type=int, default=10)
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="glueweb-bench-crawl-"))
    os.environ["GLUEWEB_HOME"] = str(home)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "glueweb.settings")
    lake = home / "lake"
    lake.mkdir()
    started = time.perf_counter()
    count = generate(lake, args.regions, args.days, args.files)
    seconds = time.perf_counter() - started
    print(f"generated {count} Parquet files in {args.regions * args.days} partitions ({seconds:.1f} s)")

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    import pyarrow.dataset as ds
    import pyarrow.fs as pafs

    from catalog.models import Partition, Table
    from crawlers import services
    from crawlers.crawl import run_crawl

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

    crawler = services.create_crawler(
        {"name": "bench", "targets": [{"path": str(target)}], "database": "bench", "sample_size": args.sample_size}
    )
    runs = []

    def crawl() -> None:
        crawler.refresh_from_db()
        run = services.start_run(crawler, "bench", enqueue=False)
        run_crawl(run.pk)
        run.refresh_from_db()
        runs.append(run)

    print("timings (warm cache):")
    first_only = timed("pyarrow.dataset: discover + schema (first file)", pyarrow_first)
    every = timed("pyarrow.dataset: discover + schema (every file's footer)", pyarrow_all)
    crawl_s = timed(f"crawl (sample size {args.sample_size}), catalog written", crawl)
    recrawl_s = timed("recrawl of the unchanged tree", crawl)
    services.update_crawler(crawler, {"recrawl_behavior": "CRAWL_NEW_FOLDERS_ONLY"})
    timed("new-folders-only recrawl, first (remembers folder listings)", crawl)
    new_only_s = timed("new-folders-only recrawl of the unchanged tree", crawl)

    first, second, new_only_first, new_only = runs
    tables = Table.objects.filter(database__name="bench")
    print(
        f"crawl: {first.state}, {first.files_total} files listed, {first.files_scanned} read, "
        f"{tables.count()} table(s), {Partition.objects.filter(table__in=tables).count()} partitions"
    )
    for label, run in (
        ("crawl", first),
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
    print("against the targets:")
    print(f"  crawl {crawl_s:.2f} s (target <= 10 s)")
    print(
        f"  crawl / pyarrow every footer: {crawl_s / every:.2f}x; "
        f"/ pyarrow first footer: {crawl_s / first_only:.2f}x (target <= 2x)"
    )
    print(f"  recrawl {recrawl_s:.2f} s (target <= 2 s); new-folders-only recrawl {new_only_s:.2f} s")


if __name__ == "__main__":
    main()
