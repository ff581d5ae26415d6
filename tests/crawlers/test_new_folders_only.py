"""CRAWL_NEW_FOLDERS_ONLY on local disk: leaf folders unchanged since the last crawl are not listed again.

A folder's mtime changes whenever anything is added to or removed from it, so a leaf whose
mtime is unchanged is taken from the crawler's memory; new folders, wherever they appear, are
still found.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from catalog.models import Table
from crawlers.memory import unpack
from crawlers.models import Crawler, CrawlerRun
from tests.crawlers.files import write

pytestmark = pytest.mark.django_db
Make = Callable[..., Crawler]
Crawl = Callable[..., CrawlerRun]
CSV = "id,total\n1,2.5\n2,3.5\n"


def _not_listed(run: CrawlerRun) -> int:
    line = next(entry["message"] for entry in run.log if "not listed" in entry["message"])
    return int(line.split("; ")[-1].split()[0])


def _partitions(name: str) -> list[list[str]]:
    return sorted(p.values for p in Table.objects.get(name=name).partitions.all())


def test_a_recrawl_of_an_unchanged_tree_lists_no_leaf_folder_and_changes_nothing(
    lake: Path, make_crawler: Make, crawl: Crawl
) -> None:
    for day in range(1, 6):
        for part in range(3):
            write(lake / "sales" / f"day={day}" / f"p{part}.csv", CSV)
    crawler = make_crawler(lake / "sales", recrawl_behavior="CRAWL_NEW_FOLDERS_ONLY")
    first = crawl(crawler)
    assert (first.state, first.files_scanned, _not_listed(first)) == ("SUCCEEDED", 15, 0)

    again = crawl(crawler)
    assert again.state == "SUCCEEDED"
    assert (again.files_total, again.files_scanned, _not_listed(again)) == (15, 0, 5)
    assert again.changes == []
    assert _partitions("sales") == [[str(day)] for day in range(1, 6)]


def test_new_folders_beside_and_below_folders_seen_before_are_found(
    lake: Path, make_crawler: Make, crawl: Crawl
) -> None:
    for day in (1, 2, 3):
        write(lake / "sales" / f"day={day}" / "p.csv", CSV)
    write(lake / "notes" / "n.csv", "note\nhello\n")
    crawler = make_crawler(lake, recrawl_behavior="CRAWL_NEW_FOLDERS_ONLY")
    crawl(crawler)
    assert set(Table.objects.values_list("name", flat=True)) == {"sales", "notes"}

    write(lake / "sales" / "day=4" / "p.csv", CSV)  # a new sibling of leaves seen before
    write(lake / "sales" / "day=1" / "late.csv", CSV)  # a new file in a leaf seen before: it is listed again
    write(lake / "notes" / "archive" / "a.csv", "note\nold\n")  # a new folder below a former leaf
    run = crawl(crawler)

    assert run.state == "SUCCEEDED", run.error
    assert run.files_total == 7
    assert _not_listed(run) == 2  # day=2 and day=3
    # Read: the new folders' files only (day=1 is a folder seen before: its new file is not read).
    assert run.files_scanned == 2
    assert _partitions("sales") == [["1"], ["2"], ["3"], ["4"]]
    found = {t["name"]: t for t in run.tables}
    assert found["archive"]["sample_files"] == ["notes/archive/a.csv"]  # the new folder below a former leaf

    third = crawl(crawler)  # the new folders are remembered in turn
    assert (third.files_total, third.files_scanned, _not_listed(third)) == (7, 0, 5)
    assert [c for c in third.changes if c["decision"] == "apply"] == []


def test_crawl_everything_lists_every_folder(lake: Path, make_crawler: Make, crawl: Crawl) -> None:
    for day in (1, 2):
        write(lake / "sales" / f"day={day}" / "p.csv", CSV)
    crawler = make_crawler(lake / "sales")
    crawl(crawler)
    run = crawl(crawler)
    assert not any("not listed" in entry["message"] for entry in run.log)
    crawler.refresh_from_db()
    assert "leaves" not in unpack(crawler.memory)["targets"][str(lake / "sales")]
