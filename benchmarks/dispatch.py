"""How fast runs start and how fast their events reach WebSocket watchers.

    .venv/bin/python benchmarks/dispatch.py [--count 20] [--clients 100]

Starts glueweb with `manage.py up` (mode from the environment, as for the
browser tests: nothing set is embedded; DATABASE_URL + REDIS_URL is
production, on a fresh database), signs in over HTTP, and measures with
aiohttp as the WebSocket client:

1. dispatch: from just before `POST /api/jobs/<id>/runs/` is sent to the
   arrival of that run's first `RUNNING` event on `/ws/dashboard/`
   (target: median <= 100 ms in both modes);
2. tiny job end to end: the same start to the `SUCCEEDED` event, for a job
   reading a 1,000-row CSV, filtering it and writing Parquet (target <= 1 s);
3. fan-out: `--clients` sockets watch a tiny run on `/ws/runs/<id>/` from
   before it starts to its end (5 runs); for every event each client
   receives, lag = arrival - the event's `at` (target: p99 <= 250 ms).
   Two rows split it per event: the first watcher's lag (store, publish,
   pump or Redis, hub) and the last watcher's minus the first's (fan-out);
   the web process's CPU per message delivered is the figure least moved
   by whatever else runs on the machine, whose load is printed too.

Runs are started one at a time, after warm-up runs. It prints the figures and
exits 0 whether targets are met or missed; 1 only when it could not measure.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import csv
import json
import math
import os
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from tests.e2e.launcher import AppStartError, RunningApp, command_line, descendants  # noqa: E402

WARMUP = 3
FANOUT_RUNS = 5
FINAL_STATES = {"SUCCEEDED", "FAILED", "STOPPED", "TIMEOUT", "ERROR"}
TARGETS = {"dispatch": 100.0, "tiny": 1000.0, "lag_p99": 250.0}
FORMAT = "glueweb.graph/1"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def tiny_graph() -> dict[str, Any]:
    return {
        "format": FORMAT,
        "parameters": [],
        "nodes": [
            {"id": "orders", "type": "read_files",
             "params": {"path": "lake/bench/orders.csv", "format": "csv"}},
            {"id": "big", "type": "filter", "params": {"condition": "total > 500"}},
            {"id": "save", "type": "write_files",
             "params": {"path": "lake/bench/big_orders", "format": "parquet", "mode": "overwrite"}},
        ],
        "edges": [{"source": "orders", "target": "big"}, {"source": "big", "target": "save"}],
    }  # fmt: skip


def write_orders(lake: Path) -> None:
    folder = lake / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "orders.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["order_id", "customer", "total"])
        for i in range(1000):
            writer.writerow([i, f"c{i % 37}", (i * 7919) % 1000])


class Client:
    """A signed-in HTTP session (aiohttp) that also opens WebSockets with its cookie."""

    def __init__(self, app: RunningApp) -> None:
        import aiohttp

        self.app = app
        # No connection limit: the watchers' sockets would otherwise hold every slot of the default 100.
        self.http = aiohttp.ClientSession(
            cookie_jar=aiohttp.CookieJar(unsafe=True), connector=aiohttp.TCPConnector(limit=0)
        )
        self.ws_url = app.url.replace("http://", "ws://")

    async def sign_in(self) -> None:
        login = f"{self.app.url}/accounts/login/"
        async with self.http.get(login) as response:
            await response.read()
        form = {"username": self.app.username, "password": self.app.password, "csrfmiddlewaretoken": self.csrf()}
        async with self.http.post(login, data=form, headers={"Referer": login}) as response:
            await response.read()
        if not any(c.key == "sessionid" for c in self.http.cookie_jar):
            raise RuntimeError("could not sign in")

    def csrf(self) -> str:
        return next((c.value for c in self.http.cookie_jar if c.key == "csrftoken"), "")

    async def post(self, path: str, body: Any) -> Any:
        headers = {"X-CSRFToken": self.csrf(), "Referer": self.app.url + "/"}
        async with self.http.post(f"{self.app.url}{path}", json=body, headers=headers) as response:
            data = await response.json()
            if response.status >= 300:
                raise RuntimeError(f"POST {path}: {response.status} {data}")
            return data

    async def socket(self, path: str, after: int | None) -> Any:
        ws = await self.http.ws_connect(f"{self.ws_url}{path}", origin=self.app.url, max_msg_size=0)
        await ws.send_json({"type": "resume", "after": after})
        while True:
            message = json.loads((await ws.receive(timeout=30)).data)
            if message["type"] == "resumed":
                return ws

    async def close(self) -> None:
        await self.http.close()


async def wait_for(ws: Any, run_id: int, state: str, timeout: float = 60) -> float:
    """perf_counter() when `run_id`'s run.state event with `state` arrives."""
    deadline = time.perf_counter() + timeout
    while True:
        message = json.loads((await ws.receive(timeout=max(0.1, deadline - time.perf_counter()))).data)
        if message.get("type") == "run.state" and message.get("run") == run_id and message.get("state") == state:
            return time.perf_counter()


