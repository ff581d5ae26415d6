"""The API documentation and the health report, as a signed-in admin sees them."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Route, expect

from tests.e2e.launcher import RunningApp

pytestmark = pytest.mark.e2e

LOCAL_HOSTS = {"127.0.0.1"}


def test_the_api_docs_render_swagger_ui_without_any_request_leaving_the_machine(
    signed_in_page: Page, app: RunningApp
) -> None:
    page = signed_in_page
    local: list[str] = []
    outside: list[str] = []

    def guard(route: Route) -> None:
        url = route.request.url
        if urlsplit(url).scheme in {"data", "blob"}:
            route.continue_()
        elif urlsplit(url).hostname in LOCAL_HOSTS:
            local.append(url)
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    page.context.route("**/*", guard)

    page.goto(f"{app.url}/api/docs/")

    me = page.locator(".opblock-summary-path", has_text="/api/me").first
    expect(me).to_be_visible()
    expect(page.locator(".info .title")).to_contain_text("glueweb API")
    assert outside == [], f"Swagger UI asked for something outside 127.0.0.1: {outside}"
    # Swagger UI's own script and styles came from this app's /static/.
    assets = [url for url in local if urlsplit(url).path.startswith("/static/")]
    assert any(url.endswith(".js") for url in assets), local
    assert any(url.endswith(".css") for url in assets), local


def test_healthz_reports_every_part_ok_for_the_signed_in_admin(signed_in_page: Page, app: RunningApp) -> None:
    # As an admin would check it: with the dashboard open, its live channel connected.
    expect(signed_in_page.get_by_test_id("live-status")).to_have_attribute("data-status", "open")

    response = signed_in_page.request.get(f"{app.url}/healthz", headers={"Accept": "application/json"})

    assert response.status == 200, response.text()
    report = response.json()
    assert report["status"] == "ok"
    assert report["mode"] == app.mode
    checks = report["checks"]
    assert {name: check["ok"] for name, check in checks.items()} == {
        "database": True,
        "broker": True,
        "channel_layer": True,
        "workers": True,
    }
    expected = {
        "embedded": ("sqlite", "filesystem", "InMemoryChannelLayer"),
        "production": ("postgresql", "redis", "RedisChannelLayer"),
    }[app.mode]
    assert (checks["database"]["engine"], checks["broker"]["kind"], checks["channel_layer"]["backend"]) == expected
    assert checks["workers"]["alive"], "a live worker is listed"


def test_healthz_is_not_shown_to_an_anonymous_visitor(page: Page, app: RunningApp) -> None:
    response = page.request.get(f"{app.url}/healthz", headers={"Accept": "application/json"})

    assert response.status in {401, 403}
    assert "checks" not in response.text()
