"""Signing in, finding one's way around, and signing out, as a user sees it."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.launcher import RunningApp

pytestmark = pytest.mark.e2e

NAV_PAGES = [("Catalog", "/catalog"), ("Crawlers", "/crawlers"), ("Jobs", "/jobs"), ("Runs", "/runs")]


def login_url_for(app: RunningApp, next_path: str) -> re.Pattern[str]:
    return re.compile(re.escape(f"{app.url}/accounts/login/?next=") + re.escape(next_path).replace("/", "(/|%2F)"))


def fill_sign_in_form(page: Page, username: str, password: str) -> None:
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="Sign in").click()


def test_an_anonymous_visit_to_the_dashboard_lands_on_the_sign_in_page(page: Page, app: RunningApp) -> None:
    page.goto(f"{app.url}/dashboard")

    expect(page).to_have_url(login_url_for(app, "/dashboard"))
    expect(page.locator("#id_username")).to_be_visible()
    expect(page.locator("#id_password")).to_be_visible()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(page.get_by_test_id("current-user")).to_have_count(0)


def test_a_wrong_password_shows_an_error_and_stays_on_the_sign_in_page(page: Page, app: RunningApp) -> None:
    page.goto(f"{app.url}/dashboard")
    fill_sign_in_form(page, app.username, app.password + "-wrong")

    expect(page.get_by_test_id("login-error")).to_be_visible()
    expect(page.get_by_test_id("login-error")).to_contain_text("did not match")
    expect(page).to_have_url(re.compile(re.escape(f"{app.url}/accounts/login/")))
    expect(page.get_by_test_id("current-user")).to_have_count(0)


def test_the_right_password_lands_on_the_dashboard_showing_the_username(page: Page, app: RunningApp) -> None:
    page.goto(f"{app.url}/dashboard")
    fill_sign_in_form(page, app.username, app.password)

    expect(page).to_have_url(f"{app.url}/dashboard")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(page.get_by_test_id("current-user")).to_have_text(app.username)
    expect(page.get_by_test_id("login-error")).to_have_count(0)


@pytest.mark.parametrize(("label", "path"), NAV_PAGES, ids=[label for label, _ in NAV_PAGES])
def test_each_nav_link_opens_its_page(signed_in_page: Page, app: RunningApp, label: str, path: str) -> None:
    page = signed_in_page
    nav = page.get_by_role("navigation", name="Main")

    nav.get_by_role("link", name=label, exact=True).click()

    expect(page).to_have_url(f"{app.url}{path}")
    expect(page.get_by_role("heading", level=1)).to_have_text(label)
    expect(page).to_have_title(re.compile(label))

    # And back: the Dashboard link brings the dashboard back.
    nav.get_by_role("link", name="Dashboard", exact=True).click()
    expect(page).to_have_url(f"{app.url}/dashboard")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")


def test_a_deep_link_to_a_page_works_after_signing_in(
    page: Page, app: RunningApp, sign_in_as: Callable[..., None]
) -> None:
    sign_in_as(page, "/jobs")

    expect(page).to_have_url(f"{app.url}/jobs")
    expect(page.get_by_role("heading", level=1)).to_have_text("Jobs")


def test_signing_out_returns_to_the_sign_in_page_and_the_dashboard_asks_to_sign_in_again(
    page: Page, app: RunningApp, sign_in_as: Callable[..., None]
) -> None:
    sign_in_as(page)  # a session of its own: signing out ends it (signed_in_page's is shared)

    page.get_by_test_id("sign-out").click()

    expect(page).to_have_url(re.compile(re.escape(f"{app.url}/accounts/login/")))
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()

    page.goto(f"{app.url}/dashboard")
    expect(page).to_have_url(login_url_for(app, "/dashboard"))
    expect(page.get_by_test_id("current-user")).to_have_count(0)
