"""node_metrics="exact": every node of a join-in-join graph gets its own row count and duration."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from jobs.engine.compiler import JOIN_NOTE, compile_graph, meter_plan, run_graph
from jobs.engine.validate import analyze
from tests.engine.harness import document

ON = [{"left": "k", "right": "k"}]


def join_in_join(lake: Path, rows: int = 5_000) -> dict[str, Any]:
    """src (CSV) -> filter -> join dim1 -> derived -> join dim2 -> aggregate -> target; filter -> second target.

    Everything up to the second join sits inside a join pipeline, where "fast" counts nothing.
    """
    (lake / "src").mkdir(parents=True, exist_ok=True)
    pl.select(id=pl.int_range(rows), k=pl.int_range(rows) % 5).write_csv(lake / "src" / "data.csv")
    pl.DataFrame({"k": [0, 1, 2, 3], "name": ["zero", "one", "two", "three"]}).write_parquet(lake / "dim1.parquet")
    pl.DataFrame({"k": [1, 3, 4], "tier": ["a", "b", "c"]}).write_parquet(lake / "dim2.parquet")
    nodes = [
        {"id": "src", "type": "read_files", "params": {"path": "lake/src/data.csv", "format": "csv"}},
        {"id": "dim1", "type": "read_files", "params": {"path": "lake/dim1.parquet", "format": "parquet"}},
        {"id": "dim2", "type": "read_files", "params": {"path": "lake/dim2.parquet", "format": "parquet"}},
        {"id": "f", "type": "filter", "params": {"condition": "id % 3 <> 0"}},
        {"id": "j1", "type": "join", "params": {"how": "inner", "on": ON}},
        {"id": "d", "type": "derived_column", "params": {"columns": [{"name": "x", "expression": "id * 2"}]}},
        {"id": "j2", "type": "join", "params": {"how": "inner", "on": ON, "suffix": "_2"}},
        {"id": "agg", "type": "aggregate",
         "params": {"group_by": ["tier"], "aggregations": [{"column": "x", "function": "sum", "alias": "t"}]}},
        {"id": "w", "type": "write_files", "params": {"path": "lake/out", "mode": "overwrite"}},
        {"id": "wf", "type": "write_files", "params": {"path": "lake/filtered", "mode": "overwrite"}},
    ]  # fmt: skip
    edges = [
        {"source": "src", "target": "f"},
        {"source": "f", "target": "j1", "target_port": "left"},
        {"source": "dim1", "target": "j1", "target_port": "right"},
        {"source": "j1", "target": "d"},
        {"source": "d", "target": "j2", "target_port": "left"},
        {"source": "dim2", "target": "j2", "target_port": "right"},
        {"source": "j2", "target": "agg"},
        {"source": "agg", "target": "w"},
        {"source": "f", "target": "wf"},
    ]
    return document(nodes, edges)


def separately_counted(doc: dict[str, Any]) -> dict[str, int]:
    """Each node's output counted on its own, one query per node (the slow, obviously right way)."""
    frames = compile_graph(doc)
    return {node: int(frame.select(pl.len()).collect().item()) for (node, port), frame in frames.items()
            if port == "out"}  # fmt: skip


def test_exact_counts_and_times_every_node_of_a_join_in_join_graph(lake: Path) -> None:
    doc = join_in_join(lake)
    expected = separately_counted(doc)
    expected |= {"w": expected["agg"], "wf": expected["f"]}  # a target's rows: the rows it wrote
    result = run_graph(doc, {}, node_metrics="exact")
    assert result.succeeded, result.error
    nodes = {n.node: n for n in result.nodes}
    assert {n: r.rows_out for n, r in nodes.items()} == expected
    assert all(isinstance(r.duration_ms, int) for r in nodes.values()), {n: r.duration_ms for n, r in nodes.items()}
    assert all(r.rows_note is None for r in nodes.values())


def test_fast_leaves_the_join_pipeline_uncounted_and_says_why(lake: Path) -> None:
    nodes = {n.node: n for n in run_graph(join_in_join(lake), {}).nodes}
    uncounted = {n for n, r in nodes.items() if r.rows_out is None}
    assert uncounted == {"src", "f", "j1", "d"}
    assert all(nodes[n].rows_note == JOIN_NOTE and nodes[n].duration_ms is None for n in uncounted)


def test_exact_writes_the_same_output_as_fast(lake: Path) -> None:
    doc = join_in_join(lake)
    assert run_graph(doc, {}, node_metrics="fast").succeeded
    fast = pl.read_parquet(lake / "out").sort("tier")
    assert run_graph(doc, {}, node_metrics="exact").succeeded
    assert_frame_equal(pl.read_parquet(lake / "out").sort("tier"), fast)


def test_exact_meters_every_node_but_the_targets(lake: Path) -> None:
    analysis = analyze(join_in_join(lake, rows=10))
    plan = meter_plan(analysis, "exact")
    assert set(plan) == {"src", "dim1", "dim2", "f", "j1", "d", "j2", "agg"}
    # A derived column keeps its input's row count: timed only, so predicates still pass it.
    assert plan["d"] == "time" and plan["j1"] == "count"


def test_an_unknown_node_metrics_mode_is_refused_before_anything_runs(lake: Path) -> None:
    with pytest.raises(ValueError, match="node_metrics must be one of fast, exact, not 'slow'"):
        run_graph(join_in_join(lake, rows=10), {}, node_metrics="slow")  # type: ignore[arg-type]
    assert not (lake / "out").exists()
