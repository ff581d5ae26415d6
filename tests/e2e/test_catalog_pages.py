"""The catalog's browser pages, driven in Chromium against the real app with real files behind the tables.

Each test seeds what it needs through the real API as the signed-in admin (the
browser's own session and CSRF cookie), under names of its own, so the tests
share the app without depending on each other.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.browser import sign_in
from tests.e2e.launcher import RunningApp, free_port

pytestmark = pytest.mark.e2e

API = "/api/catalog"


class CatalogApi:
    """The catalog API through the page's own session (cookies and CSRF token), as the admin."""

    def __init__(self, page: Page, app: RunningApp) -> None:
        self.page = page
        self.app = app

    def _csrf(self) -> str:
        return next(c["value"] for c in self.page.context.cookies() if c["name"] == "csrftoken")

    def call(self, method: str, path: str, body: Any = None, expect_status: int = 200) -> Any:
        response = self.page.request.fetch(
            f"{self.app.url}{API}{path}",
            method=method,
            data=body,
            headers={"X-CSRFToken": self._csrf(), "Accept": "application/json"},
        )
        assert response.status == expect_status, f"{method} {path}: {response.status} {response.text()}"
        return response.json() if response.status != 204 else None


def unique(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(3)}"


def lake(app: RunningApp, name: str) -> Path:
    """A fresh folder inside the app's data root (GLUEWEB_HOME/lake, the default GLUEWEB_DATA_ROOTS)."""
    folder = app.home / "lake" / "e2e" / name
    folder.mkdir(parents=True)
    return folder


def seed_versioned_parquet_table(api: CatalogApi, app: RunningApp) -> tuple[str, str]:
    """A database with a Parquet table in two versions: `amount` int -> double, `country` added."""
    database, table = unique("a_shop"), "payments"  # sorts early: the home page lists 50 at a time
    folder = lake(app, database)
    pl.DataFrame(
        {
            "id": pl.Series([1, 2, 3], dtype=pl.Int64),
            "amount": [12.5, 99.0, 7.25],
            "name": ["ada", "grace", None],
            "country": ["NL", "BE", "NL"],
        }
    ).write_parquet(folder / "part-0.parquet")
    api.call("POST", "/databases/", {"name": database, "description": "web shop"}, 201)
    api.call(
        "POST",
        f"/databases/{database}/tables/",
        {
            "name": table,
            "description": "card payments",
            "location": str(folder),
            "classification": "parquet",
            "columns": [
                {"name": "id", "type": "bigint", "comment": "payment id"},
                {"name": "amount", "type": "int", "comment": "in euros"},
                {"name": "name", "type": "string"},
            ],
            "parameters": {"record_count": 3},
        },
        201,
    )
    api.call(
        "PATCH",
        f"/databases/{database}/tables/{table}/",
        {
            "columns": [
                {"name": "id", "type": "bigint", "comment": "payment id"},
                {"name": "amount", "type": "double", "comment": "in euros"},
                {"name": "name", "type": "string"},
                {"name": "country", "type": "string", "comment": "ISO code"},
            ]
        },
    )
    return database, table


def seed_partitioned_csv_table(api: CatalogApi, app: RunningApp) -> tuple[str, str]:
    """A CSV table partitioned by `year`, with one file (and one registered partition) per year."""
    database, table = unique("sales"), "orders"
    folder = lake(app, database)
    for year, rows in (("2024", "1,apple\n2,pear\n"), ("2025", "3,plum\n")):
        (folder / f"year={year}").mkdir()
        (folder / f"year={year}" / "part-0.csv").write_text("id,fruit\n" + rows)
    api.call("POST", "/databases/", {"name": database}, 201)
    api.call(
        "POST",
        f"/databases/{database}/tables/",
        {
            "name": table,
            "location": str(folder),
            "classification": "csv",
            "format_options": {"header": True},
            "columns": [{"name": "id", "type": "bigint"}, {"name": "fruit", "type": "string"}],
            "partition_keys": [{"name": "year", "type": "int"}],
        },
        201,
    )
    answer = api.call(
        "POST",
        f"/databases/{database}/tables/{table}/partitions/batch-create/",
        {"partitions": [{"values": ["2024"]}, {"values": ["2025"]}]},
    )
    assert answer["errors"] == []
    return database, table


