"""Nodes of a running job move on one by one, with rows that grow, seen live on /ws/runs/<id>/."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from glueweb.live.pump import stop_pump
from jobs.engine.progress import NodeProgress
from jobs.models import Job, JobRun, NodeRun, RunEvent
from jobs.runs import execute, live_nodes
from jobs.runs.live_nodes import LiveNodes
from jobs.runs.start import start_run
from tests.live_helpers import open_socket, receive_until, session_cookie
from tests.runs.conftest import wait_for
from tests.runs.graphs import FORMAT, writer

pytestmark = pytest.mark.django_db(transaction=True)
FILES, ROWS_PER_FILE = 4, 1_000_000


def progressing(lake: Path) -> dict[str, Any]:
    """4 CSV files of 1M rows -> filter -> aggregate by a unique key -> Parquet: a few seconds of streaming.

    CSV is counted by a meter morsel by morsel; grouping by a unique key makes the aggregate slow
    enough (and its output big enough) for the sampler to see each phase.
    """
    source = lake / "src"
    source.mkdir(parents=True, exist_ok=True)
    for i in range(FILES):
        pl.select(id=pl.int_range(i * ROWS_PER_FILE, (i + 1) * ROWS_PER_FILE), k=pl.int_range(0, ROWS_PER_FILE) % 7)\
            .write_csv(source / f"part-{i}.csv")  # fmt: skip
    nodes = [
        {"id": "src", "type": "read_files", "params": {"path": "lake/src/*.csv", "format": "csv"}},
        {"id": "keep", "type": "filter", "params": {"condition": "id >= 0"}},
        {"id": "agg", "type": "aggregate",
         "params": {"group_by": ["id"], "aggregations": [{"column": "k", "function": "sum", "alias": "t"}]}},
        writer("save", "lake/out"),
    ]  # fmt: skip
    edges = [
        {"source": "src", "target": "keep"},
        {"source": "keep", "target": "agg"},
        {"source": "agg", "target": "save"},
    ]
    return {"format": FORMAT, "parameters": [], "nodes": nodes, "edges": edges}


@pytest.fixture
def every_sample(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Sample often and announce every changed row count (the throttle has its own test below).

    The plan takes a second or so: sampling every 20 ms sees its phases on a fast machine too.
    """
    monkeypatch.setattr(live_nodes, "PROGRESS_SECONDS", 0.0)
    monkeypatch.setattr(execute, "PROGRESS_SECONDS", 0.02)
    yield


async def receive_run_end(socket: Any) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    while True:
        message = await socket.receive_json_from(timeout=120)
        seen.append(message)
        if message.get("type") == "run.state" and message.get("state") in {"SUCCEEDED", "FAILED", "ERROR"}:
            return seen


