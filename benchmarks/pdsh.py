"""PDS-H (TPC-H derived): the 22 queries as glueweb graphs, against hand-written Polars and pandas.

    .venv/bin/python benchmarks/pdsh.py [--scale 1] [--rounds 3] [--queries q01,q05] [--data DIR]
                                        [--clock wall|cpu] [--no-pandas] [--pandas-io whole|columns]
                                        [--count-rows MODE]

Needs requirements-bench.txt (tpchgen-cli, pandas). The first run generates the
eight TPC-H tables as Parquet into DIR (default benchmarks/out/tpch-sf<scale>,
git-ignored). Each query in benchmarks/pdsh/qNN.json (written by
benchmarks/pdsh_graphs.py) runs through `run_graph` as a job would: validation,
schema propagation, one plan on the streaming engine, staged Parquet output,
publish, per-node counts (run_graph's default). Beside it run the same query
hand-written in Polars (benchmarks/pdsh_polars.py) and in pandas
(benchmarks/pdsh_pandas.py).

pandas reads its tables as PDS-H's own pandas implementation does: each table
whole, then the query's columns (`--pandas-io whole`, the default; the published
PDS-H ratios are against that). `--pandas-io columns` reads only the columns
each query needs, the stronger baseline; the summary line names which was used,
and notes quote both.

Method, so that the ratios mean something on a shared machine:
- Same work: every implementation ends by writing its result to one zstd Parquet
  file in a fresh folder (the engine's sink; Polars `.collect()`, which is the
  streaming engine in Polars 2, then `write_parquet`; pandas `to_parquet`). The
  engine's result is read back for the comparison outside the timing.
- Each engine run starts without what earlier runs left in the process
  (validate.forget_run_state), as a job run does in its own child process; the
  node type modules are imported once first, as the run forkserver does.
- The three results must agree (same columns and rows, in order, floats within a
  relative 1e-6: the graphs keep exact decimals, the others use floats).
- A warm-up round per query first (file cache, lazy imports, first-plan costs),
  untimed; then `--rounds` timed rounds. Within a query the implementations run
  interleaved, and each round starts with a different one (engine, Polars,
  pandas; then Polars, pandas, engine; ...), so a burst of load from a neighbour
  or a warm cache after one of them does not always favour the same side.
- Each query reports the median of its rounds per implementation; totals are sums
  of medians, ratios are of those. `--clock cpu` times the process's CPU time (all
  threads) instead of elapsed time: the work done, which the neighbours' load
  changes less than elapsed time (it still does, through caches and memory).
- The load average is printed before and after; numbers taken under load are
  noisier, ratios less so than times.

Targets (issue 5): engine total <= 1.05 x Polars; pandas total >= 10 x engine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import pandas as pd  # noqa: E402
import polars as pl  # noqa: E402
from polars.testing import assert_frame_equal  # noqa: E402

from benchmarks import pdsh_pandas, pdsh_polars  # noqa: E402

GRAPHS = Path(__file__).resolve().parent / "pdsh"
TABLES = ("lineitem", "orders", "customer", "part", "partsupp", "supplier", "nation", "region")
ENGINE_TARGET, PANDAS_TARGET = 1.05, 10.0


def generate(data: Path, scale: float) -> None:
    if all((data / f"{t}.parquet").exists() for t in TABLES):
        return
    tool = shutil.which("tpchgen-cli") or str(Path(sys.executable).parent / "tpchgen-cli")
    if not Path(tool).exists():
        sys.exit("tpchgen-cli is missing: .venv/bin/pip install -r requirements-bench.txt")
    data.mkdir(parents=True, exist_ok=True)
    print(f"generating TPC-H scale {scale:g} into {data} ...", flush=True)
    subprocess.run([tool, "parquet", "-s", f"{scale:g}", f"--output-dir={data}", "--overwrite"], check=True)


def normal(frame: pl.DataFrame | pd.DataFrame) -> pl.DataFrame:
    """One representation for the three results: floats for decimals, Int64 for integers, dates for timestamps."""
    df = pl.from_pandas(frame.reset_index(drop=True)) if isinstance(frame, pd.DataFrame) else frame
    return df.with_columns(
        pl.col(pl.Decimal, pl.Float32).cast(pl.Float64),
        pl.col(pl.Int8, pl.Int16, pl.Int32, pl.UInt8, pl.UInt16, pl.UInt32).cast(pl.Int64),
        pl.col(pl.Datetime).cast(pl.Date),
    )


def differences(expected: pl.DataFrame, actual: pl.DataFrame) -> str | None:
    if expected.columns != actual.columns:
        return f"columns {actual.columns} != {expected.columns}"
    try:
        assert_frame_equal(expected, actual, check_dtypes=False, check_exact=False, rel_tol=1e-6, abs_tol=1e-6)
    except AssertionError as exc:
        return str(exc).splitlines()[0]
    return None


def clock(kind: str) -> Callable[[], float]:
    return time.process_time if kind == "cpu" else time.perf_counter


def timed[T](run: Callable[[], T], now: Callable[[], float]) -> tuple[float, T]:
    start = now()
    result = run()
    return (now() - start) * 1000, result


def collect(query: Callable[[pdsh_polars.Tables], pl.LazyFrame], tables: pdsh_polars.Tables, out: Path) -> pl.DataFrame:
    """Polars as a user would call it (`.collect()`: the streaming engine in Polars 2), result written to Parquet."""
    frame = query(tables).collect()
    out.mkdir(parents=True, exist_ok=True)
    frame.write_parquet(out / "result.parquet", compression="zstd")
    return frame


def pandas_run(
    query: Callable[[pdsh_pandas.Tables], pd.DataFrame], tables: pdsh_pandas.Tables, out: Path
) -> pd.DataFrame:
    """pandas, in memory, its result written to Parquet like the others'."""
    frame = query(tables)
    out.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(out / "result.parquet", compression="zstd", index=False)
    return frame


