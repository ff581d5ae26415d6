"""The crawler pages in Chromium against the real app: create a crawler over the demo lake, preview its
changes, run it on the worker, and open a table it made."""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.launcher import RunningApp

pytestmark = pytest.mark.e2e


def test_a_crawler_is_created_previewed_run_and_its_table_opened(signed_in_page: Page, app: RunningApp) -> None:
    page = signed_in_page
    name = f"retail_{secrets.token_hex(3)}"
    database = f"shop_{secrets.token_hex(3)}"

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Crawlers", exact=True).click()
    page.get_by_test_id("crawler-new").click()
    page.get_by_test_id("crawler-name").fill(name)
    page.get_by_test_id("crawler-target-0").fill("/etc")
    page.get_by_test_id("crawler-database").fill(database)
    page.get_by_test_id("crawler-save").click()
    expect(page.get_by_test_id("error-targets")).to_contain_text("outside the data roots")

    # The path picker starts at the data roots and walks down to the demo lake.
    page.get_by_text("Browse…").click()
    picker = page.get_by_test_id("crawler-picker-0")
    lake = str(app.home / "lake")
    picker.locator(f'[data-folder="{lake}"]').click()
    picker.locator(f'[data-folder="{lake}/retail"]').click()
    picker.get_by_test_id("crawler-picker-0-here").click()
    expect(page.get_by_test_id("crawler-target-0")).to_have_value(re.compile(r"/lake/retail$"))
    page.get_by_test_id("crawler-save").click()

    expect(page).to_have_url(f"{app.url}/crawlers/{name}")
    page.get_by_test_id("crawler-dry-run").click()
    preview = page.get_by_test_id("crawler-preview")
    # A worker carries the dry run; the page shows its plan when the run ends.
    expect(preview.locator('[data-action="create_table"]')).to_have_count(3, timeout=60_000)
    expect(preview.locator('[data-action="create_table"][data-table="orders"]')).to_contain_text(
        "partitioned by year bigint, month bigint"
    )
    expect(preview.locator('[data-action="add_partitions"][data-table="orders"]')).to_contain_text("18 partition(s)")

    page.get_by_test_id("crawler-start").click()
    runs = page.get_by_test_id("crawler-runs")
    finished = (
        runs.locator("tr[data-run]").filter(has=page.locator('[data-state="SUCCEEDED"]')).filter(has_not_text="dry run")
    )
    expect(finished).to_have_count(1, timeout=60_000)
    finished.get_by_role("link").click()

    run = page.get_by_test_id("crawler-run")
    expect(run.get_by_test_id("crawler-run-counts")).to_contain_text("created 3")
    run.locator('[data-action="create_table"][data-table="orders"]').get_by_role("link", name="orders").click()
    expect(page).to_have_url(f"{app.url}/catalog/databases/{database}/tables/orders")
    expect(page.get_by_test_id("schema-columns").locator('tr[data-column="order_id"]')).to_contain_text("bigint")
