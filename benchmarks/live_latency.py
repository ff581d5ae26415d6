"""How long a live event takes to reach the browser: page -> API -> worker -> database -> WebSocket -> page.

    .venv/bin/python benchmarks/live_latency.py [--count 50]

Starts glueweb with `manage.py up` (the mode comes from the environment, as
for the browser tests: nothing set is embedded; DATABASE_URL + REDIS_URL is
production, on a fresh database), signs in with headless Chromium, opens
/ws/dashboard/ from a page of the app's origin, then sends test events one at a
time (POST /api/diagnostics/ping/ from the page). For each it measures:

- task sent -> event received in the browser (the issue's target): from the API
  sending the Celery task (the event's `sent_at`) to the page receiving the
  event, in wall-clock time (browser and server share the machine's clock);
- the browser's round trip, from just before the POST to the event's arrival,
  which adds the HTTP request that asks for the task;
- with the server's clock, `at - sent_at`: from the API sending the task to the
  worker storing the event.

The page holds no app code (it is the server's plain "Not Found" page, on the
app's origin), so the SPA's rendering is not part of the figures.

It prints median, p95, min and max against the targets (median task sent ->
browser <= 50 ms embedded, <= 20 ms with Redis) and exits 0 whether they are met or missed;
1 only when it could not measure at all. It always stops the app it started.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(REPO_ROOT))

from tests.e2e.browser import ChromiumUnavailable, install_live_helpers, launch_chromium, sign_in  # noqa: E402
from tests.e2e.launcher import AppStartError, RunningApp  # noqa: E402

TARGET_MS = {"embedded": 50.0, "production": 20.0}
WARMUP = 3
BLANK_PATH = "/static/live-latency-benchmark"


def p95(values: list[float]) -> float:
    """95th percentile, nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def summary(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "p95": p95(values), "min": min(values), "max": max(values)}


def _between(event: dict[str, Any], first: str, second: str) -> float:
    return (datetime.fromisoformat(event[second]) - datetime.fromisoformat(event[first])).total_seconds() * 1000


def server_ms(event: dict[str, Any]) -> float:
    return _between(event, "sent_at", "at")


def task_to_browser_ms(pong: dict[str, Any]) -> float:
    """From the API sending the task (its `sent_at`) to the page receiving the event, in wall-clock time.

    Browser and server run on one machine, so their wall clocks agree; the browser's is
    `performance.timeOrigin + performance.now()` (sub-millisecond)."""
    sent = datetime.fromisoformat(pong["event"]["sent_at"]).timestamp() * 1000
    return float(pong["receivedWall"]) - sent


def measure_one(page: Any) -> dict[str, float]:
    ping = page.evaluate("() => glueLive.ping()")
    pong = page.evaluate("(ping) => glueLive.pong('bench', ping, 15000)", ping["ping"])
    return {
        "round_trip": pong["receivedAt"] - ping["startedAt"],
        "post": ping["answeredAt"] - ping["startedAt"],
        "server": server_ms(pong["event"]),
        "task_to_browser": task_to_browser_ms(pong),
        "queue": _between(pong["event"], "sent_at", "started_at"),
        "store": _between(pong["event"], "started_at", "at"),
    }


def run(count: int) -> int:
    from playwright.sync_api import sync_playwright

    started = time.monotonic()
    print("glueweb live-channel latency benchmark", flush=True)
    print("  starting the app (manage.py up)…", flush=True)
    with RunningApp(demo=False) as app:
        app.wait_for_worker()
        print(f"  app at {app.url}, ready in {time.monotonic() - started:.1f} s", flush=True)
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                page = browser.new_page()
                sign_in(page, app.url, app.username, app.password)
                # A page of the app's origin with no script of its own (the server's plain "Not Found"
                # page): the session cookie and CSRF token apply, and no SPA renders the events.
                page.goto(f"{app.url}{BLANK_PATH}")
                install_live_helpers(page)
                page.evaluate("() => glueLive.open('bench', null)")
                samples: list[dict[str, float]] = []
                try:
                    for _ in range(WARMUP):
                        measure_one(page)
                    for _ in range(count):
                        samples.append(measure_one(page))
                except Exception as exc:
                    print(f"\nlive_latency: test event {len(samples) + 1} failed: {exc}", file=sys.stderr)
                    print(app.diagnosis("the app when the measurement failed"), file=sys.stderr)
                    return 1
            finally:
                browser.close()
        mode, description = app.mode, app.description
    report(mode, description, count, samples)
    return 0


def report(mode: str, description: str, count: int, samples: list[dict[str, float]]) -> None:
    rows = [
        ("task sent -> event received in the browser", "task_to_browser"),
        ("browser: POST sent -> event received", "round_trip"),
        ("server: task sent -> event stored", "server"),
        ("  of which task sent -> worker starts it", "queue"),
        ("  of which worker starts it -> stored", "store"),
        ("browser: POST sent -> POST answered", "post"),
    ]
    print()
    print(f"mode:   {description}")
    print(f"count:  {count} test events, one at a time (after {WARMUP} warm-up)")
    print()
    print(f"  {'milliseconds':<42}{'median':>9}{'p95':>9}{'min':>9}{'max':>9}")
    for label, key in rows:
        figures = summary([sample[key] for sample in samples])
        print(f"  {label:<42}" + "".join(f"{figures[name]:>9.1f}" for name in ("median", "p95", "min", "max")))
    print()
    # The target runs from task send to browser receipt; the round trip adds the
    # HTTP request that asks for the task, which is printed above but not part of it.
    median = statistics.median(sample["task_to_browser"] for sample in samples)
    for target_mode, target in TARGET_MS.items():
        if target_mode != mode:
            continue
        verdict = "PASS" if median <= target else "MISS"
        label = "embedded" if target_mode == "embedded" else "with Redis"
        print(f"target: median task sent -> browser <= {target:.0f} ms ({label}): {median:.1f} ms -> {verdict}")
    others = ", ".join(f"{m} <= {t:.0f} ms" for m, t in TARGET_MS.items() if m != mode)
    print(f"        (the other mode's target: {others})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--count", type=int, default=50, help="test events to time (default 50)")
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("--count must be at least 1")
    try:
        return run(args.count)
    except (AppStartError, ChromiumUnavailable) as exc:
        print(f"\nlive_latency: could not measure: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
