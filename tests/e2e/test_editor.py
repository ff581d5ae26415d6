"""The visual editor in a real browser: build a job from an empty canvas with the mouse, see it checked, run it live."""

from __future__ import annotations

import json
import re
import secrets
from typing import Any

import pytest
from playwright.sync_api import FilePayload, Locator, Page, expect

from tests.e2e.launcher import RunningApp

pytestmark = pytest.mark.e2e


def open_editor(page: Page, app: RunningApp) -> None:
    page.set_viewport_size({"width": 1600, "height": 1000})
    page.goto(f"{app.url}/jobs/new")
    expect(page.get_by_test_id("palette-read_files")).to_be_visible()


def drop_from_palette(page: Page, type_key: str, x: float, y: float) -> None:
    """Drag a node type from the palette with the mouse and drop it at (x, y) of the canvas.

    The new node takes the type's key as its id (the first of its type); React
    Flow shows it once it has measured it, and only then are its handles live.
    """
    canvas = page.get_by_test_id("editor-canvas")
    page.get_by_test_id(f"palette-{type_key}").drag_to(canvas, target_position={"x": x, "y": y})
    expect(page.locator(f'.react-flow__node[data-id="{type_key}"]')).to_be_visible()


def drag_between(page: Page, start: Locator, end: Locator) -> None:
    """Press on one element, move the mouse in steps to another, release: a connection drawn by hand."""
    a = start.bounding_box()
    b = end.bounding_box()
    assert a is not None and b is not None
    page.mouse.move(a["x"] + a["width"] / 2, a["y"] + a["height"] / 2)
    page.mouse.down()
    page.mouse.move((a["x"] + b["x"]) / 2, (a["y"] + b["y"]) / 2 + 5, steps=8)
    page.mouse.move(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2, steps=8)
    page.mouse.up()


def handle(page: Page, node: str, side: str, port: str) -> Locator:
    return page.get_by_test_id(f"handle-{node}-{side}-{port}")


def node(page: Page, node_id: str) -> Locator:
    return page.get_by_test_id(f"node-{node_id}")


def edge(page: Page, source: str, target: str, out_port: str = "out", in_port: str = "in") -> Locator:
    return page.locator(f'[data-testid="rf__edge-{source}:{out_port}->{target}:{in_port}"]')


def select_node(page: Page, node_id: str) -> None:
    node(page, node_id).locator(".editor-node-head").click()
    expect(page.get_by_role("region", name=f"Node {node_id}")).to_be_visible()


def click_empty_canvas(page: Page) -> None:
    """Focus leaves the form (so Ctrl+Z is the editor's, not the text field's) without selecting anything new."""
    box = page.get_by_test_id("editor-canvas").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] - 260, box["y"] + box["height"] - 30)


def api(page: Page, method: str, path: str, body: Any = None) -> Any:
    """A same-origin API call from the signed-in page (session cookie and CSRF token), as the app makes them."""
    return page.evaluate(
        """async ([method, path, body]) => {
            const token = document.cookie.split('; ').find((c) => c.startsWith('csrftoken='))?.split('=')[1];
            const response = await fetch(path, {method, credentials: 'same-origin',
                headers: {'Content-Type': 'application/json', 'X-CSRFToken': token ?? ''},
                body: body === null ? undefined : JSON.stringify(body)});
            return {status: response.status, body: await response.text()};
        }""",
        [method, path, body],
    )


def ensure_marts_database(page: Page) -> None:
    answer = api(page, "POST", "/api/catalog/databases/", {"name": "marts"})
    assert answer["status"] == 201 or "exists" in answer["body"], answer


