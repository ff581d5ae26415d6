"""PDS-H (TPC-H derived) queries as glueweb graphs, run end to end and checked against plain Polars.

    .venv/bin/python benchmarks/pdsh.py [--scale 1] [--rounds 3] [--data DIR]

Needs `tpchgen-cli` (pip install tpchgen-cli) to generate the Parquet data once
into DIR (default var/pdsh-sf<scale>). Each query in benchmarks/pdsh/q*.json
runs through `run_graph` (validation, one plan on the streaming engine,
staged Parquet output, publish); the same query written directly in Polars is
timed beside it and the two results are compared. Implemented so far: Q1, Q3, Q6.
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
from datetime import date
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import polars as pl  # noqa: E402


def F(name: str) -> pl.Expr:
    """Products in floating point: Polars' decimal product keeps the operands' scale and rounds,
    where SQL (and so glueweb) keeps the exact product; floats compare both within tolerance."""
    return pl.col(name).cast(pl.Float64)


def q1(d: Path) -> pl.DataFrame:
    li = pl.scan_parquet(d / "lineitem.parquet")
    disc = F("l_extendedprice") * (1 - F("l_discount"))
    return (
        li.filter(pl.col("l_shipdate") <= date(1998, 9, 2))
        .group_by("l_returnflag", "l_linestatus")
        .agg(
            pl.col("l_quantity").sum().alias("sum_qty"),
            pl.col("l_extendedprice").sum().alias("sum_base_price"),
            disc.sum().alias("sum_disc_price"),
            (disc * (1 + F("l_tax"))).sum().alias("sum_charge"),
            pl.col("l_quantity").cast(pl.Float64).mean().alias("avg_qty"),
            pl.col("l_extendedprice").cast(pl.Float64).mean().alias("avg_price"),
            pl.col("l_discount").cast(pl.Float64).mean().alias("avg_disc"),
            pl.len().alias("count_order"),
        )
        .sort("l_returnflag", "l_linestatus")
        .collect()
    )


def q3(d: Path) -> pl.DataFrame:
    c = pl.scan_parquet(d / "customer.parquet").filter(pl.col("c_mktsegment") == "BUILDING")
    o = pl.scan_parquet(d / "orders.parquet").filter(pl.col("o_orderdate") < date(1995, 3, 15))
    li = pl.scan_parquet(d / "lineitem.parquet").filter(pl.col("l_shipdate") > date(1995, 3, 15))
    return (
        c.join(o, left_on="c_custkey", right_on="o_custkey")
        .join(li, left_on="o_orderkey", right_on="l_orderkey")
        .group_by("o_orderkey", "o_orderdate", "o_shippriority")
        .agg((F("l_extendedprice") * (1 - F("l_discount"))).sum().alias("revenue"))
        .sort(["revenue", "o_orderdate"], descending=[True, False])
        .head(10)
        .collect()
    )


def q6(d: Path) -> pl.DataFrame:
    li = pl.scan_parquet(d / "lineitem.parquet")
    return (
        li.filter(
            pl.col("l_shipdate").is_between(date(1994, 1, 1), date(1995, 1, 1), closed="left"),
            pl.col("l_discount").is_between(0.05, 0.07),
            pl.col("l_quantity") < 24,
        )
        .select((F("l_extendedprice") * F("l_discount")).sum().alias("revenue"))
        .collect()
    )


REFERENCES: dict[str, Callable[[Path], pl.DataFrame]] = {"q1": q1, "q3": q3, "q6": q6}


def generate(data: Path, scale: float) -> None:
    if all((data / f"{t}.parquet").exists() for t in ("lineitem", "orders", "customer")):
        return
    tool = shutil.which("tpchgen-cli") or str(Path(sys.executable).parent / "tpchgen-cli")
    data.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [tool, "parquet", "-s", str(scale), "--tables=lineitem,orders,customer", f"--output-dir={data}"], check=True
    )


def same(a: pl.DataFrame, b: pl.DataFrame) -> bool:
    if a.columns != b.columns or a.height != b.height:
        return False
    a = a.with_columns(pl.col(pl.Decimal).cast(pl.Float64))
    b = b.with_columns(pl.col(pl.Decimal).cast(pl.Float64))
    try:
        from polars.testing import assert_frame_equal

        assert_frame_equal(a, b, check_dtypes=False, check_exact=False, rel_tol=1e-9)
    except AssertionError:
        return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--data", type=Path)
    args = parser.parse_args()
    data = (args.data or REPO_ROOT / "var" / f"pdsh-sf{args.scale:g}").resolve()
    generate(data, args.scale)
    home = Path(tempfile.mkdtemp(prefix="glueweb-pdsh-"))
    os.environ["GLUEWEB_HOME"] = str(home)
    os.environ["GLUEWEB_DATA_ROOTS"] = f"{home},{data}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "glueweb.settings")
    import django

    django.setup()
    from jobs.engine.compiler import run_graph

    print(f"PDS-H scale {args.scale:g}, data {data}, best and median of {args.rounds} rounds")
    print(f"{'query':6} {'glueweb ms':>11} {'median':>8} {'polars ms':>10} {'median':>8}  result")
    for query, reference in REFERENCES.items():
        graph = json.loads((Path(__file__).parent / "pdsh" / f"{query}.json").read_text())
        ours, theirs = [], []
        expected = reference(data)
        ok = True
        for i in range(args.rounds):
            out = home / "out" / f"{query}-{i}"
            start = time.perf_counter()
            result = run_graph(graph, {"data": str(data), "out": str(out)})
            ours.append((time.perf_counter() - start) * 1000)
            if not result.succeeded:
                print(query, "FAILED", result.error, [e.as_dict() for e in result.validation_errors])
                return 1
            ok = ok and same(pl.read_parquet(out / "*.parquet"), expected)
            start = time.perf_counter()
            reference(data)
            theirs.append((time.perf_counter() - start) * 1000)
        print(f"{query:6} {min(ours):11.1f} {statistics.median(ours):8.1f} {min(theirs):10.1f} "
              f"{statistics.median(theirs):8.1f}  {'same' if ok else 'DIFFERENT'}")  # fmt: skip
    shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
