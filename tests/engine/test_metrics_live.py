"""run_graph's live progress, its publish gate, and the row counts of join pipelines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from jobs.engine.compiler import JOIN_NOTE, meter_plan, pipeline_ends, run_graph, unmetered
from jobs.engine.progress import NodeProgress
from jobs.engine.validate import analyze
from tests.engine.harness import document

STATES = {"RUNNING": 1, "SUCCEEDED": 2}


def csv_source(lake: Path, rows: int) -> dict[str, Any]:
    (lake / "src").mkdir(parents=True, exist_ok=True)
    pl.select(id=pl.int_range(rows), k=pl.int_range(rows) % 5).write_csv(lake / "src" / "data.csv")
    return {"id": "src", "type": "read_files", "params": {"path": "lake/src/data.csv", "format": "csv"}}


def dim(lake: Path) -> dict[str, Any]:
    pl.DataFrame({"k": [0, 1, 2], "name": ["zero", "one", "two"]}).write_parquet(lake / "dim.parquet")
    return {"id": "dim", "type": "read_files", "params": {"path": "lake/dim.parquet", "format": "parquet"}}


def writer(node_id: str, path: str) -> dict[str, Any]:
    return {"id": node_id, "type": "write_files", "params": {"path": path, "mode": "overwrite"}}


def joined(lake: Path, rows: int) -> dict[str, Any]:
    """src (CSV) -> join with a 3-row dimension -> derived column -> aggregate -> target; src -> target."""
    on = [{"left": "k", "right": "k"}]
    return document(
        [csv_source(lake, rows), dim(lake), {"id": "j", "type": "join", "params": {"how": "inner", "on": on}},
         {"id": "d", "type": "derived_column", "params": {"columns": [{"name": "x", "expression": "id * 2"}]}},
         {"id": "agg", "type": "aggregate",
          "params": {"group_by": ["name"], "aggregations": [{"column": "x", "function": "sum", "alias": "t"}]}},
         writer("w", "lake/out"), writer("raw", "lake/raw")],
        [{"source": "src", "target": "j", "target_port": "left"},
         {"source": "dim", "target": "j", "target_port": "right"},
         {"source": "j", "target": "d"}, {"source": "d", "target": "agg"}, {"source": "agg", "target": "w"},
         {"source": "src", "target": "raw"}],
    )  # fmt: skip


def test_the_end_of_a_join_pipeline_is_counted_and_so_are_the_nodes_before_it(lake: Path) -> None:
    doc = joined(lake, 10_000)
    analysis = analyze(doc)
    assert pipeline_ends(analysis) == {"d"}
    assert unmetered(analysis) == {"src", "dim", "j"}
    counted = {n.node: n for n in run_graph(doc, {}).nodes}
    everything = {n.node: n.rows_out for n in run_graph(doc, {}, count_rows="all").nodes}
    # 3 of the 5 keys match: 6,000 rows. The CSV source feeds the join, so it is not counted itself.
    assert {n: counted[n].rows_out for n in ("j", "d", "agg", "w")} == {"j": 6000, "d": 6000, "agg": 3, "w": 3}
    assert {n: everything[n] for n in ("j", "d", "agg", "w")} == {"j": 6000, "d": 6000, "agg": 3, "w": 3}
    assert (counted["src"].rows_out, counted["src"].rows_note) == (None, JOIN_NOTE)
    assert counted["raw"].rows_out == 10_000  # a target after an uncounted node counts its own files
    assert counted["dim"].rows_out == 3 and counted["dim"].rows_note is None
    assert counted["d"].duration_ms is not None and counted["j"].duration_ms is None


def test_live_progress_only_moves_forward_and_ends_with_the_final_figures(lake: Path) -> None:
    doc = joined(lake, 200_000)
    seen: list[tuple[NodeProgress, ...]] = []
    result = run_graph(doc, {}, on_progress=seen.append, progress_seconds=0.001)
    assert result.succeeded, result.error
    assert seen, "no progress reported"
    latest: dict[str, NodeProgress] = {}
    for records in seen:
        for record in records:
            before = latest.get(record.node)
            if before is not None:
                assert STATES[record.state] >= STATES[before.state], (before, record)
                if before.rows_out is not None and record.rows_out is not None and before.state == "RUNNING":
                    assert record.rows_out >= before.rows_out
            latest[record.node] = record
    final = {n.node: n for n in result.nodes}
    # The last report is made when the plan has ended: all but the targets done, with the final figures.
    assert {n: p.state for n, p in latest.items()} == {
        **{n: "SUCCEEDED" for n in ("src", "dim", "j", "d", "agg")}, "w": "RUNNING", "raw": "RUNNING",
    }  # fmt: skip
    for node in ("src", "dim", "j", "d", "agg"):
        assert (latest[node].rows_out, latest[node].rows_note) == (final[node].rows_out, final[node].rows_note)


def test_a_gate_that_says_no_stops_the_run_before_anything_is_published(lake: Path) -> None:
    doc = joined(lake, 1000)
    asked: list[bool] = []
    published: list[bool] = []

    def gate() -> bool:
        asked.append(True)
        return False

    result = run_graph(doc, {}, before_publish=gate, on_publish=lambda: published.append(True))
    assert result.state == "STOPPED" and result.error is not None and result.error["type"] == "stopped"
    assert asked == [True] and published == []
    assert not (lake / "out").exists() and not (lake / "raw").exists()
    assert not (lake / "_glueweb_staging").exists()


def test_a_gate_that_says_yes_publishes(lake: Path) -> None:
    result = run_graph(joined(lake, 1000), {}, before_publish=lambda: True)
    assert result.succeeded and (lake / "out").is_dir() and (lake / "raw").is_dir()


def test_one_streaming_stage_gets_one_meter(lake: Path) -> None:
    pl.DataFrame({"id": [1, 2, 3], "k": [0, 1, 1]}).write_parquet(lake / "t.parquet")
    doc = document(
        [{"id": "src", "type": "read_files", "params": {"path": "lake/t.parquet", "format": "parquet"}},
         {"id": "f", "type": "filter", "params": {"condition": "id > 1"}},
         {"id": "d", "type": "derived_column", "params": {"columns": [{"name": "x", "expression": "id * 2"}]}},
         {"id": "agg", "type": "aggregate",
          "params": {"group_by": ["k"], "aggregations": [{"column": "x", "function": "sum", "alias": "t"}]}},
         {"id": "r", "type": "rename_columns", "params": {"mapping": {"t": "total"}}},
         writer("w", "lake/out"), writer("w2", "lake/out2")],
        [{"source": "src", "target": "f"}, {"source": "f", "target": "d"}, {"source": "d", "target": "agg"},
         {"source": "agg", "target": "r"}, {"source": "r", "target": "w"}, {"source": "agg", "target": "w2"}],
    )  # fmt: skip
    # src and d hand their morsels straight to a counting meter; r feeds a target, so it keeps its own.
    assert meter_plan(analyze(doc)) == {"f": "count", "agg": "count", "r": "time"}
    result = {n.node: n for n in run_graph(doc, {}).nodes}
    assert {n: r.rows_out for n, r in result.items()} == {"src": 3, "f": 2, "d": 2, "agg": 1, "r": 1, "w": 1, "w2": 1}
    assert (result["src"].duration_ms, result["d"].duration_ms) == (None, None)
    assert all(isinstance(result[n].duration_ms, int) for n in ("f", "agg", "r", "w", "w2"))
