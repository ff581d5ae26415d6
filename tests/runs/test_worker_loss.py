"""A worker killed mid-run (SIGKILL: its whole process group, as when a machine is lost) leaves no run RUNNING.

Two real worker processes share a fresh installation; the one carrying the run
is killed; the survivor's reaper marks the run ERROR with a clear error, and
the target folder and the catalog are exactly as they were.
"""

from __future__ import annotations

import json
import os
import signal
import time

from tests.runs import graphs
from tests.runs.world import World

# The promise: within 60 s of the worker's death.
REAP_WITHIN_SECONDS = 60

CREATE_JOB = """
import json, pathlib
from catalog.models import Database
from jobs.runs.jobs import save_job
Database.objects.create(name="sales")
save_job(None, {"name": "endless", "graph": json.loads(pathlib.Path(GRAPH).read_text())})
"""


def test_a_run_whose_worker_is_killed_ends_error_and_publishes_nothing(world: World) -> None:
    lake = world.home / "lake"
    (lake / "out").mkdir(parents=True)
    (lake / "out" / "old.parquet").write_bytes(b"the old output")
    graph = world.home / "graph.json"
    endless = graphs.endless()
    # Had it succeeded, the run would also have registered its output as the table sales.out.
    endless["nodes"][-1]["params"].update({"catalog_update": "create_or_update", "database": "sales", "table": "out"})
    graph.write_text(json.dumps(endless))
    world.manage("shell", "-c", CREATE_JOB.replace("GRAPH", repr(str(graph))))
    catalog_before = world.query("SELECT id, name FROM catalog_table ORDER BY id")

    workers = {name: world.start_worker(name) for name in ("alpha", "beta")}
    world.wait("SELECT hostname FROM glueweb_workerheartbeat", lambda rows: len(rows) == 2, 120, "two workers alive")

    out = world.manage("glue", "run", "endless")
    run_id = int(out.split()[1])
    (worker,) = world.wait(
        f"SELECT worker FROM jobs_jobrun WHERE id = {run_id} AND state = 'RUNNING'",
        lambda rows: len(rows) == 1, 120, "the run RUNNING",
    )[0]  # fmt: skip
    victim = workers[worker.split("@")[0]]
    staged = lake / "_glueweb_staging" / f"run-{run_id}"
    deadline = time.monotonic() + 60
    while not staged.exists() and time.monotonic() < deadline:  # the graph's child process is writing now
        time.sleep(0.05)
    assert staged.exists(), "the run never staged its output"
    os.killpg(victim.pid, signal.SIGKILL)
    victim.wait()

    state, error = world.wait(
        f"SELECT state, error FROM jobs_jobrun WHERE id = {run_id}",
        lambda rows: rows[0][0] != "RUNNING", REAP_WITHIN_SECONDS, "the dead worker's run ended",
    )[0]  # fmt: skip
    assert state == "ERROR"
    error = json.loads(error) if isinstance(error, str) else error
    assert error["type"] == "worker_lost"
    assert worker in error["message"] and "stopped sending heartbeats" in error["message"]
    states = [
        json.loads(p)["state"] if isinstance(p, str) else p["state"]
        for (p,) in world.query(
            f"SELECT payload FROM jobs_runevent WHERE kind = 'job' AND run_id = {run_id} AND type = 'run.state' "
            "ORDER BY seq"
        )
    ]
    assert states == ["STARTING", "RUNNING", "ERROR"]
    assert {s for (s,) in world.query(f"SELECT state FROM jobs_noderun WHERE run_id = {run_id}")} == {"STOPPED"}
    assert sorted(p.name for p in (lake / "out").iterdir()) == ["old.parquet"]
    assert (lake / "out" / "old.parquet").read_bytes() == b"the old output"
    assert not (lake / "_glueweb_staging").exists()
    assert world.query("SELECT id, name FROM catalog_table ORDER BY id") == catalog_before == []
