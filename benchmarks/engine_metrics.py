"""What per-node row counts and durations cost a run: run_graph with count_rows="counters" against "none".

    .venv/bin/python benchmarks/engine_metrics.py [--rounds 7] [--rows 10000000] [--pdsh DIR] [--queries q01,q03]
        [--modes none,counters,cheap,exact,post,exact-skip-inputs,exact-skip-joins]

Modes: "none" (no meters), "counters" (the default, node_metrics="fast"), "cheap", "exact"
(counters with node_metrics="exact": every node metered), and "post" (counters, then the outputs
it left uncounted counted in one more `pl.collect_all` of their `select(pl.len())`: the option
of counting them after the plan, timed as part of the run).

Two more modes find which of "exact"'s extra meters cost what: "exact-skip-inputs" is "exact"
without meters on the nodes that feed a join and are not joins themselves (sources, filters,
aggregates below a join: where a meter keeps the join's runtime filters from the scans), and
"exact-skip-joins" is "exact" without meters on joins (and the nodes in their pipelines) that
feed another join (where a meter stops fusion, and the pushdown of a filter after the join).

Times are the process's CPU time (all threads) by default: on a shared machine elapsed time
mostly measures the neighbours' load; `--wall` measures elapsed time instead.

Part 1 writes one Parquet source of `--rows` rows into a temporary data root and runs a
graph typical of a job (a derived column, a filter, an aggregate to one target and the
filtered rows to a second target, a join with a small dimension) in each counting mode,
interleaved round by round so the machine's load hits every mode alike; it prints the
median time per mode and the overhead of each against "none".

Part 2 (when `--pdsh DIR` names a folder of TPC-H Parquet tables, e.g. the one
benchmarks/pdsh.py generates under benchmarks/out/tpch-sf1) runs the PDS-H graphs of
benchmarks/pdsh/ the same way and prints the per-query and total overhead.

The issue's target: counts and durations per node at no more than about 10% extra cost. So
beside the cost it prints how many nodes each mode gave a row count and a duration: "counters"
leaves the nodes inside join pipelines without (docs/runs.md "Node metrics").
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

ALL_MODES = ("none", "counters", "cheap", "exact", "post", "exact-skip-inputs", "exact-skip-joins")
DEFAULT_MODES = ("none", "counters", "cheap", "exact")
MODES: tuple[str, ...] = DEFAULT_MODES  # --modes
TARGET = 0.10
WALL = False  # --wall: elapsed time instead of CPU time


def write_source(lake: Path, rows: int) -> None:
    import polars as pl

    ids = pl.int_range(rows, eager=True)
    pl.DataFrame(
        {
            "id": ids,
            "customer_id": ids % 10_000,
            "country": pl.Series(["NL", "BE", "DE", "FR"] * (rows // 4 + 1))[:rows],
            "total": ids.cast(pl.Float64) / 7,
            "qty": ids % 9,
        }
    ).write_parquet(lake / "orders.parquet", row_group_size=500_000)
    pl.DataFrame({"country": ["NL", "BE", "DE", "FR"], "region": ["west", "west", "central", "west"]}).write_parquet(
        lake / "countries.parquet"
    )


def job_graph() -> dict[str, Any]:
    def node(node_id: str, node_type: str, **params: Any) -> dict[str, Any]:
        return {"id": node_id, "type": node_type, "params": params}

    nodes = [
        node("orders", "read_files", path="lake/orders.parquet", format="parquet"),
        node("countries", "read_files", path="lake/countries.parquet", format="parquet"),
        node("vat", "derived_column", columns=[{"name": "vat", "expression": "total * 0.21"}]),
        node("big", "filter", condition="qty > 2 AND total > 1000"),
        node("regions", "join", how="left", on=[{"left": "country", "right": "country"}]),
        node(
            "by_region",
            "aggregate",
            group_by=["region"],
            aggregations=[
                {"function": "sum", "column": "total", "alias": "revenue"},
                {"function": "count", "alias": "orders"},
                {"function": "mean", "column": "vat", "alias": "avg_vat"},
            ],
        ),
        node("w_agg", "write_files", path="${out}/agg", mode="overwrite"),
        node("w_rows", "write_files", path="${out}/rows", mode="overwrite"),
    ]
    edges = [
        {"source": "orders", "target": "vat"},
        {"source": "vat", "target": "big"},
        {"source": "big", "target": "regions", "target_port": "left"},
        {"source": "countries", "target": "regions", "target_port": "right"},
        {"source": "regions", "target": "by_region"},
        {"source": "by_region", "target": "w_agg"},
        {"source": "big", "target": "w_rows"},
    ]
    return {"format": "glueweb.graph/1", "parameters": [{"name": "out", "type": "string", "default": "lake/out"}],
            "nodes": nodes, "edges": edges}  # fmt: skip


@contextlib.contextmanager
def exact_without(part: str) -> Iterator[None]:
    """node_metrics="exact" with the meters of `part` ("inputs" or "joins") left out (module docstring)."""
    from jobs.engine import compiler

    exact_plan = compiler.meter_plan

    def plan(analysis: Any, node_metrics: Any = "fast") -> dict[str, Any]:
        feeding, in_pipeline = compiler._join_pipelines(analysis)
        skip = feeding - in_pipeline if part == "inputs" else feeding & in_pipeline
        return {node: kind for node, kind in exact_plan(analysis, node_metrics).items() if node not in skip}

    compiler.meter_plan = plan  # build_frames looks it up in the module at each run
    try:
        yield
    finally:
        compiler.meter_plan = exact_plan


def run_mode(graph: dict[str, Any], values: dict[str, Any], mode: str) -> Any:
    """One run in `mode` (module docstring); "post" adds the count of what "counters" left uncounted."""
    import polars as pl

    from jobs.engine.compiler import compile_graph, run_graph

    if mode == "exact":
        return run_graph(graph, values, node_metrics="exact")
    if mode.startswith("exact-skip-"):
        with exact_without(mode.removeprefix("exact-skip-")):
            return run_graph(graph, values, node_metrics="exact")
    if mode != "post":
        return run_graph(graph, values, count_rows=mode)  # type: ignore[arg-type]
    result = run_graph(graph, values)
    missing = [n.node for n in result.nodes if n.rows_out is None]
    if missing:
        frames = compile_graph(graph, values)
        pl.collect_all([frames[(node, "out")].select(pl.len()) for node in missing], engine="streaming")
    return result


Coverage = dict[str, Counter[str]]  # mode -> how many nodes: "all", "rows" (with rows_out), "durations"


def measure(
    graph: dict[str, Any], values: dict[str, Any], out: Path, rounds: int, coverage: Coverage
) -> dict[str, list[float]]:
    """Milliseconds per mode (CPU time of this process, all threads, or wall time), modes interleaved.

    `coverage` gets, per mode, how many of the graph's nodes the run gave a row count and a duration.
    """
    clock = time.perf_counter if WALL else time.process_time
    timings: dict[str, list[float]] = {mode: [] for mode in MODES}
    for round_no in range(rounds):
        for mode in MODES:
            start = clock()
            result = run_mode(graph, {**values, "out": str(out)}, mode)
            timings[mode].append((clock() - start) * 1000)
            if not result.succeeded:
                raise SystemExit(f"run failed in mode {mode}: {result.error}")
            shutil.rmtree(out, ignore_errors=True)
            if round_no == 0:
                counts = coverage.setdefault(mode, Counter())
                counts["all"] += len(result.nodes)
                counts["rows"] += sum(n.rows_out is not None for n in result.nodes)
                counts["durations"] += sum(n.duration_ms is not None for n in result.nodes)
    return timings


def report_coverage(label: str, coverage: Coverage) -> None:
    """What each mode measured: the cost above buys these figures, not every node's in every mode."""
    cells = [
        f"{mode} rows {c['rows']}/{c['all']}, durations {c['durations']}/{c['all']}"
        for mode, c in coverage.items()
        if mode != "none"
    ]
    print(f"{label:14} nodes measured: " + "; ".join(cells), flush=True)