def test_a_watcher_sees_nodes_start_grow_and_finish_in_causal_order(
    worker: Any, lake: Path, every_sample: None, make_user: Callable[..., User], make_job: Callable[..., Job]
) -> None:
    job = make_job(progressing(lake))
    operator, watcher = make_user("operator"), make_user("viewer")
    api = APIClient()
    api.force_authenticate(operator)
    cookie = session_cookie(watcher)

    async def watch() -> list[dict[str, Any]]:
        try:
            response = await database_sync_to_async(api.post)(f"/api/jobs/{job.pk}/runs/", {}, format="json")
            assert response.status_code == 201
            socket, connected, _ = await open_socket(f"/ws/runs/{response.json()['id']}/", cookie)
            assert connected
            await socket.send_json_to({"type": "resume", "after": 0})
            messages = await receive_run_end(socket)
            await socket.disconnect()
            return messages
        finally:
            await stop_pump()

    events = [m for m in async_to_sync(watch)() if "seq" in m]
    assert events[-1]["state"] == "SUCCEEDED", events[-1]
    seq = {(e["type"], e.get("node"), e["state"]): e["seq"] for e in events if e["type"] != "run.log"}
    nodes = ["src", "keep", "agg", "save"]
    for node in nodes:  # each node: RUNNING, then SUCCEEDED, after the run started and before it ended
        assert seq[("run.state", None, "RUNNING")] < seq[("node.state", node, "RUNNING")]
        assert seq[("node.state", node, "RUNNING")] < seq[("node.state", node, "SUCCEEDED")]
        assert seq[("node.state", node, "SUCCEEDED")] < seq[("run.state", None, "SUCCEEDED")]
    assert seq[("node.state", "src", "RUNNING")] < seq[("node.state", "agg", "RUNNING")]
    assert seq[("node.state", "src", "SUCCEEDED")] < seq[("node.state", "agg", "SUCCEEDED")]
    assert seq[("node.state", "agg", "SUCCEEDED")] < seq[("node.state", "save", "SUCCEEDED")]

    # Rows grow while the source runs, between its RUNNING and its SUCCEEDED: the nodes do not move together.
    progress = [e for e in events if e["type"] == "node.progress" and e["node"] == "src"]
    assert progress, "no node.progress event for the source"
    rows = [e["rows_out"] for e in progress]
    assert rows == sorted(set(rows)) and rows[0] > 0 and rows[-1] <= FILES * ROWS_PER_FILE
    assert all(e["state"] == "RUNNING" for e in progress)
    assert seq[("node.state", "src", "RUNNING")] < progress[0]["seq"]
    assert progress[-1]["seq"] < seq[("node.state", "src", "SUCCEEDED")]
    assert progress[0]["seq"] < seq[("node.state", "agg", "SUCCEEDED")]

    finals = {e["node"]: e for e in events if e["type"] == "node.state" and e["state"] == "SUCCEEDED"}
    assert {n: finals[n]["rows_out"] for n in nodes} == {n: FILES * ROWS_PER_FILE for n in nodes}
    assert all(isinstance(finals[n]["duration_ms"], int) for n in nodes)
    run = JobRun.objects.get(job=job)
    assert dict(run.nodes.values_list("node", "rows_out")) == {n: FILES * ROWS_PER_FILE for n in nodes}