def build_orders_pipeline(page: Page, out_folder: str) -> None:
    """read_files (demo orders) -> filter -> aggregate -> write_files, every node set through its form."""
    drop_from_palette(page, "read_files", 140, 200)
    expect(node(page, "read_files")).to_be_visible()
    panel = page.get_by_role("region", name="Node read_files")
    panel.get_by_label("Path").fill("lake/retail/orders")
    panel.get_by_label("Format").select_option("parquet")
    expect(node(page, "read_files").get_by_test_id("node-schema")).to_contain_text("order_id bigint")

    drop_from_palette(page, "filter", 400, 200)
    drag_between(page, handle(page, "read_files", "out", "out"), handle(page, "filter", "in", "in"))
    expect(edge(page, "read_files", "filter")).to_have_count(1)

    # A bad expression: the engine's problem shows on the node and under the field.
    select_node(page, "filter")
    condition = page.get_by_role("region", name="Node filter").get_by_role("textbox", name="Condition")
    condition.fill("totl > 100")
    expect(node(page, "filter").get_by_test_id("node-problems")).to_contain_text('unknown column "totl"')
    expect(page.get_by_role("region", name="Node filter").get_by_test_id("field-problems")).to_contain_text("totl")
    condition.fill("total > 100 AND status <> 'cancelled'")
    expect(node(page, "filter").get_by_test_id("node-problems")).to_have_count(0)
    expect(node(page, "filter").get_by_test_id("node-schema")).to_contain_text("cols")

    drop_from_palette(page, "aggregate", 660, 200)
    drag_between(page, handle(page, "filter", "out", "out"), handle(page, "aggregate", "in", "in"))
    expect(edge(page, "filter", "aggregate")).to_have_count(1)
    agg = page.get_by_role("region", name="Node aggregate")
    # Column pickers are filled from the input schema.
    agg.get_by_role("checkbox", name=re.compile(r"^currency")).check()
    agg.get_by_role("button", name="Add aggregations").click()
    agg.get_by_label("Function").select_option("sum")
    agg.get_by_label("Column", exact=True).select_option("total")
    agg.get_by_label("Alias").fill("revenue")
    expect(node(page, "aggregate").get_by_test_id("node-schema")).to_contain_text(
        "2 cols: currency string, revenue double"
    )

    drop_from_palette(page, "write_files", 920, 200)
    drag_between(page, handle(page, "aggregate", "out", "out"), handle(page, "write_files", "in", "in"))
    expect(edge(page, "aggregate", "write_files")).to_have_count(1)
    target = page.get_by_role("region", name="Node write_files")
    target.get_by_label("Path", exact=True).fill(out_folder)
    target.get_by_label("Mode").select_option("overwrite")
    target.get_by_label("Catalog update").select_option("create_or_update")
    target.get_by_label("Database").fill("marts")
    target.get_by_label("Table", exact=True).fill("e2e_revenue")


