"""The dashboard and run pages in Chromium against the real app: runs start, change state live, and stop.

Jobs are created through the real API as the signed-in admin (the page's own
session and CSRF token), under names of their own. Runs are executed by the
app's real Celery worker; the pages learn of every change over the live
channel, never by reloading (each page carries a marker that a reload would
wipe).
"""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.browser import sign_in
from tests.e2e.launcher import RunningApp

pytestmark = pytest.mark.e2e

FORMAT = "glueweb.graph/1"
# A run may queue behind a worker that is busy with another test's run.
RUN_TIMEOUT_MS = 60_000
# An event the worker has stored reaches an open page within this on a loaded machine.
LIVE_TIMEOUT_MS = 15_000


class Api:
    """glueweb's REST API through the page's own session (cookies and CSRF token), as the admin."""

    def __init__(self, page: Page, app: RunningApp) -> None:
        self.page = page
        self.app = app

    def call(self, method: str, path: str, body: Any = None, expect_status: int = 200) -> Any:
        csrf = next(c["value"] for c in self.page.context.cookies() if c["name"] == "csrftoken")
        response = self.page.request.fetch(
            f"{self.app.url}/api{path}",
            method=method,
            data=body,
            headers={"X-CSRFToken": csrf, "Accept": "application/json"},
        )
        assert response.status == expect_status, f"{method} {path}: {response.status} {response.text()}"
        return response.json()


def inline_numbers(node_id: str, count: int) -> dict[str, Any]:
    return {
        "id": node_id,
        "type": "inline_data",
        "label": "Numbers",
        "params": {"columns": [{"name": "n", "type": "bigint"}], "rows": [[i] for i in range(1, count + 1)]},
        "position": {"x": 0, "y": 0},
    }


def parquet_target(path: str) -> dict[str, Any]:
    return {
        "id": "save",
        "type": "write_files",
        "label": "Save",
        "params": {"path": path, "format": "parquet", "mode": "overwrite"},
        "position": {"x": 480, "y": 0},
    }


def tiny_graph(target: str) -> dict[str, Any]:
    """Five numbers -> keep n > min_n (a parameter, default 0) -> Parquet."""
    keep = {"id": "keep", "type": "filter", "params": {"condition": "n > ${min_n}"}, "position": {"x": 240, "y": 0}}
    return {
        "format": FORMAT,
        "parameters": [{"name": "min_n", "type": "number", "default": 0}],
        "nodes": [inline_numbers("numbers", 5), keep, parquet_target(target)],
        "edges": [{"source": "numbers", "target": "keep"}, {"source": "keep", "target": "save"}],
    }


def long_graph(target: str) -> dict[str, Any]:
    """A double cross join of 5,000 numbers (125 billion rows, summed): runs until stopped."""
    nodes = [
        inline_numbers("a", 5000),
        {"id": "j1", "type": "join", "params": {"how": "cross", "suffix": "_b"}, "position": {"x": 160, "y": 0}},
        {"id": "j2", "type": "join", "params": {"how": "cross", "suffix": "_c"}, "position": {"x": 320, "y": 0}},
        {
            "id": "total",
            "type": "aggregate",
            "params": {"group_by": [], "aggregations": [{"column": "n", "function": "sum", "alias": "total"}]},
            "position": {"x": 400, "y": 0},
        },
        parquet_target(target),
    ]
    edges = [
        {"source": "a", "target": "j1", "target_port": "left"},
        {"source": "a", "target": "j1", "target_port": "right"},
        {"source": "j1", "target": "j2", "target_port": "left"},
        {"source": "a", "target": "j2", "target_port": "right"},
        {"source": "j2", "target": "total"},
        {"source": "total", "target": "save"},
    ]
    return {"format": FORMAT, "parameters": [], "nodes": nodes, "edges": edges}


def create_job(api: Api, graph: dict[str, Any]) -> dict[str, Any]:
    name = f"e2e_dash_{secrets.token_hex(3)}"
    job: dict[str, Any] = api.call("POST", "/jobs/", {"name": name, "graph": graph}, 201)
    return job


def mark(page: Page) -> None:
    """Remember this page load; `still_marked` fails if the page was reloaded since."""
    page.evaluate("() => { window.__e2eMarker = 'no reload'; }")


def still_marked(page: Page) -> None:
    assert page.evaluate("() => window.__e2eMarker") == "no reload"


def open_dashboard(context: BrowserContext, app: RunningApp) -> Page:
    dashboard = context.new_page()
    dashboard.goto(f"{app.url}/dashboard")
    expect(dashboard.get_by_test_id("live-status")).to_have_attribute("data-status", "open", timeout=LIVE_TIMEOUT_MS)
    expect(dashboard.get_by_test_id("tile-total")).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    mark(dashboard)
    return dashboard