async def measure_dispatch(client: Client, job_id: int, count: int) -> tuple[list[float], list[float], int]:
    dashboard = await client.socket("/ws/dashboard/", None)
    dispatch: list[float] = []
    tiny: list[float] = []
    run: dict[str, Any] = {}
    try:
        for i in range(WARMUP + count):
            started = time.perf_counter()
            run = await client.post(f"/api/jobs/{job_id}/runs/", {})
            running = await wait_for(dashboard, run["id"], "RUNNING")
            done = await wait_for(dashboard, run["id"], "SUCCEEDED")
            if i >= WARMUP:
                dispatch.append((running - started) * 1000)
                tiny.append((done - started) * 1000)
    finally:
        await dashboard.close()
    return dispatch, tiny, int(run["id"])


class Fanout:
    """What the watchers of the fan-out runs saw, and what it cost."""

    def __init__(self, clients: int) -> None:
        self.clients = clients
        self.lags: list[float] = []
        self.by_event: dict[int, list[float]] = {}  # event id -> each watcher's lag
        self.types: dict[int, str] = {}
        self.client_cpu = 0.0  # this process (all the watchers), seconds
        self.web_cpu = 0.0  # the app's web process, seconds
        self.wall = 0.0


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of `pid` so far (0 when it cannot be read)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def web_process(app: RunningApp) -> int:
    """The pid of the app's web process (`manage.py web`), 0 if not found."""
    for pid in descendants(app.pid):
        argv = command_line(pid)
        if "web" in argv and any(part.endswith("manage.py") for part in argv):
            return pid
    return 0


async def measure_fanout(client: Client, job_id: int, clients: int, last_run: int, web_pid: int) -> Fanout:
    """`clients` sockets watch each of FANOUT_RUNS tiny runs from before it starts to its end.

    The watchers subscribe to the id the next run will get (a fresh app where
    nothing else starts runs), so every event they receive is live.
    """
    seen = Fanout(clients)

    async def listen(ws: Any) -> None:
        while True:
            received = await ws.receive(timeout=60)
            arrived = time.time()
            if not isinstance(received.data, str):
                raise RuntimeError(f"a watcher's socket ended: {received.type!r}")
            message = json.loads(received.data)
            lag = (arrived - datetime.fromisoformat(message["at"]).timestamp()) * 1000
            seen.lags.append(lag)
            seen.by_event.setdefault(message["id"], []).append(lag)
            seen.types[message["id"]] = message["type"]
            if message.get("type") == "run.state" and message.get("state") in FINAL_STATES:
                return

    for _ in range(FANOUT_RUNS):
        expected = last_run + 1
        sockets = await asyncio.gather(*(client.socket(f"/ws/runs/{expected}/", 0) for _ in range(clients)))
        listeners = [asyncio.create_task(listen(ws)) for ws in sockets]
        cpu, web, wall = time.process_time(), process_cpu(web_pid), time.perf_counter()
        run = await client.post(f"/api/jobs/{job_id}/runs/", {})
        if run["id"] != expected:
            raise RuntimeError(f"expected the next run to be {expected}, it is {run['id']}: is something else running?")
        await asyncio.gather(*listeners)
        seen.client_cpu += time.process_time() - cpu
        seen.web_cpu += process_cpu(web_pid) - web
        seen.wall += time.perf_counter() - wall
        for ws in sockets:
            await ws.close()
        last_run = expected
    return seen