def test_a_job_is_built_with_the_mouse_checked_previewed_exported_and_saved(
    signed_in_page: Page, app: RunningApp
) -> None:
    page = signed_in_page
    ensure_marts_database(page)
    open_editor(page, app)
    build_orders_pipeline(page, f"lake/marts/e2e_revenue_{secrets.token_hex(3)}")
    expect(page.get_by_role("tab", name="Problems (0)")).to_be_visible()

    # Preview of the aggregate: a grid with names and types, labelled as a sample.
    select_node(page, "aggregate")
    page.get_by_role("tab", name="Preview").click()
    grid = page.get_by_test_id("preview-grid")
    expect(grid.locator("th").first).to_contain_text("currency")
    expect(grid.locator("th").nth(1)).to_contain_text("revenue")
    expect(grid.locator("th").nth(1)).to_contain_text("double")
    expect(page.get_by_test_id("preview-caption")).to_contain_text("Sample")
    expect(grid.locator("tbody tr")).to_have_count(3)  # EUR, GBP, USD

    # The code tab shows the exported Polars script.
    page.get_by_role("tab", name="Code").click()
    code = page.get_by_test_id("exported-code")
    expect(code).to_contain_text("import polars as pl")
    expect(code).to_contain_text("lake/retail/orders")

    # Save makes version 1 of a job that the API then holds, graph and all.
    page.get_by_role("tab", name="Settings").click()
    job_name = f"e2e revenue {secrets.token_hex(3)}"
    page.get_by_label("Job name").fill(job_name)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("editor-notice")).to_contain_text("Saved version 1")
    page.wait_for_url(re.compile(r"/jobs/\d+$"))
    job_id = int(page.url.rsplit("/", 1)[1])
    status, job = app.session().get_json(f"/api/jobs/{job_id}/")
    assert status == 200 and job["name"] == job_name
    assert [n["id"] for n in job["graph"]["nodes"]] == ["read_files", "filter", "aggregate", "write_files"]
    assert job["graph"]["nodes"][2]["params"] == {
        "group_by": ["currency"],
        "aggregations": [{"function": "sum", "column": "total", "alias": "revenue"}],
    }

    # A second save after a change is version 2; the history shows what changed and restores version 1.
    select_node(page, "filter")
    page.get_by_role("region", name="Node filter").get_by_role("textbox", name="Condition").fill("total > 50")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("editor-notice")).to_contain_text("Saved version 2")
    page.get_by_role("tab", name="Versions").click()
    versions = page.get_by_test_id("versions-list")
    expect(versions.locator("li[data-version='2']")).to_contain_text("Changed nodes: filter")
    versions.get_by_role("button", name="Restore version 1").click()
    select_node(page, "filter")
    expect(page.get_by_role("region", name="Node filter").get_by_role("textbox", name="Condition")).to_have_value(
        "total > 100 AND status <> 'cancelled'"
    )

    # The Jobs page lists it.
    page.goto(f"{app.url}/jobs")
    expect(page.locator(f'tr[data-job="{job_name}"]')).to_contain_text("2")


RUN_GRAPH = {
    "format": "glueweb.graph/1",
    "parameters": [],
    "nodes": [
        {"id": "orders", "type": "read_files", "params": {"path": "lake/retail/orders", "format": "parquet"},
         "position": {"x": 0, "y": 0}},
        {"id": "kept", "type": "filter", "params": {"condition": "status <> 'cancelled'"},
         "position": {"x": 260, "y": 0}},
        {"id": "by_currency", "type": "aggregate",
         "params": {"group_by": ["currency"],
                    "aggregations": [{"function": "sum", "column": "total", "alias": "revenue"}]},
         "position": {"x": 520, "y": 0}},
        {"id": "out", "type": "write_files",
         "params": {"path": "", "format": "parquet", "mode": "overwrite", "catalog_update": "create_or_update",
                    "database": "marts", "table": ""},
         "position": {"x": 780, "y": 0}},
    ],
    "edges": [
        {"source": "orders", "target": "kept"},
        {"source": "kept", "target": "by_currency"},
        {"source": "by_currency", "target": "out"},
    ],
}  # fmt: skip


def open_job_writing_to_marts(page: Page, app: RunningApp, graph: dict[str, Any], prefix: str) -> tuple[str, int]:
    """Create a job from `graph` whose write_files node writes a new table of `marts`, and open it in the editor."""
    ensure_marts_database(page)
    table = f"{prefix}_{secrets.token_hex(3)}"
    graph = json.loads(json.dumps(graph))
    (target,) = [n for n in graph["nodes"] if n["type"] == "write_files"]
    target["params"].update({"path": f"lake/marts/{table}", "table": table})
    answer = api(page, "POST", "/api/jobs/", {"name": table, "graph": graph})
    assert answer["status"] == 201, answer
    job_id = int(json.loads(answer["body"])["id"])
    page.set_viewport_size({"width": 1600, "height": 1000})
    page.goto(f"{app.url}/jobs/{job_id}")
    return table, job_id


