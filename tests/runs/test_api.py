"""The jobs and runs API: definitions and versions, starting and stopping, listing, events and logs, roles."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from jobs.models import Job, JobRun, JobVersion
from jobs.runs.start import start_run
from tests.runs import graphs
from tests.runs.conftest import wait_for

USER = {"kind": "user", "name": "ada"}


def job_body(**changes: Any) -> dict[str, Any]:
    return {"name": "orders", "graph": graphs.quick(), "max_retries": 1, "tags": ["daily"], **changes}


def test_an_editor_creates_a_job_and_every_save_is_a_new_version(db: None, api: Callable[..., APIClient]) -> None:
    editor = api("editor")
    created = editor.post("/api/jobs/", job_body(), format="json")
    assert created.status_code == 201, created.json()
    job = created.json()
    assert job["version"] == 1 and job["max_concurrent_runs"] == 1 and job["timeout_minutes"] == 2880
    changed = editor.patch(f"/api/jobs/{job['id']}/", {"graph": graphs.quick(target="lake/other")}, format="json")
    assert changed.status_code == 200 and changed.json()["version"] == 2
    versions = editor.get(f"/api/jobs/{job['id']}/versions/").json()
    assert [v["number"] for v in versions] == [2, 1]
    first = editor.get(f"/api/jobs/{job['id']}/versions/1/").json()
    assert first["graph"]["nodes"][-1]["params"]["path"] == "lake/out"  # the old version is unchanged
    assert first["created_by"].startswith("editor")


def test_a_version_never_changes_and_a_run_keeps_the_version_it_pinned(
    db: None, api: Callable[..., APIClient], make_job: Callable[..., Job]
) -> None:
    job = make_job(graphs.quick(), max_concurrent_runs=1)
    running = start_run(job, started_by=USER)
    waiting = start_run(job, started_by=USER)  # queued behind it, pinned to version 1 already
    editor = api("admin")
    changed = editor.patch(f"/api/jobs/{job.pk}/", {"graph": graphs.quick(target="lake/other")}, format="json")
    assert changed.status_code == 200 and changed.json()["version"] == 2
    path = f"/api/jobs/{job.pk}/versions/1/"
    for method in ("put", "patch", "delete"):
        assert getattr(editor, method)(path, {"name": "changed"}, format="json").status_code == 405, method
    first = editor.get(path).json()
    assert first["graph"]["nodes"][-1]["params"]["path"] == "lake/out"
    for run in (running, waiting):
        detail = editor.get(f"/api/runs/{run.pk}/").json()
        assert detail["job_version"] == 1, run.state
    assert JobRun.objects.get(pk=waiting.pk).job_version.graph["nodes"][-1]["params"]["path"] == "lake/out"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"graph": {"nodes": []}}, "graph"),
        ({"graph": "not an object"}, "graph"),
        ({"name": ""}, "name"),
        ({"timeout_minutes": -1}, "timeout_minutes"),
        ({"max_concurrent_runs": 0}, "max_concurrent_runs"),
        ({"max_retries": "many"}, "max_retries"),
        ({"default_parameters": {"nope": 1}}, "default_parameters"),
        ({"tags": "daily"}, "tags"),
        ({"node_metrics": "slow"}, "node_metrics"),
    ],
)
def test_bad_job_input_is_a_400_naming_the_field_and_stores_nothing(
    db: None, api: Callable[..., APIClient], changes: dict[str, Any], field: str
) -> None:
    response = api("editor").post("/api/jobs/", job_body(**changes), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Job.objects.exists() and not JobVersion.objects.exists()


def test_a_bad_change_leaves_the_job_and_its_versions_as_they_were(db: None, api: Callable[..., APIClient]) -> None:
    editor = api("editor")
    job = editor.post("/api/jobs/", job_body(), format="json").json()
    response = editor.patch(f"/api/jobs/{job['id']}/", {"max_retries": -3}, format="json")
    assert response.status_code == 400 and "max_retries" in response.json()
    assert Job.objects.get(pk=job["id"]).max_retries == 1
    assert JobVersion.objects.filter(job_id=job["id"]).count() == 1


def test_a_job_name_is_unique(db: None, api: Callable[..., APIClient]) -> None:
    editor = api("editor")
    assert editor.post("/api/jobs/", job_body(), format="json").status_code == 201
    response = editor.post("/api/jobs/", job_body(), format="json")
    assert response.status_code == 400 and "name" in response.json()


@pytest.mark.parametrize("role", ["viewer", "operator"])
def test_only_editors_change_jobs(db: None, api: Callable[..., APIClient], role: str) -> None:
    assert api(role).post("/api/jobs/", job_body(), format="json").status_code == 403
    assert not Job.objects.exists()


def test_a_viewer_reads_jobs_and_runs_but_cannot_start_or_stop(
    db: None, api: Callable[..., APIClient], make_job: Callable[..., Job]
) -> None:
    job = make_job()
    run = start_run(job, started_by=USER)
    viewer = api("viewer")
    assert viewer.get(f"/api/jobs/{job.pk}/").status_code == 200
    assert viewer.get(f"/api/runs/{run.pk}/").status_code == 200
    assert viewer.post(f"/api/jobs/{job.pk}/runs/", {}, format="json").status_code == 403
    assert viewer.post(f"/api/runs/{run.pk}/stop/").status_code == 403
    assert api("editor").post(f"/api/jobs/{job.pk}/runs/", {}, format="json").status_code == 403
    assert JobRun.objects.count() == 1
    assert JobRun.objects.get(pk=run.pk).state == "STARTING"


def test_signed_out_clients_get_nothing(db: None, api: Callable[..., APIClient], make_job: Callable[..., Job]) -> None:
    job = make_job()
    anonymous = api(None)
    for path in ("/api/jobs/", f"/api/jobs/{job.pk}/", "/api/runs/"):
        assert anonymous.get(path).status_code in (401, 403)
    assert anonymous.post(f"/api/jobs/{job.pk}/runs/", {}, format="json").status_code in (401, 403)


def test_a_signed_in_user_without_a_role_sees_no_job_run_event_or_log(
    db: None, make_user: Callable[..., Any], make_job: Callable[..., Job]
) -> None:
    job = make_job()
    run = start_run(job, started_by=USER)
    nobody = APIClient()
    nobody.force_authenticate(make_user(None))  # signed in, but holding no role
    for path in (
        "/api/jobs/", f"/api/jobs/{job.pk}/", f"/api/jobs/{job.pk}/versions/", f"/api/jobs/{job.pk}/versions/1/",
        "/api/runs/", f"/api/runs/{run.pk}/", f"/api/runs/{run.pk}/events/?after=0", f"/api/runs/{run.pk}/logs/",
        "/api/dashboard/runs/",
    ):  # fmt: skip
        response = nobody.get(path)
        assert response.status_code == 403, path
        assert job.name not in response.content.decode(), path
    assert nobody.post(f"/api/jobs/{job.pk}/runs/", {}, format="json").status_code == 403
    assert nobody.post(f"/api/runs/{run.pk}/stop/").status_code == 403
    assert list(JobRun.objects.values_list("pk", "state")) == [(run.pk, "STARTING")]


def test_starting_with_an_unknown_parameter_is_a_400_and_makes_no_run(
    db: None, api: Callable[..., APIClient], make_job: Callable[..., Job]
) -> None:
    job = make_job()
    response = api("operator").post(f"/api/jobs/{job.pk}/runs/", {"parameters": {"max_n": 1}}, format="json")
    assert response.status_code == 400 and "parameters.max_n" in response.json()
    response = api("operator").post(f"/api/jobs/{job.pk}/runs/", {"parameters": [1]}, format="json")
    assert response.status_code == 400 and "parameters" in response.json()
    response = api("operator").post(f"/api/jobs/{job.pk}/runs/", {"timeout_minutes": 0}, format="json")
    assert response.status_code == 400 and "timeout_minutes" in response.json()
    assert not JobRun.objects.exists()


def test_starting_a_graph_with_errors_is_refused_with_the_error_list(
    db: None, api: Callable[..., APIClient], make_job: Callable[..., Job]
) -> None:
    job = make_job(graphs.quick(condition="missing > 1"))
    response = api("operator").post(f"/api/jobs/{job.pk}/runs/", {}, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors[0]["node"] == "big" and "missing" in errors[0]["message"]
    assert not JobRun.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_operator_starts_a_run_with_overrides_and_reads_its_nodes_events_and_log(
    worker: Any, lake: Path, api: Callable[..., APIClient], make_job: Callable[..., Job]
) -> None:
    job = make_job(graphs.quick(), default_parameters={"min_n": 1})
    operator = api("operator")
    response = operator.post(f"/api/jobs/{job.pk}/runs/", {"parameters": {"min_n": 8}}, format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["state"] == "STARTING" and created["parameters"] == {"min_n": 8}
    assert created["started_by"]["kind"] == "user" and created["job_version"] == 1
    wait_for(created["id"], {"SUCCEEDED", "FAILED", "ERROR"})
    detail = operator.get(f"/api/runs/{created['id']}/").json()
    assert detail["state"] == "SUCCEEDED", detail["error"]
    assert detail["rows_out"] == 2
    assert [(n["node"], n["state"], n["rows_out"]) for n in detail["nodes"]][-1] == ("save", "SUCCEEDED", 2)
    assert detail["outputs"]["save"]
    assert detail["execution_seconds"] is not None
    events = operator.get(f"/api/runs/{created['id']}/events/?after=0").json()["events"]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert events[0] == {**events[0], "type": "run.state", "state": "STARTING", "run": created["id"]}
    later = operator.get(f"/api/runs/{created['id']}/events/?after=2").json()["events"]
    assert later == events[2:]
    assert operator.get(f"/api/runs/{created['id']}/events/?after=x").status_code == 400
    log = operator.get(f"/api/runs/{created['id']}/logs/")
    assert log.status_code == 200 and log["Content-Disposition"].endswith(f'run-{created["id"]}.log"')
    text = b"".join(log.streaming_content).decode()  # type: ignore[attr-defined]
    assert "publishing the outputs" in text and "run succeeded" in text
    assert "INFO     executing 3 nodes with Polars" in text  # logged inside the run's own process
    stop = operator.post(f"/api/runs/{created['id']}/stop/")
    assert stop.status_code == 409


def test_runs_are_listed_newest_first_with_filters(
    db: None, api: Callable[..., APIClient], make_job: Callable[..., Job]
) -> None:
    one, two = make_job(), make_job()
    a = start_run(one, started_by=USER)
    b = start_run(one, started_by={"kind": "schedule", "name": "nightly"})
    c = start_run(two, started_by=USER)
    JobRun.objects.filter(pk=a.pk).update(state="FAILED", created_at=timezone.now() - timedelta(days=3))
    viewer = api("viewer")

    def ids(query: str) -> list[int]:
        response = viewer.get(f"/api/runs/{query}")
        assert response.status_code == 200, response.json()
        return [r["id"] for r in response.json()["results"]]

    assert ids("") == [c.pk, b.pk, a.pk]
    assert ids(f"?job={one.pk}") == [b.pk, a.pk]
    assert ids("?state=FAILED") == [a.pk]
    assert ids("?state=waiting,starting") == [c.pk, b.pk]
    assert ids("?trigger=schedule") == [b.pk]
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert ids(f"?since={since.replace('+', '%2B')}") == [c.pk, b.pk]
    assert ids(f"?until={since.replace('+', '%2B')}") == [a.pk]
    for query, field in [("?state=DONE", "state"), ("?since=yesterday", "since"), ("?job=x", "job"),
                         ("?trigger=cron", "trigger")]:  # fmt: skip
        response = viewer.get(f"/api/runs/{query}")
        assert response.status_code == 400 and field in response.json()


def test_the_runs_list_pages_by_cursor_without_gaps_or_repeats(
    db: None, api: Callable[..., APIClient], make_job: Callable[..., Job]
) -> None:
    job = make_job(max_concurrent_runs=10)
    made = [start_run(job, started_by=USER).pk for _ in range(5)]
    viewer = api("viewer")
    seen: list[int] = []
    url: str | None = "/api/runs/?page_size=2"
    while url:
        page = viewer.get(url).json()
        assert len(page["results"]) <= 2
        seen += [r["id"] for r in page["results"]]
        url = page["next"]
    assert seen == sorted(made, reverse=True)


def test_stopping_a_waiting_run_ends_it_and_a_stopped_run_cannot_be_stopped_again(
    db: None, api: Callable[..., APIClient], make_job: Callable[..., Job]
) -> None:
    job = make_job()
    first = start_run(job, started_by=USER)
    waiting = start_run(job, started_by=USER)
    operator = api("operator")
    response = operator.post(f"/api/runs/{waiting.pk}/stop/")
    assert response.status_code == 202 and response.json()["state"] == "STOPPED"
    assert operator.post(f"/api/runs/{waiting.pk}/stop/").status_code == 409
    assert JobRun.objects.get(pk=first.pk).state == "STARTING"


def test_a_job_with_unfinished_runs_cannot_be_deleted(
    db: None, api: Callable[..., APIClient], make_job: Callable[..., Job]
) -> None:
    job = make_job()
    run = start_run(job, started_by=USER)
    editor = api("editor")
    assert editor.delete(f"/api/jobs/{job.pk}/").status_code == 409
    JobRun.objects.filter(pk=run.pk).update(state="SUCCEEDED")
    assert editor.delete(f"/api/jobs/{job.pk}/").status_code == 204
    assert not Job.objects.exists() and not JobRun.objects.exists()


def _finish(run: JobRun, state: str, minutes_ago: float = 0) -> None:
    """Move a run's row straight to an end state (the API under test only reads it)."""
    ended = timezone.now() - timedelta(minutes=minutes_ago)
    JobRun.objects.filter(pk=run.pk).update(state=state, started_at=ended, completed_at=ended)


