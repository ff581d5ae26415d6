"""The editor's comforts in a real browser: minimap, fit view, automatic layout, multi-select delete and undo,
copy into another job, export, the history of settings, the leave dialog's focus, and the Jobs page's actions."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import FloatRect, Locator, Page, expect

from tests.e2e.launcher import RunningApp
from tests.e2e.test_editor import api, click_empty_canvas, edge, node

pytestmark = pytest.mark.e2e

# Every node at the same place: only automatic layout makes the graph readable.
STACKED = {
    "format": "glueweb.graph/1",
    "parameters": [],
    "nodes": [
        {"id": "rows", "type": "inline_data", "position": {"x": 0, "y": 0},
         "params": {"columns": [{"name": "x", "type": "bigint"}], "rows": [[1], [2], [3]]}},
        {"id": "big", "type": "filter", "params": {"condition": "x > 1"}, "position": {"x": 0, "y": 0}},
        {"id": "first", "type": "limit", "params": {"n": 1}, "position": {"x": 0, "y": 0}},
        {"id": "out", "type": "write_files", "position": {"x": 0, "y": 0},
         "params": {"path": "lake/e2e/comforts", "format": "parquet", "mode": "overwrite"}},
    ],
    "edges": [
        {"source": "rows", "target": "big"},
        {"source": "big", "target": "first"},
        {"source": "first", "target": "out"},
    ],
}  # fmt: skip
IDS = ["rows", "big", "first", "out"]


def boxes(page: Page) -> dict[str, FloatRect]:
    found = {}
    for node_id in IDS:
        box = node(page, node_id).bounding_box()
        assert box is not None, node_id
        found[node_id] = box
    return found


def inside(box: FloatRect, frame: FloatRect) -> bool:
    return (
        box["x"] >= frame["x"] - 1
        and box["y"] >= frame["y"] - 1
        and box["x"] + box["width"] <= frame["x"] + frame["width"] + 1
        and box["y"] + box["height"] <= frame["y"] + frame["height"] + 1
    )


def overlap(a: FloatRect, b: FloatRect) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def head(page: Page, node_id: str) -> Locator:
    return node(page, node_id).locator(".editor-node-head")


def settle(page: Page, reached: Callable[[], bool], timeout_ms: int = 10_000) -> None:
    """Wait while the canvas animates (fit view, zoom, undo) until `reached()`; the assertion after it says what failed.

    A condition, not a fixed pause: an animation on a loaded machine may take longer than any pause.
    """
    waited = 0
    while not reached() and waited < timeout_ms:
        page.wait_for_timeout(50)
        waited += 50


def test_the_editing_comforts_work_with_mouse_and_keyboard(signed_in_page: Page, app: RunningApp) -> None:
    page = signed_in_page
    name = f"e2e comforts {secrets.token_hex(3)}"
    answer = api(page, "POST", "/api/jobs/", {"name": name, "graph": STACKED})
    assert answer["status"] == 201, answer
    job_id = json.loads(answer["body"])["id"]
    page.set_viewport_size({"width": 1600, "height": 1000})
    page.goto(f"{app.url}/jobs")
    page.locator(f'tr[data-job="{name}"]').get_by_role("link", name=name).click()
    expect(node(page, "out")).to_be_visible()
    canvas = page.get_by_test_id("editor-canvas")

    # The minimap draws every node.
    expect(page.locator(".react-flow__minimap .react-flow__minimap-node")).to_have_count(4)

    # Automatic layout: left to right along the connections, no two nodes on top of each other, all in view.
    page.get_by_role("button", name="Auto layout").click()
    expect(page.get_by_title("unsaved changes")).to_be_visible()
    page.wait_for_function(
        "() => new Set([...document.querySelectorAll('.react-flow__node')].map((n) => n.style.transform)).size === 4"
    )
    frame = canvas.bounding_box()
    assert frame is not None
    settle(page, lambda: all(inside(box, frame) for box in boxes(page).values()))  # the fit after the layout animates
    laid = boxes(page)
    assert laid["rows"]["x"] < laid["big"]["x"] < laid["first"]["x"] < laid["out"]["x"], laid
    assert not any(overlap(laid[a], laid[b]) for a in IDS for b in IDS if a < b), laid
    assert all(inside(box, frame) for box in laid.values()), laid

    # Zoomed in until nodes leave the view, Fit view brings every node back into it.
    for _ in range(4):
        page.get_by_role("button", name="Zoom In").click()
    settle(page, lambda: not all(inside(box, frame) for box in boxes(page).values()))
    assert not all(inside(box, frame) for box in boxes(page).values())
    page.get_by_role("button", name="Fit View").click()
    settle(page, lambda: all(inside(box, frame) for box in boxes(page).values()))
    assert all(inside(box, frame) for box in boxes(page).values()), boxes(page)

    # Multi-select with Ctrl+click, delete both with the keyboard; one undo brings both back, connections too.
    head(page, "big").click()
    head(page, "first").click(modifiers=["Control"])
    expect(page.get_by_role("complementary", name="Selected node")).to_contain_text("2 nodes selected.")
    page.keyboard.press("Delete")
    expect(node(page, "big")).to_have_count(0)
    expect(node(page, "first")).to_have_count(0)
    expect(edge(page, "rows", "big")).to_have_count(0)
    page.keyboard.press("Control+z")
    expect(node(page, "big")).to_be_visible()
    expect(node(page, "first")).to_be_visible()
    for source, target in (("rows", "big"), ("big", "first"), ("first", "out")):
        expect(edge(page, source, target)).to_have_count(1)

    # A box drawn with Shift selects everything inside it.
    click_empty_canvas(page)
    page.keyboard.down("Shift")
    page.mouse.move(frame["x"] + 4, frame["y"] + 4)
    page.mouse.down()
    page.mouse.move(frame["x"] + frame["width"] - 4, frame["y"] + frame["height"] - 4, steps=10)
    page.mouse.up()
    page.keyboard.up("Shift")
    expect(page.get_by_role("complementary", name="Selected node")).to_contain_text("4 nodes selected.")

    # Dragging one of them moves them all, and one undo puts them all back.
    before = boxes(page)
    grip = head(page, "rows").bounding_box()
    assert grip is not None
    page.mouse.move(grip["x"] + 30, grip["y"] + grip["height"] / 2)
    page.mouse.down()
    page.mouse.move(grip["x"] + 30, grip["y"] + grip["height"] / 2 + 120, steps=12)
    page.mouse.up()
    moved = boxes(page)
    down = {i: moved[i]["y"] - before[i]["y"] for i in IDS}
    assert down["rows"] > 50 and all(abs(d - down["rows"]) < 1 for d in down.values()), down
    page.keyboard.press("Control+z")
    places_before = {i: round(b["y"]) for i, b in before.items()}
    settle(page, lambda: {i: round(b["y"]) for i, b in boxes(page).items()} == places_before)
    assert {i: round(b["y"]) for i, b in boxes(page).items()} == places_before

    # Export: a job file whose graph is a glueweb.graph/1 document with the editor's nodes.
    with page.expect_download() as download:
        page.get_by_role("button", name="Export JSON").click()
    exported = json.loads(Path(download.value.path()).read_text())
    assert exported["name"] == name
    assert exported["graph"]["format"] == "glueweb.graph/1"
    assert [n["id"] for n in exported["graph"]["nodes"]] == IDS
    assert len({json.dumps(n["position"]) for n in exported["graph"]["nodes"]}) == 4  # laid out, not stacked

    # The code tab downloads the Polars script.
    page.get_by_role("tab", name="Code").click()
    with page.expect_download() as script:
        page.get_by_role("button", name="Download").click()
    assert script.value.suggested_filename.endswith(".py")
    assert "import polars as pl" in Path(script.value.path()).read_text()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copy", exact=True).click()
    expect(page.get_by_role("button", name="Copied", exact=True)).to_be_visible()
    assert "import polars as pl" in page.evaluate("navigator.clipboard.readText()")

    # A save that changed only a setting says so in the history.
    page.get_by_role("tab", name="Settings").click()
    page.get_by_label("Retries").fill("2")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("editor-notice")).to_contain_text("Saved version 2")
    page.get_by_role("tab", name="Versions").click()
    expect(page.get_by_test_id("versions-list").locator("li[data-version='2']")).to_contain_text("Retries: 0 → 2")

    # Copy a node, leave for a new job (the dialog keeps Tab inside it), and paste it there.
    click_empty_canvas(page)
    head(page, "big").click()
    page.keyboard.press("Control+c")
    page.get_by_role("button", name="Undo").click()  # an unsaved change, so leaving asks
    page.get_by_role("link", name="← Jobs").click()
    dialog = page.get_by_role("alertdialog", name="Leave without saving?")
    expect(dialog.get_by_role("button", name="Stay")).to_be_focused()
    for _ in range(3):
        page.keyboard.press("Tab")
        assert dialog.evaluate("(d) => d.contains(document.activeElement)")
    page.keyboard.press("Shift+Tab")
    assert dialog.evaluate("(d) => d.contains(document.activeElement)")
    dialog.get_by_role("button", name="Leave without saving").click()
    page.wait_for_url(f"{app.url}/jobs")
    page.get_by_role("button", name="New job").click()
    page.wait_for_url(f"{app.url}/jobs/new")
    expect(page.get_by_test_id("palette-filter")).to_be_visible()
    # Panned far from where the node was, the paste lands in the middle of the view, not out of sight.
    new_frame = canvas.bounding_box()
    assert new_frame is not None
    page.mouse.move(new_frame["x"] + new_frame["width"] - 80, new_frame["y"] + 60)
    page.mouse.down()
    page.mouse.move(new_frame["x"] + 80, new_frame["y"] + 60, steps=10)
    page.mouse.up()
    click_empty_canvas(page)
    page.keyboard.press("Control+v")
    expect(node(page, "big")).to_be_visible()
    pasted = node(page, "big").bounding_box()
    assert pasted is not None and inside(pasted, new_frame), (pasted, new_frame)
    expect(page.get_by_role("region", name="Node big").get_by_role("textbox", name="Condition")).to_have_value("x > 1")

    # Alone here its input is not connected: the problems list says so, and choosing the problem selects the node.
    click_empty_canvas(page)
    expect(page.get_by_role("region", name="Node big")).to_have_count(0)
    page.get_by_role("tab", name="Problems (1)").click()
    problems = page.get_by_test_id("problems-list")
    expect(problems).to_contain_text('input port "in" is not connected')
    problems.get_by_role("button", name="big").click()
    expect(page.get_by_role("region", name="Node big")).to_be_visible()

    # The Jobs page: duplicate, then delete the copy after confirming.
    page.get_by_role("link", name="← Jobs").click()
    page.get_by_role("button", name="Leave without saving").click()
    page.wait_for_url(f"{app.url}/jobs")
    page.get_by_role("button", name=f"Duplicate {name}", exact=True).click()
    copy = page.locator(f'tr[data-job="{name} (copy)"]')
    expect(copy).to_be_visible()
    status, copied = app.session().get_json("/api/jobs/")
    assert status == 200
    jobs = copied if isinstance(copied, list) else copied["results"]
    duplicate = next(job for job in jobs if job["name"] == f"{name} (copy)")
    assert duplicate["id"] != job_id and duplicate["max_retries"] == 2
    assert [n["id"] for n in duplicate["graph"]["nodes"]] == IDS
    page.once("dialog", lambda prompt: prompt.accept())
    copy.get_by_role("button", name=f"Delete {name} (copy)").click()
    expect(copy).to_have_count(0)
    expect(page.locator(f'tr[data-job="{name}"]')).to_be_visible()
