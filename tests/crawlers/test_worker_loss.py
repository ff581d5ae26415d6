"""A worker killed mid-crawl (SIGKILL of its whole process group) leaves no crawl or crawler RUNNING.

Two real worker processes share a fresh installation (tests/runs/world.py, in the
current mode); the one carrying a slow crawl is killed while it reads files; the
survivor's reaper ends the crawl ERROR (as a job run's) with an error naming the dead worker, puts
the crawler back to READY and the catalog is as it was; the next crawl then runs.
"""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path
from typing import Any

from tests.runs.world import World

# The promise: within 60 s of the worker's death.
REAP_WITHIN_SECONDS = 60
FOLDERS, FILES_PER_FOLDER = 200, 100  # enough CSV files that reading them takes seconds

START_CRAWL = """
from crawlers import services
from crawlers.models import Crawler
crawler = Crawler.objects.filter(name="slow").first() or services.create_crawler(
    {"name": "slow", "targets": [{"path": LAKE}], "database": "lake", "sample_size": 10000}, "tester")
print("run", services.start_run(crawler, "tester").pk)
"""


def _payloads(world: World, run_id: int, type: str) -> list[dict[str, Any]]:
    rows = world.query(
        f"SELECT payload FROM jobs_runevent WHERE kind = 'crawl' AND run_id = {run_id} AND type = '{type}' ORDER BY seq"
    )
    return [json.loads(p) if isinstance(p, str) else p for (p,) in rows]


def _start_crawl(world: World, lake: Path) -> int:
    out = world.manage("shell", "-c", START_CRAWL.replace("LAKE", repr(str(lake))))
    return int(out.split()[-1])


def test_a_crawl_whose_worker_is_killed_ends_in_error_and_changes_nothing(world: World) -> None:
    lake = world.home / "lake"
    for folder in range(FOLDERS):
        place = lake / "events" / f"day={folder:03d}"
        place.mkdir(parents=True)
        for n in range(FILES_PER_FOLDER):
            (place / f"part-{n:04d}.csv").write_text(f"id,name,score\n{n},item {n},{n * 0.5}\n{n + 1},other,1.5\n")
    catalog_before = world.query("SELECT COUNT(*) FROM catalog_table")

    workers = {name: world.start_worker(name) for name in ("alpha", "beta")}
    world.wait("SELECT hostname FROM glueweb_workerheartbeat", lambda rows: len(rows) == 2, 120, "two workers alive")

    run_id = _start_crawl(world, lake / "events")
    # Mid-crawl: some files read, fewer than half, and the run still RUNNING.
    world.wait(
        f"SELECT COUNT(*) FROM jobs_runevent WHERE kind = 'crawl' AND run_id = {run_id} AND type = 'crawl.progress'",
        lambda rows: any(0 < 2 * p["scanned"] < p["total"] for p in _payloads(world, run_id, "crawl.progress")),
        120, "the crawl reading files",
    )  # fmt: skip
    ((worker, state),) = world.query(f"SELECT worker, state FROM crawlers_crawlerrun WHERE id = {run_id}")
    assert state == "RUNNING"
    victim = workers[worker.split("@")[0]]
    os.killpg(victim.pid, signal.SIGKILL)
    victim.wait()

    state, error = world.wait(
        f"SELECT state, error FROM crawlers_crawlerrun WHERE id = {run_id}",
        lambda rows: rows[0][0] != "RUNNING", REAP_WITHIN_SECONDS, "the dead worker's crawl ended",
    )[0]  # fmt: skip
    assert state == "ERROR"
    assert worker in error and "stopped sending heartbeats" in error and "nothing in the catalog was changed" in error
    assert [p["state"] for p in _payloads(world, run_id, "crawl.state")] == ["WAITING", "RUNNING", "ERROR"]
    assert world.query("SELECT state, memory FROM crawlers_crawler WHERE name = 'slow'")[0][0] == "READY"
    memory = world.query("SELECT memory FROM crawlers_crawler WHERE name = 'slow'")[0][0]
    assert (json.loads(memory) if isinstance(memory, str) else memory) == {}
    assert world.query("SELECT COUNT(*) FROM catalog_table") == catalog_before

    # The crawler is usable again: the survivor carries the next crawl to the end.
    again = _start_crawl(world, lake / "events")
    state, files_total = world.wait(
        f"SELECT state, files_total FROM crawlers_crawlerrun WHERE id = {again}",
        lambda rows: rows[0][0] in ("SUCCEEDED", "FAILED"), 300, "the next crawl ended",
    )[0]  # fmt: skip
    assert (state, files_total) == ("SUCCEEDED", FOLDERS * FILES_PER_FOLDER)
    names = world.query("SELECT name FROM catalog_table")
    assert names == [("events",)]
    assert world.query("SELECT COUNT(*) FROM catalog_partition")[0][0] == FOLDERS
