"""The live channel: events from a worker reach the browser, survive a reconnect, and need a signed-in user."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.browser import install_live_helpers
from tests.e2e.launcher import RunningApp

pytestmark = pytest.mark.e2e


def live_workers(app: RunningApp) -> list[str]:
    report = app.wait_for_worker()
    return [worker["hostname"] for worker in report["checks"]["workers"]["alive"]]


def test_the_dashboard_live_channel_becomes_open(signed_in_page: Page) -> None:
    status = signed_in_page.get_by_test_id("live-status")

    expect(status).to_have_attribute("data-status", "open")
    expect(status).to_have_text("open")


def test_sending_a_test_event_shows_it_arriving_from_the_worker(signed_in_page: Page, app: RunningApp) -> None:
    page = signed_in_page
    expect(page.get_by_test_id("live-status")).to_have_attribute("data-status", "open")

    page.get_by_role("button", name="Send test event").click()

    result = page.get_by_test_id("live-result")
    expect(result).to_have_text(re.compile(r"^Event from \S+ arrived -?\d+ ms after sending$"))
    worker = re.match(r"Event from (\S+) arrived", result.inner_text())
    assert worker is not None
    # The name comes from the Celery worker that stored the event: the one /healthz sees alive.
    assert worker.group(1) in live_workers(app)
    # The recent-events table lists it, requested by the signed-in user.
    row = page.get_by_test_id("live-pongs").locator("tbody tr").first
    expect(row).to_contain_text(worker.group(1))
    expect(row).to_contain_text(app.username)
    expect(page.get_by_test_id("live-error")).to_have_count(0)


def pongs_for(messages: list[dict[str, Any]], pings: set[int]) -> list[dict[str, Any]]:
    return [m for m in messages if m.get("type") == "diagnostic.pong" and m.get("diagnostic") in pings]


def test_a_reconnect_receives_the_event_missed_while_away_and_nothing_twice(
    signed_in_page: Page, app: RunningApp
) -> None:
    page = signed_in_page
    install_live_helpers(page)
    # A second socket stays connected throughout: it proves the missed event was
    # published while the first one was away, so the first can only get it by replay.
    page.evaluate("() => glueLive.open('watcher', null)")
    resumed = page.evaluate("() => glueLive.open('tab', null)")
    assert resumed["type"] == "resumed"

    first = page.evaluate("() => glueLive.ping()")["ping"]
    second = page.evaluate("() => glueLive.ping()")["ping"]
    pong_1 = page.evaluate("(ping) => glueLive.pong('tab', ping)", first)["event"]
    pong_2 = page.evaluate("(ping) => glueLive.pong('tab', ping)", second)["event"]
    assert pong_1["requested_by"] == pong_2["requested_by"] == app.username
    last_id = max(m["id"] for m in page.evaluate("() => glueLive.messages('tab')") if "id" in m)
    assert last_id >= max(pong_1["id"], pong_2["id"])

    page.evaluate("() => glueLive.close('tab')")
    missed = page.evaluate("() => glueLive.ping()")["ping"]
    missed_pong = page.evaluate("(ping) => glueLive.pong('watcher', ping)", missed)["event"]
    assert missed_pong["id"] > last_id

    resumed = page.evaluate("(after) => glueLive.open('tab', after)", last_id)

    messages = page.evaluate("() => glueLive.messages('tab')")
    assert resumed["type"] == "resumed" and resumed["replayed"] >= 1
    replayed = messages[: messages.index(resumed)]
    assert pongs_for(replayed, {missed}) == [missed_pong], "the missed event is replayed on resume"
    assert pongs_for(messages, {first, second}) == [], "events before the cursor are not sent again"
    assert all(m["id"] > last_id for m in replayed)

    # Live events still flow on the resumed socket, once each.
    after = page.evaluate("() => glueLive.ping()")["ping"]
    page.evaluate("(ping) => glueLive.pong('tab', ping)", after)
    messages = page.evaluate("() => glueLive.messages('tab')")
    assert len(pongs_for(messages, {missed})) == 1
    assert len(pongs_for(messages, {after})) == 1


def test_an_anonymous_websocket_is_refused_at_the_handshake(browser: Browser, app: RunningApp) -> None:
    anonymous = browser.new_context()
    try:
        page = anonymous.new_page()
        page.goto(f"{app.url}/accounts/login/")  # a page of the app's own origin, without a session
        assert not any(cookie["name"] == "sessionid" for cookie in anonymous.cookies())
        install_live_helpers(page)

        outcome = page.evaluate("() => glueLive.probe('/ws/dashboard/')")
    finally:
        anonymous.close()

    assert outcome["opened"] is False, f"an anonymous socket was accepted: {outcome}"
    assert outcome["timedOut"] is False
    assert outcome["code"] == 1006  # the browser's code for a handshake the server refused


def test_the_same_probe_opens_for_a_signed_in_user(signed_in_page: Page) -> None:
    # The control for the refusal above: same page origin, same socket, only the session differs.
    install_live_helpers(signed_in_page)

    outcome = signed_in_page.evaluate("() => glueLive.probe('/ws/dashboard/')")

    assert outcome["opened"] is True and outcome["answered"] is True, outcome