@pytest.fixture
def browser_page(browser: Browser) -> Iterator[Callable[[], Page]]:
    """New pages, each in a browser profile of its own (for a second user beside the signed-in admin)."""
    opened: list[BrowserContext] = []

    def make() -> Page:
        fresh = browser.new_context()
        fresh.set_default_timeout(15_000)
        opened.append(fresh)
        return fresh.new_page()

    yield make
    for fresh in opened:
        fresh.close()


@pytest.fixture
def admin_page(signed_in_page: Page) -> Page:
    return signed_in_page


@pytest.fixture
def api(admin_page: Page, app: RunningApp) -> CatalogApi:
    return CatalogApi(admin_page, app)


def test_a_table_opened_from_the_catalog_home_shows_its_schema_a_version_diff_and_real_rows(
    admin_page: Page, api: CatalogApi, app: RunningApp
) -> None:
    page = admin_page
    database, table = seed_versioned_parquet_table(api, app)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Catalog", exact=True).click()
    row = page.get_by_test_id("database-list").locator(f'tr[data-database="{database}"]')
    expect(row.get_by_test_id("database-table-count")).to_have_text("1")
    row.get_by_role("link", name=database).click()

    expect(page).to_have_url(f"{app.url}/catalog/databases/{database}")
    expect(page.get_by_role("heading", level=1)).to_have_text(database)
    listed = page.get_by_test_id("table-list").locator(f'tr[data-table="{table}"]')
    expect(listed).to_contain_text("parquet")
    expect(listed).to_contain_text("3")
    listed.get_by_role("link", name=table).click()

    expect(page).to_have_url(f"{app.url}/catalog/databases/{database}/tables/{table}")
    schema = page.get_by_test_id("schema-columns")
    expect(schema.locator("tbody tr")).to_have_count(4)
    expect(schema.locator('tr[data-column="amount"]')).to_contain_text("double")
    expect(schema.locator('tr[data-column="amount"]')).to_contain_text("in euros")
    expect(schema.locator('tr[data-column="country"]')).to_contain_text("ISO code")
    expect(page.get_by_test_id("table-version")).to_have_text("2")

    page.get_by_test_id("diff-from").select_option("1")
    page.get_by_test_id("diff-to").select_option("2")
    page.get_by_test_id("diff-show").click()
    diff = page.get_by_test_id("version-diff")
    expect(diff.get_by_test_id("diff-summary")).to_contain_text("1 added, 0 removed, 1 retyped")
    expect(diff.get_by_test_id("diff-summary")).to_contain_text("amount: int → double")
    old, new = diff.get_by_test_id("diff-from"), diff.get_by_test_id("diff-to")
    expect(old.locator("tbody tr")).to_have_count(3)
    expect(new.locator("tbody tr")).to_have_count(4)
    expect(old.locator('tr[data-column="amount"]')).to_have_attribute("data-change", "retyped")
    expect(old.locator('tr[data-column="amount"]')).to_contain_text("int")
    expect(new.locator('tr[data-column="amount"]')).to_have_attribute("data-change", "retyped")
    expect(new.locator('tr[data-column="country"]')).to_have_attribute("data-change", "added")
    expect(new.locator('tr[data-column="id"]')).to_have_attribute("data-change", "same")

    grid = page.get_by_test_id("preview-grid")
    expect(grid.locator('th[data-column="amount"]')).to_contain_text("double")
    expect(grid.locator('th[data-column="id"]')).to_contain_text("bigint")
    rows = grid.get_by_test_id("preview-row")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("12.5")
    expect(rows.nth(1)).to_contain_text("grace")
    expect(rows.nth(2)).to_contain_text("null")