def test_running_from_the_editor_shows_every_node_reach_succeeded_live(signed_in_page: Page, app: RunningApp) -> None:
    page = signed_in_page
    table, _ = open_job_writing_to_marts(page, app, RUN_GRAPH, "e2e_run")
    expect(node(page, "by_currency").get_by_test_id("node-schema")).to_contain_text("currency string")
    page.get_by_role("button", name="Run", exact=True).click()
    expect(page.get_by_test_id("run-state")).to_have_text("SUCCEEDED", timeout=60_000)
    for node_id in ("orders", "kept", "by_currency", "out"):
        expect(node(page, node_id)).to_have_attribute("data-run-state", "SUCCEEDED")
        expect(node(page, node_id).get_by_test_id("node-run")).to_contain_text("rows")
    expect(node(page, "by_currency").get_by_test_id("node-run")).to_contain_text("3 rows")

    # The output table is in the catalog.
    status, found = app.session().get_json(f"/api/catalog/databases/marts/tables/{table}/")
    assert status == 200, found
    assert [c["name"] for c in found["columns"]] == ["currency", "revenue"]

    # The Jobs page shows the last run.
    page.goto(f"{app.url}/jobs")
    expect(page.locator(f'tr[data-job="{table}"]').get_by_test_id("last-run")).to_contain_text("SUCCEEDED")


JOIN_GRAPH = {
    "format": "glueweb.graph/1",
    "parameters": [],
    "nodes": [
        {"id": "orders", "type": "read_files", "params": {"path": "lake/retail/orders", "format": "parquet"},
         "position": {"x": 0, "y": 0}},
        {"id": "customers", "type": "read_files",
         "params": {"path": "lake/retail/customers/customers.csv", "format": "csv"}, "position": {"x": 0, "y": 220}},
        {"id": "kept", "type": "filter", "params": {"condition": "status <> 'cancelled'"},
         "position": {"x": 260, "y": 0}},
        {"id": "joined", "type": "join",
         "params": {"how": "inner", "on": [{"left": "customer_id", "right": "customer_id"}]},
         "position": {"x": 520, "y": 100}},
        {"id": "by_country", "type": "aggregate",
         "params": {"group_by": ["country"],
                    "aggregations": [{"function": "sum", "column": "total", "alias": "revenue"}]},
         "position": {"x": 780, "y": 100}},
        {"id": "out", "type": "write_files",
         "params": {"path": "", "format": "parquet", "mode": "overwrite", "catalog_update": "create_or_update",
                    "database": "marts", "table": ""},
         "position": {"x": 1040, "y": 100}},
    ],
    "edges": [
        {"source": "orders", "target": "kept"},
        {"source": "kept", "target": "joined", "target_port": "left"},
        {"source": "customers", "target": "joined", "target_port": "right"},
        {"source": "joined", "target": "by_country"},
        {"source": "by_country", "target": "out"},
    ],
}  # fmt: skip


def test_exact_node_metrics_chosen_in_settings_give_every_node_rows_and_a_duration(
    signed_in_page: Page, app: RunningApp
) -> None:
    page = signed_in_page
    _, job_id = open_job_writing_to_marts(page, app, JOIN_GRAPH, "e2e_exact")
    expect(node(page, "by_country").get_by_test_id("node-schema")).to_contain_text("country")
    # The default ("fast") leaves the filter feeding the join uncounted, and says so.
    page.get_by_role("button", name="Run", exact=True).click()
    expect(page.get_by_test_id("run-state")).to_have_text("SUCCEEDED", timeout=60_000)
    expect(node(page, "kept").get_by_test_id("node-run-rows")).to_have_text("rows not counted")

    page.get_by_role("tab", name="Settings").click()
    page.get_by_label("Node metrics").select_option("exact")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("editor-notice")).to_contain_text("Saved version 2")
    page.get_by_role("button", name="Run", exact=True).click()
    counted = re.compile(r"^[\d,]+ rows$")
    expect(node(page, "kept").get_by_test_id("node-run-rows")).to_have_text(counted, timeout=60_000)
    expect(page.get_by_test_id("run-state")).to_have_text("SUCCEEDED", timeout=60_000)
    for node_id in ("orders", "customers", "kept", "joined", "by_country", "out"):
        expect(node(page, node_id)).to_have_attribute("data-run-state", "SUCCEEDED")
        expect(node(page, node_id).get_by_test_id("node-run-rows")).to_have_text(counted)
        expect(node(page, node_id).get_by_test_id("node-run")).to_contain_text(re.compile(r"\d (ms|s)\b"))
    status, job = app.session().get_json(f"/api/jobs/{job_id}/")
    assert status == 200 and job["node_metrics"] == "exact"


