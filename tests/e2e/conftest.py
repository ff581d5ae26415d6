"""Fixtures for the browser tests: the real app, started once, and headless Chromium.

These tests talk HTTP and WebSocket to a separately launched `manage.py up`
(tests/e2e/launcher.py); they never touch the Django test database, so they
request no `db` fixture and pytest-django has nothing to block.

The app and the browser are created once for the whole run and torn down as
soon as the last browser test is done (package scope: this folder is one
package). Ending them there matters: Playwright's sync API leaves its event
loop marked as running on the main thread while it is started, and Django
refuses database access from a thread with a running loop, so the unit tests
that run after these in a full `pytest` must not see it.

Chromium missing or failing to start is a test failure that says why, never a skip.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, StorageState, sync_playwright

from tests.e2e.browser import ChromiumUnavailable, launch_chromium, sign_in
from tests.e2e.launcher import AppStartError, RunningApp


@pytest.fixture(scope="package")
def app() -> Iterator[RunningApp]:
    """The app, started once with `manage.py up` (mode from the environment), with its worker alive."""
    running = RunningApp()
    problem = None
    try:
        running.start()
        running.wait_for_worker()
    except AppStartError as exc:
        running.stop()
        problem = str(exc)
    if problem is not None:
        pytest.fail(f"glueweb did not start for the browser tests:\n{problem}", pytrace=False)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as started:
        yield started


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    problem = None
    try:
        launched = launch_chromium(playwright)
    except ChromiumUnavailable as exc:
        problem = str(exc)
    if problem is not None:
        pytest.fail(f"cannot run the browser tests: {problem}", pytrace=False)
    yield launched
    launched.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser profile per test: no cookies, no storage."""
    fresh = browser.new_context()
    fresh.set_default_timeout(15_000)
    yield fresh
    fresh.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def sign_in_as(app: RunningApp) -> Callable[..., None]:
    """sign_in_as(page) signs the admin in through the form and leaves the page on the dashboard."""

    def run(page: Page, next_path: str = "/dashboard") -> None:
        sign_in(page, app.url, app.username, app.password, next_path)

    return run


@pytest.fixture(scope="package")
def admin_session(browser: Browser, app: RunningApp) -> StorageState:
    """The admin's session (its cookies), from signing in through the form once, in a profile of its own.

    Signing in through the form takes about a second, and ~25 tests only need to be signed in:
    they share this session. The form itself is tested in test_sign_in.py, and a test that signs
    out signs in on its own page first (sign_in_as), so that it ends no other test's session.
    """
    profile = browser.new_context()
    try:
        sign_in(profile.new_page(), app.url, app.username, app.password)
        return profile.storage_state()
    finally:
        profile.close()


@pytest.fixture
def signed_in_page(page: Page, app: RunningApp, admin_session: StorageState) -> Page:
    """A fresh page, in a fresh profile given the admin's session cookies (admin_session); it shows the dashboard."""
    page.context.add_cookies(
        [
            {
                "name": c["name"],
                "value": c["value"],
                "domain": c["domain"],
                "path": c["path"],
                "expires": c["expires"],
                "httpOnly": c["httpOnly"],
                "secure": c["secure"],
                "sameSite": c["sameSite"],
            }
            for c in admin_session["cookies"]
        ]
    )
    page.goto(f"{app.url}/dashboard")
    page.get_by_test_id("current-user").wait_for()
    return page


@pytest.fixture(autouse=True)
def _the_app_is_still_running(request: pytest.FixtureRequest) -> None:
    """A test that needs the shared app fails at once, saying why, if the app has stopped since the last test."""
    if "app" not in request.fixturenames:
        return
    running: RunningApp = request.getfixturevalue("app")
    if running.process is not None and running.process.poll() is not None:
        pytest.fail(running.diagnosis("the shared app has stopped during the browser tests"), pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failed browser test's report carries the tail of the app's output and logs."""
    report = yield
    running = getattr(item, "funcargs", {}).get("app")
    if report.failed and call.when in {"setup", "call"} and isinstance(running, RunningApp):
        report.sections.append(("glueweb output and logs", running.diagnosis("the app when the test failed")))
    return report