def test_searching_the_catalog_ranks_a_name_match_first_and_links_to_the_table_page(
    admin_page: Page, api: CatalogApi, app: RunningApp
) -> None:
    page = admin_page
    database, table = seed_versioned_parquet_table(api, app)
    # "country" begins this table's name (60 points) but is only a column of `payments` (30).
    api.call(
        "POST",
        f"/databases/{database}/tables/",
        {"name": "country_codes", "columns": [{"name": "code", "type": "string"}]},
        201,
    )
    page.goto(f"{app.url}/catalog")

    page.get_by_test_id("catalog-search").fill("country")
    hits = page.get_by_test_id("search-hit")
    expect(hits.first).to_have_attribute("data-table", f"{database}.country_codes")
    ours = page.locator(f'[data-testid="search-hit"][data-table="{database}.{table}"]')
    expect(ours).to_have_count(1)
    ours.get_by_role("link").click()
    expect(page).to_have_url(f"{app.url}/catalog/databases/{database}/tables/{table}")
    expect(page.get_by_test_id("schema-columns")).to_be_visible()

    page.goto(f"{app.url}/catalog")
    page.get_by_test_id("catalog-search").fill(f"country zz{secrets.token_hex(4)}")
    expect(page.get_by_test_id("search-empty")).to_be_visible()
    expect(page.get_by_test_id("search-hit")).to_have_count(0)


def test_the_partition_filter_narrows_the_list_and_shows_the_apis_error_for_a_bad_expression(
    admin_page: Page, api: CatalogApi, app: RunningApp
) -> None:
    page = admin_page
    database, table = seed_partitioned_csv_table(api, app)
    page.goto(f"{app.url}/catalog/databases/{database}/tables/{table}")

    expect(page.get_by_test_id("schema-partition-keys").locator('tr[data-column="year"]')).to_contain_text("int")
    expect(page.get_by_test_id("partition-row")).to_have_count(2)

    page.get_by_test_id("partition-filter").fill("yeer = 2025")
    page.get_by_test_id("partition-filter-apply").click()
    expect(page.get_by_test_id("partition-filter-error")).to_contain_text('unknown partition key "yeer"')
    expect(page.get_by_test_id("partition-row")).to_have_count(0)

    page.get_by_test_id("partition-filter").fill("year >= 2025")
    page.get_by_test_id("partition-filter-apply").click()
    expect(page.get_by_test_id("partition-filter-error")).to_have_count(0)
    expect(page.get_by_test_id("partition-row")).to_have_count(1)
    expect(page.get_by_test_id("partition-row")).to_contain_text("2025")

    # The preview reads every partition's file, and with a filter only the matching ones.
    grid = page.get_by_test_id("preview-grid")
    expect(grid.get_by_test_id("preview-row")).to_have_count(3)
    expect(grid.locator('th[data-column="year"]')).to_contain_text("int")
    page.get_by_test_id("preview-filter").fill("year = 2025")
    page.get_by_test_id("preview-filter-apply").click()
    expect(grid.get_by_test_id("preview-row")).to_have_count(1)
    expect(grid.get_by_test_id("preview-row")).to_contain_text("plum")


def test_an_editor_computes_statistics_and_sees_the_bars_once_the_worker_is_done(
    admin_page: Page, api: CatalogApi, app: RunningApp
) -> None:
    page = admin_page
    database, table = seed_versioned_parquet_table(api, app)
    page.goto(f"{app.url}/catalog/databases/{database}/tables/{table}")
    expect(page.get_by_test_id("statistics-empty")).to_be_visible()

    page.get_by_test_id("compute-statistics").click()

    expect(page.get_by_test_id("statistics-run")).to_have_attribute("data-state", "SUCCEEDED", timeout=30_000)
    stats = page.get_by_test_id("statistics-table")
    name = stats.locator('tr[data-column="name"]')
    expect(name.get_by_test_id("stat-nulls")).to_contain_text("1 (33.3%)")
    expect(name.get_by_test_id("stat-distinct")).to_contain_text("2")
    country = stats.locator('tr[data-column="country"]')
    expect(country.get_by_test_id("stat-nulls")).to_contain_text("0 (0%)")
    expect(country.get_by_test_id("stat-distinct")).to_contain_text("2 (66.7%)")