def report(label: str, timings: dict[str, list[float]]) -> float:
    base = statistics.median(timings["none"])
    cells = []
    for mode in MODES:
        median = statistics.median(timings[mode])
        cells.append(f"{mode} {median:8.1f} ms ({(median / base - 1) * 100:+5.1f}%)")
    print(f"{label:14} " + "   ".join(cells), flush=True)
    return statistics.median(timings["counters"]) / base - 1


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--pdsh", type=Path, help="folder of TPC-H Parquet tables (benchmarks/pdsh.py makes one)")
    parser.add_argument("--queries", help="comma-separated PDS-H subset, e.g. q01,q03 (default: all)")
    parser.add_argument("--wall", action="store_true", help="elapsed time (default: CPU time, steadier under load)")
    parser.add_argument("--modes", default=",".join(DEFAULT_MODES), help=f"comma-separated, of {', '.join(ALL_MODES)}")
    args = parser.parse_args()
    global WALL, MODES
    WALL = args.wall
    MODES = tuple(dict.fromkeys(["none", "counters", *args.modes.split(",")]))  # the verdict compares these two
    if unknown := set(MODES) - set(ALL_MODES):
        parser.error(f"unknown mode(s) {', '.join(sorted(unknown))}; known: {', '.join(ALL_MODES)}")
    home = Path(tempfile.mkdtemp(prefix="glueweb-metrics-"))
    (home / "lake").mkdir()
    roots = [str(home / "lake")] + ([str(args.pdsh.resolve())] if args.pdsh else [])
    os.environ["GLUEWEB_HOME"] = str(home)
    os.environ["GLUEWEB_DATA_ROOTS"] = ",".join(roots)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "glueweb.settings")
    import django

    django.setup()
    import polars as pl

    kind = "elapsed" if WALL else "CPU (all threads)"
    print(
        f"per-node counting overhead, {kind} time, median of {args.rounds} interleaved rounds; Polars {pl.__version__}"
    )
    write_source(home / "lake", args.rows)
    job_coverage: Coverage = {}
    job_label = f"job {args.rows // 1_000_000}M rows"
    job = report(job_label, measure(job_graph(), {}, home / "lake" / "out", args.rounds, job_coverage))
    overheads = {"job": job}
    pdsh_coverage: Coverage = {}
    if args.pdsh:
        graphs = sorted((REPO_ROOT / "benchmarks" / "pdsh").glob("q*.json"))
        wanted = set(args.queries.split(",")) if args.queries else None
        totals: dict[str, list[float]] = {mode: [0.0] * args.rounds for mode in MODES}
        for path in graphs:
            if wanted and path.stem not in wanted:
                continue
            graph = json.loads(path.read_text())
            values: dict[str, Any] = {"data": str(args.pdsh.resolve())}
            if any(p["name"] == "fraction" for p in graph.get("parameters", [])):
                values["fraction"] = 0.0001
            timings = measure(graph, values, home / "lake" / "pdsh", args.rounds, pdsh_coverage)
            overheads[path.stem] = report(f"PDS-H {path.stem}", timings)
            for mode in MODES:
                totals[mode] = [a + b for a, b in zip(totals[mode], timings[mode], strict=True)]
        overheads["pdsh total"] = report("PDS-H total", totals)
    report_coverage(job_label, job_coverage)
    if pdsh_coverage:
        report_coverage("PDS-H total", pdsh_coverage)
    worst = max(overheads, key=lambda k: overheads[k])
    verdict = "met" if max(overheads["job"], overheads.get("pdsh total", 0.0)) <= TARGET else "MISSED"
    print(f"cost target: counters (node_metrics fast) <= +{TARGET * 100:.0f}% on the job and the PDS-H total: {verdict}"
          f" (largest single overhead: {worst} {overheads[worst] * 100:+.1f}%)")  # fmt: skip
    shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