def test_a_join_feeding_a_join_says_why_its_rows_are_not_counted_and_still_moves_on(
    worker: Any, lake: Path, make_job: Callable[..., Job]
) -> None:
    left = {
        "id": "left",
        "type": "inline_data",
        "params": {"columns": [{"name": "k", "type": "bigint"}], "rows": [[1], [2], [3]]},
    }
    right = {
        "id": "right",
        "type": "inline_data",
        "params": {
            "columns": [{"name": "k", "type": "bigint"}, {"name": "v", "type": "string"}],
            "rows": [[1, "a"], [3, "c"]],
        },
    }
    on = [{"left": "k", "right": "k"}]
    nodes = [
        left,
        right,
        {"id": "j1", "type": "join", "params": {"how": "inner", "on": on}},
        {"id": "j2", "type": "join", "params": {"how": "inner", "on": on, "suffix": "_2"}},
        writer("save", "lake/out"),
    ]
    edges = [{"source": "left", "target": "j1", "target_port": "left"},
             {"source": "right", "target": "j1", "target_port": "right"},
             {"source": "j1", "target": "j2", "target_port": "left"},
             {"source": "right", "target": "j2", "target_port": "right"},
             {"source": "j2", "target": "save"}]  # fmt: skip
    job = make_job({"format": FORMAT, "parameters": [], "nodes": nodes, "edges": edges})
    run = wait_for(start_run(job, started_by={"kind": "user", "name": "ada"}), {"SUCCEEDED", "FAILED", "ERROR"})
    assert run.state == "SUCCEEDED", run.error
    events = list(RunEvent.objects.filter(kind="job", run_id=run.pk, type="node.state").order_by("seq"))
    by_node: dict[str, list[str]] = {}
    for event in events:
        by_node.setdefault(event.payload["node"], []).append(event.payload["state"])
    assert by_node == {n: ["RUNNING", "SUCCEEDED"] for n in ("left", "right", "j1", "j2", "save")}
    final = {e.payload["node"]: e.payload for e in events if e.payload["state"] == "SUCCEEDED"}
    # j1 feeds a join: a meter there would cost the join its optimisations. j2 ends the pipeline: counted.
    assert final["j1"]["rows_out"] is None and final["j1"]["rows_note"] == "not counted: inside a join pipeline"
    assert {n: final[n]["rows_out"] for n in ("left", "right", "j2", "save")} == {"left": 3, "right": 2, "j2": 2,
                                                                                  "save": 2}  # fmt: skip
    assert all("rows_note" not in final[n] for n in ("left", "right", "j2", "save"))


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_row_counts_are_announced_at_most_once_a_second_per_node_and_none_is_lost(
    make_job: Callable[..., Job], monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock()
    monkeypatch.setattr(live_nodes.time, "monotonic", clock)
    run = start_run(make_job(), started_by={"kind": "user", "name": "ada"})
    NodeRun.objects.bulk_create([NodeRun(run=run, node=n, type="filter", position=i) for i, n in enumerate("ab")])
    live = LiveNodes(run.pk)

    def progress_events() -> list[tuple[str, str, int | None]]:
        found = RunEvent.objects.filter(kind="job", run_id=run.pk, type__startswith="node.").order_by("seq")
        return [(e.type, e.payload["node"], e.payload.get("rows_out")) for e in found]

    live.apply([NodeProgress("a", "RUNNING", 10)])
    live.apply([NodeProgress("a", "RUNNING", 20), NodeProgress("b", "RUNNING", 5)])
    clock.now += 0.5
    live.apply([NodeProgress("a", "RUNNING", 30)])
    live.flush()
    assert progress_events() == [("node.state", "a", 10), ("node.state", "b", 5)]
    clock.now += 0.6
    live.flush()  # the last count held back is announced once its second has passed, even with no new sample
    assert progress_events()[2:] == [("node.progress", "a", 30)]
    live.apply([NodeProgress("a", "SUCCEEDED", 40, 7), NodeProgress("b", "RUNNING", 5)])
    live.apply([NodeProgress("a", "RUNNING", 50)])  # never backwards
    assert progress_events()[3:] == [("node.state", "a", 40)]
    a = NodeRun.objects.get(run=run, node="a")
    assert (a.state, a.rows_out, a.duration_ms) == ("SUCCEEDED", 40, 7)


def test_a_node_that_jumps_to_succeeded_is_announced_running_first(make_job: Callable[..., Job]) -> None:
    run = start_run(make_job(), started_by={"kind": "user", "name": "ada"})
    NodeRun.objects.create(run=run, node="a", type="filter")
    LiveNodes(run.pk).apply([NodeProgress("a", "SUCCEEDED", 3, 1)])
    found = RunEvent.objects.filter(kind="job", run_id=run.pk, type="node.state").order_by("seq")
    assert [(e.payload["state"], e.payload.get("rows_out")) for e in found] == [("RUNNING", 3), ("SUCCEEDED", 3)]


def test_the_dashboard_replays_node_states_but_not_node_row_counts(
    make_user: Callable[..., User], make_job: Callable[..., Job]
) -> None:
    run = start_run(make_job(), started_by={"kind": "user", "name": "ada"})
    NodeRun.objects.create(run=run, node="a", type="filter")
    live = LiveNodes(run.pk)
    live.apply([NodeProgress("a", "RUNNING", 1)])
    live.announced.clear()  # as if a second had passed
    live.apply([NodeProgress("a", "RUNNING", 2)])
    assert RunEvent.objects.filter(run_id=run.pk, type="node.progress").count() == 1
    cookie = session_cookie(make_user("viewer"))

    async def replay() -> list[dict[str, Any]]:
        try:
            socket, connected, _ = await open_socket("/ws/dashboard/", cookie)
            assert connected
            await socket.send_json_to({"type": "resume", "after": 0})
            seen = await receive_until(socket, "resumed")
            await socket.disconnect()
            return seen
        finally:
            await stop_pump()

    types = [m["type"] for m in async_to_sync(replay)() if m.get("run") == run.pk]
    assert "node.state" in types and "run.state" in types and "node.progress" not in types