async def measure(app: RunningApp, count: int, clients: int) -> dict[str, Any]:
    client = Client(app)
    try:
        await client.sign_in()
        tiny_job = await client.post("/api/jobs/", {"name": "bench-tiny", "graph": tiny_graph()})
        dispatch, tiny, last_run = await measure_dispatch(client, tiny_job["id"], count)
        fanout = await measure_fanout(client, tiny_job["id"], clients, last_run, web_process(app))
    finally:
        await client.close()
    return {"dispatch": dispatch, "tiny": tiny, "fanout": fanout}


def row(label: str, values: list[float]) -> str:
    figures = [statistics.median(values), percentile(values, 0.95), percentile(values, 0.99), min(values), max(values)]
    return f"  {label:<44}" + "".join(f"{f:>9.1f}" for f in figures)


def report(description: str, count: int, result: dict[str, Any]) -> None:
    fanout: Fanout = result["fanout"]
    print()
    print(f"mode:   {description}")
    print(f"runs:   {count} tiny runs one at a time (after {WARMUP} warm-up); then {FANOUT_RUNS} more, each")
    print(f"        watched by {fanout.clients} WebSocket clients from before it starts to its end")
    print(f"load:   {' '.join(Path('/proc/loadavg').read_text().split()[:3])} (1, 5, 15 min) on {os.cpu_count()} CPUs")
    print()
    print(f"  {'milliseconds':<44}{'median':>9}{'p95':>9}{'p99':>9}{'min':>9}{'max':>9}")
    print(row("start request -> first RUNNING at a socket", result["dispatch"]))
    print(row("tiny job (1,000-row CSV -> filter -> Parquet)", result["tiny"]))
    print(row(f"event lag, {fanout.clients} watchers ({len(fanout.lags)} messages)", fanout.lags))
    # Where the lag comes from: reaching the first watcher (store, publish, pump) vs reaching them all.
    print(row("  per event: first watcher's lag", [min(lags) for lags in fanout.by_event.values()]))
    print(row("  per event: last watcher - first", [max(lags) - min(lags) for lags in fanout.by_event.values()]))
    kinds = collections.Counter(fanout.types.values())
    print()
    print(f"fan-out: {len(fanout.by_event)} events ({', '.join(f'{n} {t}' for t, n in sorted(kinds.items()))})")
    if fanout.lags and fanout.web_cpu:
        per_message = fanout.web_cpu / len(fanout.lags) * 1e6
        print(f"         web process CPU {fanout.web_cpu:.2f} s = {per_message:.0f} us per message delivered")
    print(f"         the watchers' own CPU {fanout.client_cpu:.2f} s of {fanout.wall:.2f} s")
    print()
    checks = [
        ("median start -> RUNNING", statistics.median(result["dispatch"]), TARGETS["dispatch"]),
        ("median tiny job end to end", statistics.median(result["tiny"]), TARGETS["tiny"]),
        ("p99 event lag", percentile(fanout.lags, 0.99), TARGETS["lag_p99"]),
    ]
    for label, value, target in checks:
        verdict = "PASS" if value <= target else "MISS"
        print(f"target: {label} <= {target:.0f} ms: {value:.1f} ms -> {verdict}")


def run(count: int, clients: int) -> int:
    print("glueweb dispatch benchmark", flush=True)
    print("  starting the app (manage.py up)…", flush=True)
    with RunningApp(demo=False) as app:
        app.wait_for_worker()
        write_orders(app.home / "lake")
        try:
            result = asyncio.run(measure(app, count, clients))
        except Exception as exc:
            print(f"\ndispatch: the measurement failed: {exc!r}", file=sys.stderr)
            print(app.diagnosis("the app when the measurement failed"), file=sys.stderr)
            return 1
        description = app.description
    report(description, count, result)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--count", type=int, default=20, help="tiny runs to time (default 20)")
    parser.add_argument("--clients", type=int, default=100, help="WebSocket watchers of one run (default 100)")
    args = parser.parse_args(argv)
    if args.count < 1 or args.clients < 1:
        parser.error("--count and --clients must be at least 1")
    try:
        return run(args.count, args.clients)
    except AppStartError as exc:
        print(f"\ndispatch: could not measure: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