def test_a_connection_is_created_with_a_write_only_secret_and_tested_from_its_page(
    admin_page: Page, api: CatalogApi, app: RunningApp
) -> None:
    page = admin_page
    name = unique("warehouse")
    page.goto(f"{app.url}/catalog/connections")
    page.get_by_test_id("connection-new").click()
    expect(page).to_have_url(f"{app.url}/catalog/connections/new")

    page.get_by_test_id("connection-name").fill(name)
    page.get_by_test_id("connection-type").select_option("postgresql")
    page.get_by_test_id("property-host").fill("127.0.0.1")
    # Nothing listens on this port: the test must fail, saying why.
    page.get_by_test_id("property-port").fill("not-a-port")
    page.get_by_test_id("property-database").fill("shop")
    page.get_by_test_id("property-user").fill("reader")
    page.get_by_test_id("secret-password").fill("s3cret-pw")
    page.get_by_test_id("connection-save").click()

    # The API's 400 names the field; the form shows it next to that field and nothing was stored.
    expect(page.get_by_test_id("field-error-properties.port")).to_contain_text("must be a number")
    api.call("GET", f"/connections/{name}/", expect_status=404)

    page.get_by_test_id("property-port").fill(str(free_port()))
    page.get_by_test_id("connection-save").click()
    expect(page).to_have_url(f"{app.url}/catalog/connections/{name}")
    expect(page.get_by_test_id("secret-password")).to_have_value("")
    expect(page.get_by_test_id("secret-password")).to_have_attribute("placeholder", re.compile("leave blank to keep"))
    assert "s3cret-pw" not in page.content()
    stored = api.call("GET", f"/connections/{name}/")
    assert stored["secrets_set"] == ["password"] and "password" not in stored["properties"]

    # Saving with the secret left blank keeps it.
    page.get_by_test_id("connection-description").fill("the reporting replica")
    page.get_by_test_id("connection-save").click()
    expect(page.get_by_test_id("connection-saved")).to_be_visible()
    assert api.call("GET", f"/connections/{name}/")["secrets_set"] == ["password"]

    page.get_by_test_id("connection-test").click()
    result = page.get_by_test_id("connection-test-result")
    expect(result).to_have_attribute("data-ok", "false", timeout=20_000)
    expect(result).to_contain_text("Failed:")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("connection-delete").click()
    expect(page).to_have_url(f"{app.url}/catalog/connections")
    expect(page.locator(f'tr[data-connection="{name}"]')).to_have_count(0)
    api.call("GET", f"/connections/{name}/", expect_status=404)


def test_a_viewer_browses_the_catalog_but_sees_no_edit_controls(
    admin_page: Page, api: CatalogApi, app: RunningApp, browser_page: Callable[[], Page]
) -> None:
    database, table = seed_versioned_parquet_table(api, app)
    connection = unique("lake")
    api.call(
        "POST",
        "/connections/",
        {"name": connection, "connection_type": "s3", "properties": {"bucket": "b"}, "secrets": {"session_token": "t"}},
        201,
    )
    username, password = app.create_user("viewer")
    page = browser_page()
    sign_in(page, app.url, username, password, f"/catalog/databases/{database}/tables/{table}")

    expect(page.get_by_test_id("schema-columns").locator("tbody tr")).to_have_count(4)
    expect(page.get_by_test_id("preview-grid").get_by_test_id("preview-row")).to_have_count(3)
    expect(page.get_by_test_id("statistics-empty")).to_have_text("No statistics yet.")
    expect(page.get_by_test_id("compute-statistics")).to_have_count(0)

    page.goto(f"{app.url}/catalog/connections")
    expect(page.locator(f'tr[data-connection="{connection}"]')).to_contain_text("session_token")
    expect(page.get_by_test_id("connection-new")).to_have_count(0)

    page.locator(f'tr[data-connection="{connection}"]').get_by_role("link").click()
    expect(page.get_by_test_id("property-bucket")).to_have_value("b")
    expect(page.get_by_test_id("property-bucket")).to_be_disabled()
    expect(page.get_by_test_id("connection-secrets-set")).to_contain_text("session_token")
    for control in ("connection-save", "connection-test", "connection-delete", "secret-session_token"):
        expect(page.get_by_test_id(control)).to_have_count(0)
