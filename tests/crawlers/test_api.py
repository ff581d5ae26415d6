"""/api/crawlers/: who may do what, bad input named by field, runs and their explanations."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from rest_framework.test import APIClient

from catalog.models import Table
from crawlers.crawl import run_crawl
from crawlers.models import Crawler, CrawlerRun
from jobs.models import RunEvent
from jobs.runs.execute import STALE_SECONDS
from tests.crawlers.files import PEOPLE_CSV, write

pytestmark = pytest.mark.django_db
Api = Callable[..., APIClient]


def definition(lake: Path, **fields: Any) -> dict[str, Any]:
    return {"name": "people", "targets": [{"path": str(lake / "people")}], "database": "crm", **fields}


@pytest.fixture
def people(lake: Path) -> Path:
    return write(lake / "people" / "p.csv", PEOPLE_CSV)


def test_an_editor_creates_reads_changes_and_deletes_a_crawler(lake: Path, people: Path, api: Api) -> None:
    editor = api("editor")
    created = editor.post("/api/crawlers/", definition(lake, schedule="0 3 * * *"), format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["state"] == "READY"
    assert body["update_behavior"] == "UPDATE_IN_DATABASE"
    assert body["delete_behavior"] == "DEPRECATE_IN_DATABASE"
    assert body["recrawl_behavior"] == "CRAWL_EVERYTHING"
    assert api("viewer").get("/api/crawlers/").json()["results"][0]["name"] == "people"
    changed = editor.patch("/api/crawlers/people/", {"exclusions": ["*.tmp"], "table_prefix": "crm_"}, format="json")
    assert changed.status_code == 200
    assert changed.json()["exclusions"] == ["*.tmp"]
    assert editor.delete("/api/crawlers/people/").status_code == 204
    assert not Crawler.objects.exists()
    assert not PeriodicTask.objects.filter(name__startswith="crawler:").exists()


def test_a_schedule_becomes_a_periodic_task_the_scheduler_runs(lake: Path, people: Path, api: Api) -> None:
    editor = api("editor")
    editor.post("/api/crawlers/", definition(lake, schedule="*/15 2 * * 1-5"), format="json")
    crawler = Crawler.objects.get()
    task = PeriodicTask.objects.get(name=f"crawler:{crawler.pk}")
    assert task.task == "crawlers.run_scheduled"
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week) == ("*/15", "2", "1-5")
    editor.patch("/api/crawlers/people/", {"schedule": "0 4 * * *"}, format="json")
    task.refresh_from_db()
    assert (task.crontab.minute, task.crontab.hour) == ("0", "4")
    editor.patch("/api/crawlers/people/", {"schedule": ""}, format="json")
    assert not PeriodicTask.objects.filter(name=f"crawler:{crawler.pk}").exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"targets": [{"path": "../etc"}]}, "targets.0.path"),
        ({"targets": [{"path": "/etc"}]}, "targets.0.path"),
        ({"targets": [{"path": "ftp://x/y"}]}, "targets.0.path"),
        ({"targets": []}, "targets"),
        ({"exclusions": ["ok/*", "[oops"]}, "exclusions.1"),
        ({"schedule": "61 * * * *"}, "schedule"),
        ({"schedule": "every day"}, "schedule"),
        ({"classifiers": [{"kind": "magic"}]}, "classifiers.0.kind"),
        ({"classifiers": [{"kind": "grok", "pattern": "%{NOPE:x}"}]}, "classifiers.0.pattern"),
        ({"classifiers": [{"kind": "csv", "delimiter": "::"}]}, "classifiers.0.delimiter"),
        ({"classifiers": [{"kind": "json", "json_path": "data"}]}, "classifiers.0.json_path"),
        ({"update_behavior": "SOMETIMES"}, "update_behavior"),
        ({"delete_behavior": "SHRED"}, "delete_behavior"),
        ({"recrawl_behavior": "NEVER"}, "recrawl_behavior"),
        ({"sample_size": 0}, "sample_size"),
        ({"table_threshold": -1}, "table_threshold"),
        ({"table_level": "two"}, "table_level"),
        ({"database": "no spaces"}, "database"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_stores_nothing(
    lake: Path, people: Path, api: Api, change: dict[str, Any], field: str
) -> None:
    editor = api("editor")
    response = editor.post("/api/crawlers/", definition(lake, **change), format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not Crawler.objects.exists()
    editor.post("/api/crawlers/", definition(lake), format="json")
    before = Crawler.objects.values().get()
    response = editor.patch("/api/crawlers/people/", change, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Crawler.objects.values().get() == before


def test_a_symlink_target_leading_outside_the_data_roots_is_refused(lake: Path, tmp_path: Path, api: Api) -> None:
    (tmp_path / "outside").mkdir()
    (lake / "escape").symlink_to(tmp_path / "outside")
    response = api("editor").post(
        "/api/crawlers/", definition(lake, targets=[{"path": str(lake / "escape")}]), format="json"
    )
    assert response.status_code == 400
    assert "outside the data roots" in response.json()["targets.0.path"][0]


@pytest.mark.parametrize(
    ("role", "create", "start", "dry_run", "read"),
    [
        ("viewer", 403, 403, 403, 200),
        ("editor", 201, 403, 202, 200),
        ("operator", 403, 202, 202, 200),
        ("admin", 201, 202, 202, 200),
        (None, 401, 401, 401, 401),
    ],
)
def test_roles_decide_who_may_define_start_and_preview(
    lake: Path, people: Path, api: Api, role: str | None, create: int, start: int, dry_run: int, read: int
) -> None:
    client = api(role)
    assert client.post("/api/crawlers/", definition(lake, name="mine"), format="json").status_code == create
    api("editor").post("/api/crawlers/", definition(lake), format="json")
    assert client.get("/api/crawlers/people/").status_code == read
    preview = client.post("/api/crawlers/people/dry-run/")
    assert preview.status_code == dry_run
    if dry_run == 202:
        run_crawl(preview.json()["id"])  # what the worker does with it
    assert client.post("/api/crawlers/people/start/").status_code == start
    assert client.get("/api/crawlers/people/runs/").status_code == read


def test_start_queues_a_run_and_a_second_start_is_refused_until_it_ends(lake: Path, people: Path, api: Api) -> None:
    api("editor").post("/api/crawlers/", definition(lake), format="json")
    operator = api("operator")
    started = operator.post("/api/crawlers/people/start/")
    assert started.status_code == 202
    assert started.json()["state"] == "WAITING"
    assert Crawler.objects.get().state == "RUNNING"
    again = operator.post("/api/crawlers/people/start/")
    assert again.status_code == 409
    run_crawl(started.json()["id"])  # what the worker does
    detail = operator.get(f"/api/crawlers/people/runs/{started.json()['id']}/").json()
    assert detail["state"] == "SUCCEEDED"
    assert detail["tables_created"] == 1
    create = next(c for c in detail["changes"] if c["action"] == "create_table")
    assert "new table at" in create["reason"]
    assert any("files listed" in line["message"] for line in detail["log"])
    assert operator.get("/api/crawlers/people/").json()["last_run"]["state"] == "SUCCEEDED"
    assert operator.post("/api/crawlers/people/start/").status_code == 202


def test_stop_ends_a_waiting_run_before_a_worker_takes_it(lake: Path, people: Path, api: Api) -> None:
    api("editor").post("/api/crawlers/", definition(lake), format="json")
    operator = api("operator")
    assert operator.post("/api/crawlers/people/stop/").status_code == 409
    waiting = operator.post("/api/crawlers/people/start/").json()
    stopped = operator.post("/api/crawlers/people/stop/")
    assert stopped.json()["state"] == "STOPPED"
    run_crawl(waiting["id"])  # the worker picks it up late: it stays stopped
    assert CrawlerRun.objects.get(pk=waiting["id"]).state == "STOPPED"
    assert Crawler.objects.get().state == "READY"


def test_a_dry_run_answers_the_plan_and_changes_no_table(lake: Path, people: Path, api: Api) -> None:
    api("editor").post("/api/crawlers/", definition(lake), format="json")
    editor = api("editor")
    preview = editor.post("/api/crawlers/people/dry-run/")
    assert preview.status_code == 202
    waiting = preview.json()
    assert (waiting["dry_run"], waiting["state"], waiting["changes"]) == (True, "WAITING", [])
    assert Crawler.objects.get().state == "RUNNING"  # a second preview or run waits for this one
    assert editor.post("/api/crawlers/people/dry-run/").status_code == 409

    run_crawl(waiting["id"])  # what the worker does with it
    body = editor.get(f"/api/crawlers/people/runs/{waiting['id']}/").json()
    assert body["dry_run"] is True and body["state"] == "SUCCEEDED"
    events = RunEvent.objects.filter(kind="crawl", run_id=waiting["id"], type="crawl.state").order_by("seq")
    assert [e.payload["state"] for e in events] == ["WAITING", "RUNNING", "SUCCEEDED"]
    assert [c["action"] for c in body["changes"]] == ["create_database", "create_table"]
    assert body["changes"][1]["columns"][0] == {"name": "id", "type": "bigint", "comment": ""}
    assert body["tables"][0]["reason"].startswith("one file")
    assert not Table.objects.exists()
    assert Crawler.objects.get().state == "READY"


def test_unknown_crawlers_and_runs_are_404(db: None, api: Api) -> None:
    viewer = api("viewer")
    assert viewer.get("/api/crawlers/nope/").status_code == 404
    assert viewer.get("/api/crawlers/nope/runs/1/").status_code == 404


def test_the_classifier_order_is_published(db: None, api: Api) -> None:
    body = api("viewer").get("/api/crawlers/classifiers/").json()
    assert body["built_in_order"][0] == "parquet"
    assert body["custom_kinds"] == ["csv", "grok", "json"]


def test_the_path_picker_lists_folders_inside_the_data_roots_only(lake: Path, tmp_path: Path, api: Api) -> None:
    (lake / "sales" / "2026").mkdir(parents=True)
    (lake / "_tmp").mkdir()
    write(lake / "file.csv", "a\n1\n")
    editor = api("editor")
    assert editor.get("/api/crawlers/browse/").json()["folders"] == [str(lake)]
    inside = editor.get("/api/crawlers/browse/", {"path": str(lake)}).json()
    assert inside == {"path": str(lake), "parent": None, "folders": [str(lake / "sales")]}
    below = editor.get("/api/crawlers/browse/", {"path": str(lake / "sales")}).json()
    assert below["parent"] == str(lake)
    outside = editor.get("/api/crawlers/browse/", {"path": str(tmp_path)})
    assert outside.status_code == 400
    assert "outside the data roots" in outside.json()["path"][0]
    assert api("viewer").get("/api/crawlers/browse/").status_code == 403


def test_the_scheduled_task_starts_and_finishes_a_run_marked_as_the_schedules(
    lake: Path, people: Path, api: Api
) -> None:
    from crawlers.tasks import run_scheduled

    api("editor").post("/api/crawlers/", definition(lake, schedule="0 3 * * *"), format="json")
    crawler = Crawler.objects.get()
    run_scheduled(crawler.pk)  # the task body a worker runs when beat sends its message
    run = CrawlerRun.objects.get()
    assert (run.started_by, run.state, run.tables_created) == ("schedule", "SUCCEEDED", 1)
    Crawler.objects.filter(pk=crawler.pk).update(state="RUNNING")  # a run still going: this turn is skipped
    run_scheduled(crawler.pk)
    assert CrawlerRun.objects.count() == 1


def test_a_second_stop_ends_a_run_whose_live_worker_does_not_answer(lake: Path, people: Path, api: Api) -> None:
    api("editor").post("/api/crawlers/", definition(lake), format="json")
    operator = api("operator")
    started = operator.post("/api/crawlers/people/start/").json()
    # A worker took it and still beats its heartbeat, but is stuck.
    now = timezone.now()
    CrawlerRun.objects.filter(pk=started["id"]).update(state="RUNNING", worker="alpha@host", heartbeat_at=now)
    assert operator.post("/api/crawlers/people/stop/").json()["state"] == "STOPPING"
    assert Crawler.objects.get().state == "STOPPING"
    forced = operator.post("/api/crawlers/people/stop/").json()
    assert forced["state"] == "STOPPED"
    assert "stopped by force" in forced["error"]
    assert Crawler.objects.get().state == "READY"
    assert operator.post("/api/crawlers/people/start/").status_code == 202


@pytest.mark.parametrize(
    ("worker", "beat_seconds_ago", "why"),
    [
        ("", None, "it was started before crawls had heartbeats"),  # claimed before migration 0002
        ("alpha@host", STALE_SECONDS + 5, "its worker alpha@host stopped sending heartbeats"),
        ("alpha@host", None, "its worker alpha@host stopped sending heartbeats (last at never)"),
    ],
)
def test_one_stop_ends_a_run_whose_worker_is_gone(
    lake: Path, people: Path, api: Api, worker: str, beat_seconds_ago: float | None, why: str
) -> None:
    api("editor").post("/api/crawlers/", definition(lake), format="json")
    operator = api("operator")
    started = operator.post("/api/crawlers/people/start/").json()
    beat = None if beat_seconds_ago is None else timezone.now() - timedelta(seconds=beat_seconds_ago)
    CrawlerRun.objects.filter(pk=started["id"]).update(state="RUNNING", worker=worker, heartbeat_at=beat)

    stopped = operator.post("/api/crawlers/people/stop/")

    assert stopped.status_code == 202
    body = stopped.json()
    assert body["state"] == "STOPPED" and body["ended_at"] is not None
    assert body["error"].startswith(f"stopped at once: {why}")
    assert "nothing in the catalog was changed" in body["error"]
    run = CrawlerRun.objects.get(pk=started["id"])
    assert run.log[-1] == {"at": run.log[-1]["at"], "level": "error", "message": run.error}
    states = [e.payload["state"] for e in RunEvent.objects.filter(kind="crawl", run_id=run.pk, type="crawl.state")]
    assert states == ["WAITING", "STOPPED"]  # the RUNNING state was set by hand above
    assert Crawler.objects.get().state == "READY"
    assert operator.post("/api/crawlers/people/stop/").status_code == 409
    assert operator.post("/api/crawlers/people/start/").status_code == 202


def test_a_run_carried_outside_a_worker_is_asked_to_stop_not_ended(lake: Path, people: Path, api: Api) -> None:
    """run_crawl called directly (a test, a benchmark) has a heartbeat stamp but no worker: it checks for stops."""
    api("editor").post("/api/crawlers/", definition(lake), format="json")
    operator = api("operator")
    started = operator.post("/api/crawlers/people/start/").json()
    long_ago = timezone.now() - timedelta(hours=1)
    CrawlerRun.objects.filter(pk=started["id"]).update(state="RUNNING", worker="", heartbeat_at=long_ago)
    assert operator.post("/api/crawlers/people/stop/").json()["state"] == "STOPPING"
