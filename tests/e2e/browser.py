"""Chromium for the browser tests and the benchmark: where it is, how it starts, how a user signs in."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


class ChromiumUnavailable(RuntimeError):
    """Chromium is missing or does not start; the message says why and what to do."""


def chromium_path() -> Path:
    return Path(os.environ.get("GLUEWEB_CHROMIUM", "/usr/bin/chromium"))


def launch_chromium(playwright: Playwright) -> Browser:
    path = chromium_path()
    if not path.exists():
        raise ChromiumUnavailable(
            f"the browser tests need Chromium at {path} and it is not there. Install it "
            "(Debian/Ubuntu: 'sudo apt-get install chromium', or scripts/ensure-chromium), "
            "or set GLUEWEB_CHROMIUM=/path/to/chromium."
        )
    try:
        return playwright.chromium.launch(executable_path=str(path), args=CHROMIUM_ARGS, headless=True)
    except Exception as exc:
        raise ChromiumUnavailable(f"Chromium at {path} did not start: {exc}") from exc


def sign_in(page: Page, base_url: str, username: str, password: str, next_path: str = "/dashboard") -> None:
    """Sign in through the sign-in form, as a user does, and wait for the app to show who is signed in."""
    page.goto(f"{base_url}{next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}{next_path}")
    page.get_by_test_id("current-user").wait_for()


LIVE_JS = Path(__file__).with_name("live.js")


def install_live_helpers(page: Page) -> None:
    """Define window.glueLive in the page (tests/e2e/live.js): raw live-channel sockets and test events."""
    page.evaluate("(source) => new Function(source)()", LIVE_JS.read_text())
