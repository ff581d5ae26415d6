"""The job setting node_metrics through the API and the worker, and rows_note stored and served per node."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rest_framework.test import APIClient

from jobs.models import Job, JobVersion, NodeRun
from jobs.runs.start import start_run
from tests.runs import graphs
from tests.runs.conftest import wait_for
from tests.runs.graphs import FORMAT, writer

NOTE = "not counted: inside a join pipeline"
ON = [{"left": "k", "right": "k"}]


def join_in_join() -> dict[str, Any]:
    """left -> j1 (with right) -> j2 (with right) -> save: j1 feeds a join, so "fast" does not count it."""
    nodes = [
        {"id": "left", "type": "inline_data",
         "params": {"columns": [{"name": "k", "type": "bigint"}], "rows": [[1], [2], [3], [3]]}},
        {"id": "right", "type": "inline_data",
         "params": {"columns": [{"name": "k", "type": "bigint"}, {"name": "v", "type": "string"}],
                    "rows": [[1, "a"], [3, "c"]]}},
        {"id": "j1", "type": "join", "params": {"how": "inner", "on": ON}},
        {"id": "j2", "type": "join", "params": {"how": "inner", "on": ON, "suffix": "_2"}},
        writer("save", "lake/out"),
    ]  # fmt: skip
    edges = [
        {"source": "left", "target": "j1", "target_port": "left"},
        {"source": "right", "target": "j1", "target_port": "right"},
        {"source": "j1", "target": "j2", "target_port": "left"},
        {"source": "right", "target": "j2", "target_port": "right"},
        {"source": "j2", "target": "save"},
    ]
    return {"format": FORMAT, "parameters": [], "nodes": nodes, "edges": edges}


def test_node_metrics_defaults_to_fast_and_each_version_keeps_its_own(db: None, api: Callable[..., APIClient]) -> None:
    editor = api("editor")
    job = editor.post("/api/jobs/", {"name": "orders", "graph": graphs.quick()}, format="json").json()
    assert job["node_metrics"] == "fast"
    changed = editor.patch(f"/api/jobs/{job['id']}/", {"node_metrics": "exact"}, format="json")
    assert changed.status_code == 200 and changed.json()["node_metrics"] == "exact"
    versions = editor.get(f"/api/jobs/{job['id']}/versions/").json()
    assert [(v["number"], v["node_metrics"]) for v in versions] == [(2, "exact"), (1, "fast")]


def test_an_unknown_node_metrics_mode_is_a_400_that_says_which_modes_exist(
    db: None, api: Callable[..., APIClient]
) -> None:
    editor = api("editor")
    job = editor.post("/api/jobs/", {"name": "orders", "graph": graphs.quick()}, format="json").json()
    response = editor.patch(f"/api/jobs/{job['id']}/", {"node_metrics": "slow"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"node_metrics": ['"slow" is not a node metrics mode: use "fast" or "exact"']}
    assert Job.objects.get(pk=job["id"]).node_metrics == "fast"
    assert JobVersion.objects.filter(job_id=job["id"]).count() == 1


def final_nodes(client: APIClient, run_id: int) -> dict[str, dict[str, Any]]:
    detail = client.get(f"/api/runs/{run_id}/").json()
    assert detail["state"] == "SUCCEEDED", detail["error"]
    return {n["node"]: n for n in detail["nodes"]}


@pytest.mark.django_db(transaction=True)
def test_a_fast_run_stores_and_serves_why_a_node_was_not_counted(
    worker: Any, lake: Path, api: Callable[..., APIClient], make_job: Callable[..., Job]
) -> None:
    job = make_job(join_in_join())
    run = wait_for(start_run(job, started_by={"kind": "user", "name": "ada"}), {"SUCCEEDED", "FAILED", "ERROR"})
    nodes = final_nodes(api("viewer"), run.pk)
    assert (nodes["j1"]["rows_out"], nodes["j1"]["rows_note"]) == (None, NOTE)
    assert {n: (nodes[n]["rows_out"], nodes[n]["rows_note"]) for n in ("left", "right", "j2", "save")} == {
        "left": (4, None), "right": (2, None), "j2": (3, None), "save": (3, None),
    }  # fmt: skip
    assert NodeRun.objects.get(run=run, node="j1").rows_note == NOTE


@pytest.mark.django_db(transaction=True)
def test_an_exact_run_counts_and_times_every_node(
    worker: Any, lake: Path, api: Callable[..., APIClient], make_job: Callable[..., Job]
) -> None:
    job = make_job(join_in_join(), node_metrics="exact")
    run = wait_for(start_run(job, started_by={"kind": "user", "name": "ada"}), {"SUCCEEDED", "FAILED", "ERROR"})
    nodes = final_nodes(api("viewer"), run.pk)
    # left has 1, 2, 3, 3; right has 1 and 3: three rows match in each join.
    assert {n: r["rows_out"] for n, r in nodes.items()} == {"left": 4, "right": 2, "j1": 3, "j2": 3, "save": 3}
    assert all(isinstance(r["duration_ms"], int) and r["rows_note"] is None for r in nodes.values()), nodes


@pytest.mark.django_db(transaction=True)
def test_a_run_keeps_the_mode_of_the_version_it_pinned(
    worker: Any, lake: Path, api: Callable[..., APIClient], make_job: Callable[..., Job]
) -> None:
    job = make_job(join_in_join(), node_metrics="exact")
    run = start_run(job, started_by={"kind": "user", "name": "ada"})
    Job.objects.filter(pk=job.pk).update(node_metrics="fast")  # the job changed, not the version the run pinned
    run = wait_for(run, {"SUCCEEDED", "FAILED", "ERROR"})
    assert final_nodes(api("viewer"), run.pk)["j1"]["rows_out"] == 3
