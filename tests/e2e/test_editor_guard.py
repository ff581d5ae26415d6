"""The editor in a real browser holds every way out while a job has unsaved changes, and asks in its own dialog."""

from __future__ import annotations

import json
import re
import secrets

import pytest
from playwright.sync_api import Dialog, Locator, Page, expect

from tests.e2e.launcher import RunningApp
from tests.e2e.test_editor import api, select_node

pytestmark = pytest.mark.e2e

GRAPH = {
    "format": "glueweb.graph/1",
    "parameters": [],
    "nodes": [
        {"id": "orders", "type": "read_files", "params": {"path": "lake/retail/orders", "format": "parquet"},
         "position": {"x": 0, "y": 0}},
        {"id": "kept", "type": "filter", "params": {"condition": "status <> 'cancelled'"},
         "position": {"x": 260, "y": 0}},
    ],
    "edges": [{"source": "orders", "target": "kept"}],
}  # fmt: skip


def save_job(page: Page) -> tuple[int, str]:
    """A saved two-node job (version 1): its id and name."""
    name = f"e2e guard {secrets.token_hex(3)}"
    answer = api(page, "POST", "/api/jobs/", {"name": name, "graph": GRAPH})
    assert answer["status"] == 201, answer
    return json.loads(answer["body"])["id"], name


def open_saved_job(page: Page, app: RunningApp) -> str:
    """A saved job, open in the editor; returns the editor's address."""
    job_id, _ = save_job(page)
    url = f"{app.url}/jobs/{job_id}"
    page.set_viewport_size({"width": 1600, "height": 1000})
    page.goto(url)
    expect(page.get_by_test_id("node-kept")).to_be_visible()
    return url


def condition(page: Page) -> Locator:
    return page.get_by_role("region", name="Node kept").get_by_role("textbox", name="Condition")


def edit_the_filter(page: Page, text: str) -> None:
    select_node(page, "kept")
    condition(page).fill(text)
    expect(page.get_by_title("unsaved changes")).to_be_visible()


def header_link(page: Page, name: str) -> Locator:
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name)


def leave_dialog(page: Page) -> Locator:
    return page.get_by_role("alertdialog", name="Leave without saving?")


def test_a_header_link_asks_first_stay_keeps_the_edits_and_leave_goes(signed_in_page: Page, app: RunningApp) -> None:
    page = signed_in_page
    editor_url = open_saved_job(page, app)
    edit_the_filter(page, "status = 'shipped'")

    header_link(page, "Catalog").click()
    expect(leave_dialog(page)).to_contain_text("This job has unsaved changes.")
    leave_dialog(page).get_by_role("button", name="Stay").click()
    expect(leave_dialog(page)).to_have_count(0)
    assert page.url == editor_url
    expect(condition(page)).to_have_value("status = 'shipped'")
    expect(page.get_by_title("unsaved changes")).to_be_visible()

    header_link(page, "Catalog").click()
    leave_dialog(page).get_by_role("button", name="Leave without saving").click()
    page.wait_for_url(f"{app.url}/catalog")
    expect(page.get_by_role("heading", name="Catalog", level=1)).to_be_visible()

    # Nothing was saved: the editor opens the stored version again.
    page.goto(editor_url)
    select_node(page, "kept")
    expect(condition(page)).to_have_value("status <> 'cancelled'")


def test_the_browser_back_button_asks_first(signed_in_page: Page, app: RunningApp) -> None:
    page = signed_in_page
    job_id, name = save_job(page)
    page.set_viewport_size({"width": 1600, "height": 1000})
    page.goto(f"{app.url}/jobs")
    # Into the editor by the app's own link, so that Back is a move inside the app.
    page.locator(f'tr[data-job="{name}"]').get_by_role("link", name=name).click()
    expect(page.get_by_test_id("node-kept")).to_be_visible()
    edit_the_filter(page, "total > 1")

    page.go_back()
    expect(leave_dialog(page)).to_be_visible()
    assert page.url == f"{app.url}/jobs/{job_id}"
    leave_dialog(page).get_by_role("button", name="Stay").click()
    expect(leave_dialog(page)).to_have_count(0)
    assert page.url == f"{app.url}/jobs/{job_id}"
    expect(condition(page)).to_have_value("total > 1")

    page.go_back()
    leave_dialog(page).get_by_role("button", name="Leave without saving").click()
    page.wait_for_url(f"{app.url}/jobs")
    expect(page.get_by_role("heading", name="Jobs", level=1)).to_be_visible()


def test_reloading_the_tab_gets_the_browsers_own_prompt(signed_in_page: Page, app: RunningApp) -> None:
    page = signed_in_page
    editor_url = open_saved_job(page, app)
    edit_the_filter(page, "total > 2")

    # The prompt comes from the browser (not the page), once the user has touched the page.
    with page.expect_event("dialog") as caught:
        page.evaluate("setTimeout(() => location.reload(), 0)")
    prompt: Dialog = caught.value
    assert prompt.type == "beforeunload"
    prompt.dismiss()  # "Cancel": the reload does not happen
    assert page.url == editor_url
    expect(condition(page)).to_have_value("total > 2")


def test_after_save_every_link_leaves_without_asking(signed_in_page: Page, app: RunningApp) -> None:
    page = signed_in_page
    open_saved_job(page, app)
    edit_the_filter(page, "total > 3")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("editor-notice")).to_contain_text("Saved version 2")
    expect(page.get_by_title("unsaved changes")).to_have_count(0)

    header_link(page, "Runs").click()
    page.wait_for_url(f"{app.url}/runs")
    expect(leave_dialog(page)).to_have_count(0)


def test_a_new_job_moves_to_its_own_address_on_first_save_without_asking(signed_in_page: Page, app: RunningApp) -> None:
    page = signed_in_page
    page.set_viewport_size({"width": 1600, "height": 1000})
    page.goto(f"{app.url}/jobs/new")
    page.get_by_test_id("import-graph").set_input_files(
        {"name": "guard.json", "mimeType": "application/json", "buffer": json.dumps(GRAPH).encode()}
    )
    expect(page.get_by_test_id("node-kept")).to_be_visible()
    expect(page.get_by_title("unsaved changes")).to_be_visible()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/jobs/\d+$"))
    expect(leave_dialog(page)).to_have_count(0)
    expect(page.get_by_title("unsaved changes")).to_have_count(0)