def test_a_run_started_from_the_run_page_with_a_new_parameter_reaches_succeeded_live_there_and_on_the_dashboard(
    page: Page, context: BrowserContext, app: RunningApp
) -> None:
    sign_in(page, app.url, app.username, app.password)
    api = Api(page, app)
    target = app.home / "lake" / "e2e_dash" / secrets.token_hex(3) / "out"
    job = create_job(api, tiny_graph(str(target)))
    first = api.call("POST", f"/jobs/{job['id']}/runs/", {}, 201)

    # The first run's page: the graph's nodes, their rows, and the end state arrive over the live channel.
    page.goto(f"{app.url}/runs/{first['id']}")
    mark(page)
    expect(page.get_by_test_id("run-state")).to_have_text("SUCCEEDED", timeout=RUN_TIMEOUT_MS)
    expect(page.get_by_test_id("node-row-numbers")).to_have_attribute(
        "data-state", "SUCCEEDED", timeout=LIVE_TIMEOUT_MS
    )
    expect(page.get_by_test_id("node-row-numbers").locator("td.numeric").first).to_have_text(
        "5", timeout=LIVE_TIMEOUT_MS
    )
    expect(page.get_by_test_id("graph-node-save")).to_have_attribute("data-state", "SUCCEEDED", timeout=LIVE_TIMEOUT_MS)
    expect(page.get_by_test_id("graph-node-rows-save")).to_contain_text("5 rows")
    expect(page.get_by_test_id("run-timeline").locator("li")).to_have_count(
        3, timeout=LIVE_TIMEOUT_MS
    )  # STARTING, RUNNING, SUCCEEDED
    still_marked(page)

    dashboard = open_dashboard(context, app)
    total_before = int(dashboard.get_by_test_id("tile-total").locator("strong").inner_text())
    expect(dashboard.get_by_test_id(f"run-state-{first['id']}")).to_have_text("SUCCEEDED", timeout=LIVE_TIMEOUT_MS)

    # Run it again from the run page with another parameter value: the page moves to the new run
    # and follows it to the end.
    page.get_by_test_id("run-with-parameters").click()
    expect(page.get_by_test_id("run-parameter-min_n")).to_have_value("0")
    page.get_by_test_id("run-parameter-min_n").fill("3")
    page.get_by_test_id("run-start-with-parameters").click()
    page.wait_for_url(lambda url: url.rstrip("/").split("/")[-1] not in {str(first["id"]), "runs"})
    second_id = int(page.url.rstrip("/").split("/")[-1])
    assert second_id > first["id"]
    expect(page.get_by_test_id("run-state")).to_have_text("SUCCEEDED", timeout=RUN_TIMEOUT_MS)
    expect(page.get_by_test_id("run-live-status")).to_have_attribute("data-status", "open", timeout=LIVE_TIMEOUT_MS)
    expect(page.get_by_test_id("run-parameters")).to_contain_text("min_n")
    expect(page.get_by_test_id("graph-node-rows-save")).to_contain_text("2 rows", timeout=LIVE_TIMEOUT_MS)
    assert any(target.iterdir()), "the succeeded run published nothing"

    # The dashboard, never reloaded, learnt of the new run and its end from events alone.
    row_state = dashboard.get_by_test_id(f"run-state-{second_id}")
    expect(row_state).to_have_text("SUCCEEDED", timeout=RUN_TIMEOUT_MS)
    expect(dashboard.get_by_test_id("tile-total").locator("strong")).to_have_text(
        str(total_before + 1), timeout=LIVE_TIMEOUT_MS
    )
    expect(dashboard.get_by_test_id(f"run-row-{second_id}")).to_contain_text(job["name"], timeout=LIVE_TIMEOUT_MS)
    still_marked(dashboard)

    # The stored run agrees with what the pages showed.
    stored = api.call("GET", f"/runs/{second_id}/")
    assert stored["state"] == "SUCCEEDED"
    assert stored["started_by"] == {"kind": "user", "name": app.username}
    assert stored["parameters"] == {"min_n": 3} and stored["rows_out"] == 2


def test_a_long_run_stopped_from_its_page_ends_stopped_live_and_publishes_nothing(
    page: Page, context: BrowserContext, app: RunningApp
) -> None:
    sign_in(page, app.url, app.username, app.password)
    api = Api(page, app)
    target = app.home / "lake" / "e2e_dash" / secrets.token_hex(3) / "out"
    job = create_job(api, long_graph(str(target)))
    dashboard = open_dashboard(context, app)

    run = api.call("POST", f"/jobs/{job['id']}/runs/", {}, 201)
    page.goto(f"{app.url}/runs/{run['id']}")
    mark(page)
    expect(page.get_by_test_id("run-state")).to_have_text("RUNNING", timeout=RUN_TIMEOUT_MS)
    expect(dashboard.get_by_test_id(f"run-state-{run['id']}")).to_have_text("RUNNING", timeout=LIVE_TIMEOUT_MS)
    expect(dashboard.get_by_test_id("tile-running").locator("strong")).not_to_have_text("0", timeout=LIVE_TIMEOUT_MS)

    page.get_by_test_id("run-stop").click()

    expect(page.get_by_test_id("run-state")).to_have_text("STOPPED", timeout=RUN_TIMEOUT_MS)
    timeline = page.get_by_test_id("run-timeline").locator("li")
    expect(timeline.last).to_have_attribute("data-state", "STOPPED", timeout=LIVE_TIMEOUT_MS)
    expect(page.get_by_test_id("run-timeline").locator("li[data-state=STOPPING]")).to_have_count(
        1, timeout=LIVE_TIMEOUT_MS
    )
    expect(page.get_by_test_id("run-stop")).to_have_count(0)
    expect(dashboard.get_by_test_id(f"run-state-{run['id']}")).to_have_text("STOPPED", timeout=RUN_TIMEOUT_MS)
    still_marked(page)
    still_marked(dashboard)

    assert api.call("GET", f"/runs/{run['id']}/")["state"] == "STOPPED"
    assert not target.exists() or not any(target.iterdir()), "a stopped run published output"


