"""Where a PDS-H run's time goes besides the plan: the engine's fixed cost per run, by phase.

    .venv/bin/python benchmarks/pdsh_overhead.py [--rounds 5] [--queries q02,q11] [--data DIR] [--clock cpu|wall]

For each query of benchmarks/pdsh/ (data as benchmarks/pdsh.py generates it) this times, as
medians of `--rounds` after one warm-up:
  - `run_graph` whole, with count_rows "counters" (the default) and "none" (no meters);
  - its phases called one by one as run_graph calls them: `analyze` (validation and schema
    propagation), `build_frames` (with meters), the plan (`pl.collect_all` of the sinks),
    `publish_all` (moving staged files into place);
  - "rest": run_graph (counters) minus those phases: the row counts after the plan, the run
    record, and whatever else run_graph does.
Every run starts with `forget_run_state()`, as a job run starts in a fresh child process.
CPU time of the process (all threads) by default: on a shared machine it varies less than
elapsed time. The meters' share is "counters" minus "none".
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

PHASES = ("analyze", "build", "plan", "publish")
COLUMNS = ("run", "no meters", *PHASES, "rest")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds after a warm-up; median (default 5)")
    parser.add_argument("--queries", help="comma-separated subset (default: all 22)")
    parser.add_argument("--data", type=Path, default=REPO_ROOT / "benchmarks" / "out" / "tpch-sf1")
    parser.add_argument("--clock", choices=["cpu", "wall"], default="cpu")
    args = parser.parse_args()
    data = args.data.resolve()
    if not (data / "lineitem.parquet").exists():
        sys.exit(f"no TPC-H tables in {data}: run benchmarks/pdsh.py once to generate them")
    home = Path(tempfile.mkdtemp(prefix="glueweb-pdsh-overhead-"))
    os.environ["GLUEWEB_HOME"] = str(home)
    os.environ["GLUEWEB_DATA_ROOTS"] = f"{home},{data}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "glueweb.settings")
    import django

    django.setup()
    import polars as pl

    from jobs.engine.compiler import SINK, CountRows, build_frames, run_graph
    from jobs.engine.publish import publish_all
    from jobs.engine.registry import Context, all_types
    from jobs.engine.validate import analyze, forget_run_state

    all_types()  # node type modules imported first, as the run forkserver does
    now: Callable[[], float] = time.process_time if args.clock == "cpu" else time.perf_counter
    counter = 0

    def values(graph: dict[str, Any]) -> dict[str, Any]:
        nonlocal counter
        counter += 1
        found: dict[str, Any] = {"data": str(data), "out": str(home / "out" / str(counter))}
        if any(p["name"] == "fraction" for p in graph.get("parameters", [])):
            found["fraction"] = 0.0001
        return found

    def whole(graph: dict[str, Any], count_rows: CountRows) -> float:
        forget_run_state()
        start = now()
        result = run_graph(graph, values(graph), count_rows=count_rows)
        took = now() - start
        if not result.succeeded:
            sys.exit(f"run failed: {result.error}")
        return took

    def phases(graph: dict[str, Any]) -> dict[str, float]:
        forget_run_state()
        times: dict[str, float] = {}
        start = now()
        analysis = analyze(graph, values(graph))
        times["analyze"] = now() - start
        ctx = Context(run_id=f"p{counter}")
        start = now()
        frames = build_frames(analysis, ctx, meters={}, raw={})
        times["build"] = now() - start
        start = now()
        pl.collect_all([frame for (_, port), frame in frames.items() if port == SINK])
        times["plan"] = now() - start
        start = now()
        publish_all(ctx.publishers)
        times["publish"] = now() - start
        return times

    graphs = sorted((REPO_ROOT / "benchmarks" / "pdsh").glob("q*.json"))
    names = args.queries.split(",") if args.queries else [p.stem for p in graphs]
    print(f"{args.clock} ms, median of {args.rounds} after a warm-up; load average "
          f"{'/'.join(f'{x:.1f}' for x in os.getloadavg())}")  # fmt: skip
    print(f"{'query':6}" + "".join(f"{c:>10}" for c in COLUMNS))
    totals = dict.fromkeys(COLUMNS, 0.0)
    for name in names:
        graph = json.loads((REPO_ROOT / "benchmarks" / "pdsh" / f"{name}.json").read_text())
        samples: dict[str, list[float]] = {c: [] for c in COLUMNS}
        for round_no in range(args.rounds + 1):
            taken = {"run": whole(graph, "counters"), "no meters": whole(graph, "none"), **phases(graph)}
            if round_no:
                for key, value in taken.items():
                    samples[key].append(value * 1000)
                samples["rest"].append(samples["run"][-1] - sum(samples[p][-1] for p in PHASES))
        row = {key: statistics.median(v) for key, v in samples.items()}
        for key in COLUMNS:
            totals[key] += row[key]
        print(f"{name:6}" + "".join(f"{row[c]:10.1f}" for c in COLUMNS), flush=True)
    print(f"{'total':6}" + "".join(f"{totals[c]:10.1f}" for c in COLUMNS))
    fixed = totals["run"] - totals["plan"]
    print(f"fixed cost per run (run - plan): {fixed / len(names):.1f} ms ({fixed / totals['run']:.1%} of the runs); "
          f"meters (run - no meters): {(totals['run'] - totals['no meters']) / totals['no meters']:+.1%}; "
          f"load average at the end {'/'.join(f'{x:.1f}' for x in os.getloadavg())}")  # fmt: skip
    shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
