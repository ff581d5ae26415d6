"""How long schema propagation takes for a 50-node graph over Parquet sources (target p95 <= 200 ms).

    .venv/bin/python benchmarks/engine_schema.py [--rounds 40] [--rows 200000]

Writes five Parquet sources (orders-like, `--rows` rows each) into a temporary
data root, builds one graph of 50 nodes (5 sources, joins, filters, derived
columns, aggregates, windows, a union, a pivot and SQL), and times
`graph_schemas` (what POST /api/graphs/schema/ does): validation plus every
node's output schema, reading only Parquet footers. Prints p50 and p95.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks.lake_home import lake_home  # noqa: E402

TARGET_P95_MS = 200.0


def write_sources(lake: Path, rows: int) -> None:
    import polars as pl

    for i in range(5):
        pl.DataFrame(
            {
                "id": pl.int_range(rows, eager=True),
                "customer_id": pl.int_range(rows, eager=True) % 1000,
                "country": pl.Series(["NL", "BE", "DE", "FR"] * (rows // 4 + 1))[:rows],
                "total": pl.int_range(rows, eager=True).cast(pl.Float64) / 7,
                "qty": pl.int_range(rows, eager=True) % 9,
                "status": pl.Series(["paid", "cancelled"] * (rows // 2 + 1))[:rows],
            }
        ).write_parquet(lake / f"src{i}.parquet")


def fifty_node_graph() -> dict[str, Any]:
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []

    def add(node_id: str, node_type: str, params: dict[str, Any], *inputs: str | tuple[str, str]) -> None:
        nodes.append({"id": node_id, "type": node_type, "params": params})
        for source in inputs:
            src, port = (source, "in") if isinstance(source, str) else source
            edges.append({"source": src, "target": node_id, "target_port": port})

    for i in range(5):
        add(f"src{i}", "read_files", {"path": f"lake/src{i}.parquet", "format": "parquet"})
    for i in range(5):  # 5 x 7 = 35 transform nodes
        add(f"f{i}", "filter", {"condition": "status <> 'cancelled' AND total > ${min_total}"}, f"src{i}")
        band = "CASE WHEN total > 100 THEN 'L' ELSE 'S' END"
        columns = [{"name": "vat", "expression": "ROUND(total * 0.21, 2)"}, {"name": "band", "expression": band}]
        add(f"d{i}", "derived_column", {"columns": columns}, f"f{i}")
        add(f"r{i}", "rename_columns", {"mapping": {"qty": "quantity"}}, f"d{i}")
        add(f"w{i}", "window", {"partition_by": ["country"], "order_by": [{"column": "total", "descending": True}],
                                "functions": [{"function": "rank"}]}, f"r{i}")  # fmt: skip
        add(f"a{i}", "aggregate", {"group_by": ["country", "band"], "aggregations": [
            {"function": "sum", "column": "total", "alias": "revenue"}, {"function": "count", "alias": "orders"},
            {"function": "mean", "column": "vat", "alias": "avg_vat"}]}, f"w{i}")  # fmt: skip
        add(f"s{i}", "sort", {"by": [{"column": "revenue", "descending": True}]}, f"a{i}")
        add(f"c{i}", "change_schema", {"mappings": [{"source": "orders", "type": "int"}]}, f"s{i}")
    add("u", "union", {"mode": "all"}, *[f"c{i}" for i in range(5)])
    add("j", "join", {"how": "left", "on": [{"left": "country", "right": "country"}], "suffix": "_all"},
        ("u", "left"), ("a0", "right"))  # fmt: skip
    add("p", "pivot", {"index": ["country"], "on": "band", "on_values": ["L", "S"], "values": ["revenue"],
                       "function": "sum"}, "u")  # fmt: skip
    add("q", "sql", {"query": "SELECT u.country, SUM(u.revenue) AS revenue FROM u GROUP BY u.country"}, "u")
    add("x", "select_columns", {"columns": ["country", "revenue", "orders"]}, "j")
    add("y", "drop_nulls", {"subset": ["country"]}, "x")
    add("fill", "fill_nulls", {"fills": [{"column": "revenue", "strategy": "zero"}]}, "y")
    add("rid", "add_row_id", {"name": "row"}, "fill")
    add("dd", "drop_duplicates", {"subset": ["country"]}, "rid")
    add("out", "write_files", {"path": "lake/marts/revenue", "format": "parquet", "mode": "overwrite"}, "dd")
    assert len(nodes) == 50, len(nodes)
    return {"format": "glueweb.graph/1", "parameters": [{"name": "min_total", "type": "number", "default": 10}],
            "nodes": nodes, "edges": edges}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args()
    home = lake_home("glueweb-bench-")
    from jobs.engine.schema import graph_schemas

    write_sources(home / "lake", args.rows)
    graph = fifty_node_graph()
    first = graph_schemas(graph)
    if first["errors"]:
        print("the benchmark graph has errors:", first["errors"])
        return 1
    timings: list[float] = []
    for _ in range(args.rounds):
        start = time.perf_counter()
        graph_schemas(graph)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p50 = statistics.median(timings)
    p95 = timings[min(len(timings) - 1, round(0.95 * len(timings)) - 1)]
    verdict = "met" if p95 <= TARGET_P95_MS else "MISSED"
    print(f"schema propagation, 50 nodes, {args.rows} rows x 5 Parquet sources, {args.rounds} rounds")
    print(f"p50 {p50:.1f} ms   p95 {p95:.1f} ms   min {timings[0]:.1f} ms   max {timings[-1]:.1f} ms")
    print(f"target p95 <= {TARGET_P95_MS:.0f} ms: {verdict}")
    shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
