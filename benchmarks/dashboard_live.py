"""How soon the dashboard and the run page show a run's state change: stored event -> state on screen.

    .venv/bin/python benchmarks/dashboard_live.py [--count 20]

Starts glueweb with `manage.py up` (the mode comes from the environment, as for
the browser tests: nothing set is embedded; DATABASE_URL + REDIS_URL is
production, on a fresh database), signs in with headless Chromium, and opens
the dashboard and, in a second tab, a run page. It then starts a tiny job
(five numbers -> Parquet) `--count` times through the API, one run after the
other. A MutationObserver in each tab notes the wall-clock time at which each
run's state first appears on screen (the runs table's badge on the dashboard,
the badge of the run page, which is opened on each run as soon as it is
started and counts only the events stored after its socket opened).

For every `run.state` event the figure is `shown - at`: from the worker
storing the event (its `at`) to the page drawing the new state, through the
live channel, the SPA's reducer and React's render. Browser and server share
the machine's clock. States that came and went faster than one frame may be
drawn never; they are counted as missed, not as zero.

It prints median, p95 and max per page and exits 0; 1 only when it could not
measure at all. It always stops the app it started.
"""

from __future__ import annotations

import argparse
import math
import secrets
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(REPO_ROOT))

from tests.e2e.browser import launch_chromium, sign_in  # noqa: E402
from tests.e2e.launcher import RunningApp  # noqa: E402

# Records, per element whose data-testid matches, when each text first appeared.
WATCH = """(prefix) => {
  window.__shown = {};
  const note = () => {
    for (const el of document.querySelectorAll(`[data-testid^="${prefix}"]`)) {
      const key = `${el.dataset.testid}:${el.dataset.run ?? ''}:${el.textContent}`;
      if (!(key in window.__shown)) window.__shown[key] = performance.timeOrigin + performance.now();
    }
  };
  const all = {subtree: true, childList: true, characterData: true, attributes: true};
  new MutationObserver(note).observe(document.body, all);
  note();
}"""


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def tiny_graph(target: str) -> dict[str, Any]:
    return {
        "format": "glueweb.graph/1",
        "parameters": [],
        "nodes": [
            {
                "id": "numbers",
                "type": "inline_data",
                "params": {"columns": [{"name": "n", "type": "bigint"}], "rows": [[i] for i in range(5)]},
            },
            {"id": "save", "type": "write_files", "params": {"path": target, "format": "parquet", "mode": "overwrite"}},
        ],
        "edges": [{"source": "numbers", "target": "save"}],
    }


def api(page: Any, base: str, method: str, path: str, body: Any = None) -> Any:
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.fetch(
        f"{base}/api{path}", method=method, data=body, headers={"X-CSRFToken": csrf, "Accept": "application/json"}
    )
    if response.status >= 300:
        raise RuntimeError(f"{method} {path}: {response.status} {response.text()}")
    return response.json()


def report(name: str, lags: list[float], missed: int) -> None:
    if not lags:
        print(f"  {name}: nothing measured ({missed} states missed)")
        return
    print(
        f"  {name}: n={len(lags)} median {statistics.median(lags):.0f} ms, p95 {p95(lags):.0f} ms, "
        f"max {max(lags):.0f} ms ({missed} states drawn never: shorter than a frame)"
    )


def run(count: int) -> int:
    from playwright.sync_api import sync_playwright

    print("glueweb dashboard/run page live update benchmark", flush=True)
    with RunningApp(demo=False) as app:
        app.wait_for_worker()
        print(f"  app at {app.url} ({app.mode})", flush=True)
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                context = browser.new_context()
                dashboard = context.new_page()
                sign_in(dashboard, app.url, app.username, app.password)
                dashboard.wait_for_selector('[data-testid="live-status"][data-status="open"]')
                dashboard.evaluate(WATCH, "run-state-")
                job = api(
                    dashboard,
                    app.url,
                    "POST",
                    "/jobs/",
                    {"name": f"bench_{secrets.token_hex(3)}", "graph": tiny_graph("lake/bench/out")},
                )
                run_page = context.new_page()
                dash_lags: list[float] = []
                page_lags: list[float] = []
                dash_missed = page_missed = 0
                for _ in range(count):
                    # The run page opens once the run exists; what it replays is not a live figure.
                    started = api(dashboard, app.url, "POST", f"/jobs/{job['id']}/runs/", {})
                    run_id = started["id"]
                    run_page.goto(f"{app.url}/runs/{run_id}")
                    run_page.wait_for_selector('[data-testid="run-live-status"][data-status="open"]')
                    opened = time.time() * 1000
                    run_page.evaluate(WATCH, "run-state")
                    dashboard.wait_for_selector(f'[data-testid="run-state-{run_id}"]:text("SUCCEEDED")', timeout=60_000)
                    run_page.wait_for_selector('[data-testid="run-state"]:text("SUCCEEDED")', timeout=60_000)
                    shown_dash = dashboard.evaluate("() => window.__shown")
                    shown_page = run_page.evaluate("() => window.__shown")
                    events = api(dashboard, app.url, "GET", f"/runs/{run_id}/events/?after=0")["events"]
                    for event in events:
                        if event["type"] != "run.state":
                            continue
                        at = datetime.fromisoformat(event["at"]).timestamp() * 1000
                        seen = shown_dash.get(f"run-state-{run_id}::{event['state']}")
                        if seen is None:
                            dash_missed += 1
                        else:
                            dash_lags.append(seen - at)
                        if at < opened:
                            continue  # happened before the run page listened: replayed, not live
                        seen = shown_page.get(f"run-state::{event['state']}")
                        if seen is None:
                            page_missed += 1
                        else:
                            page_lags.append(seen - at)
            finally:
                browser.close()
    print("stored run.state event -> new state drawn:")
    report("dashboard runs table", dash_lags, dash_missed)
    report("run page badge", page_lags, page_missed)
    return 0 if dash_lags else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20, help="runs to start (default 20)")
    return run(parser.parse_args().count)


if __name__ == "__main__":
    sys.exit(main())