def test_undo_redo_splice_and_a_refused_connection(signed_in_page: Page, app: RunningApp) -> None:
    page = signed_in_page
    open_editor(page, app)
    drop_from_palette(page, "read_files", 140, 200)
    page.get_by_role("region", name="Node read_files").get_by_label("Path").fill("lake/retail/orders")
    page.get_by_role("region", name="Node read_files").get_by_label("Format").select_option("parquet")
    drop_from_palette(page, "filter", 420, 200)
    drag_between(page, handle(page, "read_files", "out", "out"), handle(page, "filter", "in", "in"))
    expect(edge(page, "read_files", "filter")).to_have_count(1)
    drop_from_palette(page, "aggregate", 720, 200)
    drag_between(page, handle(page, "filter", "out", "out"), handle(page, "aggregate", "in", "in"))
    expect(edge(page, "filter", "aggregate")).to_have_count(1)

    # Dropping a type onto a connection splices it in.
    middle = edge(page, "filter", "aggregate").bounding_box()
    assert middle is not None
    canvas_box = page.get_by_test_id("editor-canvas").bounding_box()
    assert canvas_box is not None
    drop_from_palette(
        page,
        "drop_nulls",
        middle["x"] + middle["width"] / 2 - canvas_box["x"],
        middle["y"] + middle["height"] / 2 - canvas_box["y"],
    )
    expect(node(page, "drop_nulls")).to_be_visible()
    expect(edge(page, "filter", "drop_nulls")).to_have_count(1)
    expect(edge(page, "drop_nulls", "aggregate")).to_have_count(1)
    expect(edge(page, "filter", "aggregate")).to_have_count(0)

    # Undo takes the splice back whole; redo brings it again.
    click_empty_canvas(page)
    page.keyboard.press("Control+z")
    expect(node(page, "drop_nulls")).to_have_count(0)
    expect(edge(page, "filter", "aggregate")).to_have_count(1)
    page.keyboard.press("Control+Shift+z")
    expect(node(page, "drop_nulls")).to_be_visible()
    expect(edge(page, "filter", "aggregate")).to_have_count(0)
    page.get_by_role("button", name="Undo").click()
    expect(node(page, "drop_nulls")).to_have_count(0)

    # A port that takes one input, already fed: refused, and the editor says why.
    drag_between(page, handle(page, "read_files", "out", "out"), handle(page, "aggregate", "in", "in"))
    notice = page.get_by_test_id("editor-notice")
    expect(notice).to_contain_text("Connection refused")
    expect(notice).to_contain_text("already fed by filter")
    expect(edge(page, "read_files", "aggregate")).to_have_count(0)

    # Two outputs: the wrong port.
    drag_between(page, handle(page, "filter", "out", "out"), handle(page, "read_files", "out", "out"))
    expect(notice).to_contain_text("Wrong port")

    # A loop back into the filter would be a cycle... but its input is fed, so free it first.
    edge(page, "read_files", "filter").click(force=True)
    page.keyboard.press("Delete")
    expect(edge(page, "read_files", "filter")).to_have_count(0)
    drag_between(page, handle(page, "aggregate", "out", "out"), handle(page, "filter", "in", "in"))
    expect(notice).to_contain_text("cycle")
    expect(edge(page, "aggregate", "filter")).to_have_count(0)

    # Delete by keyboard, then undo brings the node and its connections back.
    select_node(page, "filter")
    click_empty_canvas(page)
    node(page, "filter").locator(".editor-node-head").click()
    page.keyboard.press("Delete")
    expect(node(page, "filter")).to_have_count(0)
    page.keyboard.press("Control+z")
    expect(node(page, "filter")).to_be_visible()
    expect(edge(page, "filter", "aggregate")).to_have_count(1)

    # Duplicate (Ctrl+D) and copy/paste (Ctrl+C, Ctrl+V) add copies with fresh ids, selected.
    node(page, "filter").locator(".editor-node-head").click()
    page.keyboard.press("Control+d")
    expect(node(page, "filter_2")).to_be_visible()
    expect(page.get_by_role("region", name="Node filter_2")).to_be_visible()
    page.keyboard.press("Control+c")
    page.keyboard.press("Control+v")
    expect(node(page, "filter_3")).to_be_visible()