class EngineFailed(Exception):
    pass


def engine_run(run_graph: Callable[..., Any], graph: Any, values: dict[str, Any], out: Path,
               options: dict[str, Any]) -> None:  # fmt: skip
    try:
        run = run_graph(graph, {**values, "out": str(out)}, **options)
    except BaseException as exc:  # a Rust panic inside Polars arrives as a BaseException
        if isinstance(exc, KeyboardInterrupt):
            raise
        raise EngineFailed(
            f"engine CRASHED: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        ) from None
    if not run.succeeded:
        raise EngineFailed(f"engine FAILED: {run.error} {[e.as_dict() for e in run.validation_errors]}")


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", type=float, default=1, help="TPC-H scale factor (default 1)")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds after the warm-up; median (default 3)")
    parser.add_argument("--queries", help="comma-separated subset, e.g. q01,q18 (default: all 22)")
    parser.add_argument("--data", type=Path, help="folder of the generated tables")
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                        help="elapsed time (default) or the process's CPU time, all threads")  # fmt: skip
    parser.add_argument("--no-pandas", action="store_true", help="skip pandas (quicker while investigating)")
    parser.add_argument("--pandas-io", choices=pdsh_pandas.IO_MODES, default="whole",
                        help="pandas reads each table whole, as PDS-H's reference does (default), "
                             "or only the columns a query needs")  # fmt: skip
    parser.add_argument("--count-rows", choices=["counters", "cheap", "all", "none"],
                        help="run_graph's per-node counting (default: run_graph's own default)")  # fmt: skip
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    data = (args.data or REPO_ROOT / "benchmarks" / "out" / f"tpch-sf{args.scale:g}").resolve()
    generate(data, args.scale)
    fraction = 0.0001 / args.scale  # Q11's threshold, as TPC-H scales it

    home = Path(tempfile.mkdtemp(prefix="glueweb-pdsh-"))
    os.environ["GLUEWEB_HOME"] = str(home)
    os.environ["GLUEWEB_DATA_ROOTS"] = f"{home},{data}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "glueweb.settings")
    import django

    django.setup()
    from jobs.engine.compiler import run_graph
    from jobs.engine.registry import all_types
    from jobs.engine.validate import forget_run_state

    all_types()  # node type modules imported first, as the run forkserver does (jobs/runs/boot.py)

    options: dict[str, Any] = {"count_rows": args.count_rows} if args.count_rows else {}
    names = args.queries.split(",") if args.queries else list(pdsh_polars.QUERIES)
    polars_tables = pdsh_polars.Tables(data, fraction)
    pandas_tables = pdsh_pandas.Tables(data, fraction, args.pandas_io)
    now = clock(args.clock)
    sides = ["engine", "polars"] + ([] if args.no_pandas else ["pandas"])
    print(f"PDS-H scale {args.scale:g}, {data}; warm-up + {args.rounds} rounds, median, {args.clock} clock; "
          f"Polars {pl.__version__}, pandas {pd.__version__}"
          + ("" if args.no_pandas else f" (pandas-io {args.pandas_io})")
          + (f"; run_graph count_rows={args.count_rows}" if args.count_rows else "")
          + f"; {os.cpu_count()} CPUs, load average {'/'.join(f'{x:.1f}' for x in os.getloadavg())}")  # fmt: skip
    header = f"{'query':6} {'engine ms':>10} {'polars ms':>10} {'pandas ms':>10} {'eng/pol':>8} {'pd/eng':>8}  result"
    print(header)
    print("-" * len(header))
    totals = dict.fromkeys(("engine", "polars", "pandas"), 0.0)
    failures = 0
    counter = 0
    for name in names:
        path = GRAPHS / f"{name}.json"
        if not path.exists():
            print(f"{name:6} skipped: no graph at {path.relative_to(REPO_ROOT)}")
            continue
        graph = json.loads(path.read_text())
        values: dict[str, Any] = {"data": str(data)}
        if any(p["name"] == "fraction" for p in graph.get("parameters", [])):
            values["fraction"] = fraction

        def run_side(side: str, out: Path) -> pl.DataFrame | pd.DataFrame | None:
            if side == "engine":
                engine_run(run_graph, graph, values, out, options)  # noqa: B023  (called in this iteration)
                return None
            if side == "polars":
                return collect(pdsh_polars.QUERIES[name], polars_tables, out)  # noqa: B023
            return pandas_run(pdsh_pandas.QUERIES[name], pandas_tables, out)  # noqa: B023

        times: dict[str, list[float]] = {side: [] for side in sides}
        results: dict[str, pl.DataFrame] = {}
        problem = None
        try:
            for round_no in range(args.rounds + 1):  # round 0 is the warm-up
                order = sides[round_no % len(sides) :] + sides[: round_no % len(sides)]
                for side in order:
                    counter += 1
                    out = home / "out" / f"{name}-{side}-{counter}"
                    if side == "engine":
                        forget_run_state()  # each job run is a fresh child process: no memo of earlier runs
                    ms, frame = timed(partial(run_side, side, out), now)
                    if round_no == 0:  # results are compared on the warm-up round, outside the timing
                        results[side] = normal(frame if frame is not None else pl.read_parquet(out / "*.parquet"))
                    else:
                        times[side].append(ms)
                    shutil.rmtree(out, ignore_errors=True)
        except EngineFailed as exc:
            problem = str(exc)
        if problem is None:
            problem = next(
                (f"engine vs {other}: {diff}" for other in ("polars", "pandas") if other in results
                 if (diff := differences(results[other], results["engine"])) is not None),
                None,
            )  # fmt: skip
        if problem is not None:
            failures += 1
            print(f"{name:6} {problem}")
            continue
        best = {side: median(times.get(side, [])) for side in totals}
        for key in totals:
            totals[key] += best[key]
        print(f"{name:6} {best['engine']:10.1f} {best['polars']:10.1f} {best['pandas']:10.1f} "
              f"{best['engine'] / best['polars']:8.2f} {best['pandas'] / best['engine']:8.1f}  "
              f"same ({results['engine'].height} rows)", flush=True)  # fmt: skip
    print("-" * len(header))
    ratio, speedup = totals["engine"] / totals["polars"], totals["pandas"] / totals["engine"]
    print(f"{'total':6} {totals['engine']:10.1f} {totals['polars']:10.1f} {totals['pandas']:10.1f} "
          f"{ratio:8.2f} {speedup:8.1f}")  # fmt: skip
    print(f"targets: engine/polars {ratio:.3f} (<= {ENGINE_TARGET}: {'met' if ratio <= ENGINE_TARGET else 'MISSED'}), "
          f"pandas/engine {speedup:.1f} (>= {PANDAS_TARGET:g}: {'met' if speedup >= PANDAS_TARGET else 'MISSED'}"
          + ("" if args.no_pandas else f", pandas-io {args.pandas_io}") + ")"
          + (f"; {failures} queries failed or disagreed" if failures else ""))  # fmt: skip
    print(f"for reference: pandas / hand-written Polars {totals['pandas'] / totals['polars']:.1f}; "
          f"load average at the end {'/'.join(f'{x:.1f}' for x in os.getloadavg())}")  # fmt: skip
    shutil.rmtree(home, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