def test_a_viewer_watches_a_run_live_but_is_offered_neither_stop_nor_run_again(
    page: Page, context: BrowserContext, app: RunningApp
) -> None:
    sign_in(page, app.url, app.username, app.password)
    admin = Api(page, app)
    target = app.home / "lake" / "e2e_dash" / secrets.token_hex(3) / "out"
    job = create_job(admin, long_graph(str(target)))
    run = admin.call("POST", f"/jobs/{job['id']}/runs/", {}, 201)

    username, password = app.create_user("viewer")
    viewer = context.browser.new_context() if context.browser else None
    assert viewer is not None
    try:
        watcher = viewer.new_page()
        sign_in(watcher, app.url, username, password, f"/runs/{run['id']}")
        expect(watcher.get_by_test_id("run-state")).to_have_text("RUNNING", timeout=RUN_TIMEOUT_MS)
        expect(watcher.get_by_test_id("run-nodes")).to_be_visible(timeout=LIVE_TIMEOUT_MS)
        expect(watcher.get_by_test_id("run-stop")).to_have_count(0)
        expect(watcher.get_by_test_id("run-again")).to_have_count(0)
        # The server refuses them too.
        Api(watcher, app).call("POST", f"/runs/{run['id']}/stop/", {}, 403)

        # The admin stops it; the viewer's page follows.
        admin.call("POST", f"/runs/{run['id']}/stop/", {}, 202)
        expect(watcher.get_by_test_id("run-state")).to_have_text("STOPPED", timeout=RUN_TIMEOUT_MS)
    finally:
        viewer.close()


def test_a_crawl_started_while_the_dashboard_is_open_appears_in_its_table_and_tiles_live(
    page: Page, context: BrowserContext, app: RunningApp
) -> None:
    sign_in(page, app.url, app.username, app.password)
    api = Api(page, app)
    name = f"e2e_dash_crawler_{secrets.token_hex(3)}"
    crawler = {"name": name, "targets": [{"path": str(app.home / "lake" / "retail")}], "database": f"dash_{name}"}
    api.call("POST", "/crawlers/", crawler, 201)
    dashboard = open_dashboard(context, app)
    total_before = int(dashboard.get_by_test_id("tile-total").locator("strong").inner_text())
    crawls_before = int(dashboard.get_by_test_id("tile-kinds").get_attribute("data-crawls") or "0")

    run = api.call("POST", f"/crawlers/{name}/start/", None, 202)

    # Learnt from crawl.state events alone: the row, its end state, and the tiles.
    row = dashboard.get_by_test_id(f"crawl-run-row-{run['id']}")
    expect(row).to_contain_text(name, timeout=LIVE_TIMEOUT_MS)
    expect(row).to_have_attribute("data-kind", "crawl")
    expect(dashboard.get_by_test_id(f"crawl-run-state-{run['id']}")).to_have_text("SUCCEEDED", timeout=RUN_TIMEOUT_MS)
    expect(dashboard.get_by_test_id("tile-total").locator("strong")).to_have_text(
        str(total_before + 1), timeout=LIVE_TIMEOUT_MS
    )
    expect(dashboard.get_by_test_id("tile-kinds")).to_have_attribute(
        "data-crawls", str(crawls_before + 1), timeout=LIVE_TIMEOUT_MS
    )
    still_marked(dashboard)

    # The kind filter keeps the crawl and no job run; the row leads to the crawler's run page.
    dashboard.get_by_test_id("filter-kind").select_option("crawl")
    table = dashboard.get_by_test_id("runs-table")
    expect(table.locator('tr[data-kind="job"]')).to_have_count(0, timeout=LIVE_TIMEOUT_MS)
    expect(dashboard.get_by_test_id(f"crawl-run-row-{run['id']}")).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    dashboard.get_by_test_id(f"crawl-run-row-{run['id']}").get_by_role("link").click()
    expect(dashboard).to_have_url(f"{app.url}/crawlers/{name}/runs/{run['id']}")
    expect(dashboard.get_by_test_id("crawler-run")).to_be_visible()