def test_an_exported_job_imports_back_into_the_editor(signed_in_page: Page, app: RunningApp) -> None:
    page = signed_in_page
    graph = {
        "format": "glueweb.graph/1",
        "parameters": [],
        "nodes": [
            {"id": "rows", "type": "inline_data",
             "params": {"columns": [{"name": "x", "type": "bigint"}], "rows": [[1], [2]]},
             "position": {"x": 0, "y": 0}},
            {"id": "big", "type": "filter", "params": {"condition": "x > 1"}, "position": {"x": 300, "y": 0}},
        ],
        "edges": [{"source": "rows", "target": "big"}],
    }  # fmt: skip
    open_editor(page, app)
    payload: FilePayload = {"name": "small.json", "mimeType": "application/json", "buffer": json.dumps(graph).encode()}
    page.get_by_test_id("import-graph").set_input_files(files=[payload])
    expect(node(page, "rows")).to_be_visible()
    expect(node(page, "big").get_by_test_id("node-schema")).to_contain_text("x bigint")
    select_node(page, "big")
    page.get_by_role("tab", name="Preview").click()
    expect(page.get_by_test_id("preview-grid").locator("tbody tr")).to_have_count(1)


def test_a_node_that_fails_while_running_shows_its_error_on_the_canvas(signed_in_page: Page, app: RunningApp) -> None:
    page = signed_in_page
    name = f"e2e failing {secrets.token_hex(3)}"
    graph = {
        "format": "glueweb.graph/1",
        "parameters": [],
        "nodes": [
            {"id": "rows", "type": "inline_data", "position": {"x": 0, "y": 0},
             "params": {"columns": [{"name": "s", "type": "string"}], "rows": [["x"], ["1"]]}},
            # Valid to the engine's checks (s is a column), but "x" is no integer: it fails only when it runs.
            {"id": "numbers", "type": "filter", "params": {"condition": "CAST(s AS INTEGER) > 0"},
             "position": {"x": 280, "y": 0}},
            {"id": "out", "type": "write_files", "position": {"x": 560, "y": 0},
             "params": {"path": f"lake/e2e/{secrets.token_hex(3)}", "format": "parquet", "mode": "overwrite"}},
        ],
        "edges": [{"source": "rows", "target": "numbers"}, {"source": "numbers", "target": "out"}],
    }  # fmt: skip
    answer = api(page, "POST", "/api/jobs/", {"name": name, "graph": graph})
    assert answer["status"] == 201, answer
    page.set_viewport_size({"width": 1600, "height": 1000})
    page.goto(f"{app.url}/jobs/{json.loads(answer['body'])['id']}")
    expect(page.get_by_role("tab", name="Problems (0)")).to_be_visible()
    page.get_by_role("button", name="Run", exact=True).click()
    expect(page.get_by_test_id("run-state")).to_have_text("FAILED", timeout=60_000)
    expect(node(page, "numbers")).to_have_attribute("data-run-state", "FAILED")
    expect(node(page, "numbers").get_by_test_id("node-run")).to_contain_text("conversion from")
    expect(node(page, "out")).not_to_have_attribute("data-run-state", "SUCCEEDED")