def test_the_jobs_list_shows_each_jobs_newest_run(
    db: None, api: Callable[..., APIClient], make_job: Callable[..., Job]
) -> None:
    daily, weekly = make_job(name="daily", max_concurrent_runs=5), make_job(name="weekly")
    make_job(name="new")
    _finish(start_run(daily, started_by=USER), "SUCCEEDED", minutes_ago=10)
    newest = start_run(daily, started_by=USER)
    _finish(newest, "FAILED")
    other = start_run(weekly, started_by=USER)  # still STARTING: no completed_at yet
    jobs = {job["name"]: job for job in api("viewer").get("/api/jobs/").json()}
    newest.refresh_from_db()
    assert jobs["daily"]["last_run"] == {
        "id": newest.pk,
        "state": "FAILED",
        "created_at": newest.created_at.isoformat().replace("+00:00", "Z"),
        "completed_at": newest.completed_at.isoformat().replace("+00:00", "Z"),  # type: ignore[union-attr]
    }
    assert jobs["weekly"]["last_run"] == {**jobs["weekly"]["last_run"], "id": other.pk, "state": "STARTING"}
    assert jobs["weekly"]["last_run"]["completed_at"] is None
    assert jobs["new"]["last_run"] is None
    # The job's own answers keep their shape: only the list carries last_run.
    assert "last_run" not in api("viewer").get(f"/api/jobs/{daily.pk}/").json()


def test_the_jobs_list_costs_the_same_queries_for_many_jobs_as_for_one(
    db: None,
    api: Callable[..., APIClient],
    make_job: Callable[..., Job],
    django_assert_max_num_queries: Callable[[int], Any],
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    viewer = api("viewer")
    _finish(start_run(make_job(), started_by=USER), "SUCCEEDED")
    viewer.get("/api/jobs/")  # the first request may load per-process caches
    with CaptureQueriesContext(connection) as one_job:
        assert len(viewer.get("/api/jobs/").json()) == 1
    for _ in range(12):
        job = make_job(max_concurrent_runs=3)
        for _ in range(3):
            _finish(start_run(job, started_by=USER), "SUCCEEDED")
    with django_assert_max_num_queries(len(one_job.captured_queries)):
        answer = viewer.get("/api/jobs/").json()
    assert len(answer) == 13 and all(job["last_run"]["state"] == "SUCCEEDED" for job in answer)
