"""Running a graph: one plan, staged writes published only on success, formats, modes and row counts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from jobs.engine.compiler import SINK, build_frames, run_graph
from jobs.engine.registry import Context
from jobs.engine.validate import analyze
from tests.engine.harness import document

DATA = pl.DataFrame({"id": [1, 2, 3, 4], "k": ["a", "b", "a", None], "v": [1.5, 2.5, None, 4.0]})


def source(lake: Path) -> dict[str, Any]:
    path = lake / "src" / "data.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    DATA.write_parquet(path)
    return {"id": "src", "type": "read_files", "params": {"path": "lake/src/data.parquet", "format": "parquet"}}


def writer(node_id: str, path: str, **params: Any) -> dict[str, Any]:
    return {"id": node_id, "type": "write_files", "params": {"path": path, "mode": "overwrite", **params}}


def labels() -> dict[str, Any]:
    """A two-row inline dimension `dim` keyed by k ("a", "b"): what the source's k joins to."""
    return {"id": "dim", "type": "inline_data",
            "params": {"columns": [{"name": "k", "type": "string"}, {"name": "label", "type": "string"}],
                       "rows": [["a", "A"], ["b", "B"]]}}  # fmt: skip


def test_a_source_feeding_two_targets_is_scanned_once(lake: Path) -> None:
    doc = document([source(lake), writer("w1", "lake/a"), writer("w2", "lake/b", format="csv")],
                   [{"source": "src", "target": "w1"}, {"source": "src", "target": "w2"}])  # fmt: skip
    analysis = analyze(doc)
    frames = build_frames(analysis, Context(run_id="t"))
    plan = pl.explain_all([f for (_, port), f in frames.items() if port == SINK])
    assert plan.count("Parquet SCAN") == 1


def test_rows_and_outputs_are_recorded_per_node(lake: Path) -> None:
    doc = document(
        [source(lake), {"id": "f", "type": "filter", "params": {"condition": "v > 2"}}, writer("w", "lake/out")],
        [{"source": "src", "target": "f"}, {"source": "f", "target": "w"}],
    )
    result = run_graph(doc, {}, run_id="r1")
    assert result.succeeded
    assert {n.node: n.rows_out for n in result.nodes} == {"src": 4, "f": 2, "w": 2}
    durations = {n.node: n.duration_ms for n in result.nodes}
    # The source and the filter are one streaming stage with one meter (the filter's): its time holds both.
    assert durations["src"] is None
    assert all(isinstance(durations[n], int) and durations[n] >= 0 for n in ("f", "w"))
    assert result.outputs["w"] == [str(lake / "out" / "part-r1-0.parquet")]


def test_cheap_counting_records_only_what_metadata_and_outputs_tell(lake: Path) -> None:
    doc = document(
        [source(lake), {"id": "f", "type": "filter", "params": {"condition": "v > 2"}}, writer("w", "lake/out")],
        [{"source": "src", "target": "f"}, {"source": "f", "target": "w"}],
    )
    result = run_graph(doc, {}, count_rows="cheap")
    assert {n.node: n.rows_out for n in result.nodes} == {"src": 4, "f": None, "w": 2}
    assert {n.duration_ms for n in result.nodes} == {None}


def test_counters_count_a_shared_node_once_and_each_route_port(lake: Path) -> None:
    csv = lake / "src" / "data.csv"
    csv.parent.mkdir(parents=True, exist_ok=True)
    DATA.write_csv(csv)
    doc = document(
        [{"id": "src", "type": "read_files", "params": {"path": "lake/src/data.csv", "format": "csv"}},
         {"id": "r", "type": "route", "params": {"routes": [{"name": "big", "condition": "v > 2"}]}},
         writer("w1", "lake/a"), writer("w2", "lake/b"), writer("w3", "lake/c")],
        [{"source": "src", "target": "r"}, {"source": "r", "source_port": "big", "target": "w1"},
         {"source": "r", "source_port": "default", "target": "w2"}, {"source": "src", "target": "w3"}],
    )  # fmt: skip
    result = run_graph(doc, {})
    assert result.succeeded, result.error
    nodes = {n.node: n for n in result.nodes}
    assert {k: n.rows_out for k, n in nodes.items()} == {"src": 4, "r": 4, "w1": 2, "w2": 2, "w3": 4}
    assert nodes["r"].rows_out_by_port == {"big": 2, "default": 2}


def test_every_node_is_reported_to_the_callback_in_order(lake: Path) -> None:
    doc = document(
        [source(lake), {"id": "f", "type": "filter", "params": {"condition": "v > 2"}}, writer("w", "lake/out")],
        [{"source": "src", "target": "f"}, {"source": "f", "target": "w"}],
    )
    seen: list[tuple[str, str, int | None]] = []
    run_graph(doc, {}, on_node=lambda n: seen.append((n.node, n.state, n.rows_out)))
    assert seen == [("src", "SUCCEEDED", 4), ("f", "SUCCEEDED", 2), ("w", "SUCCEEDED", 2)]


def test_a_run_asked_to_stop_ends_stopped_and_publishes_nothing(lake: Path) -> None:
    big = pl.DataFrame({"id": range(1_000_000)})
    (lake / "src").mkdir()
    big.write_csv(lake / "src" / "big.csv")
    doc = document(
        [{"id": "src", "type": "read_files", "params": {"path": "lake/src/big.csv", "format": "csv"}},
         {"id": "f", "type": "filter", "params": {"condition": "id >= 0"}}, writer("w", "lake/out")],
        [{"source": "src", "target": "f"}, {"source": "f", "target": "w"}],
    )  # fmt: skip
    asked = {"n": 0}

    def should_stop() -> bool:
        asked["n"] += 1
        return asked["n"] > 3  # a few morsels in

    published: list[bool] = []
    result = run_graph(doc, {}, should_stop=should_stop, on_publish=lambda: published.append(True))
    assert result.state == "STOPPED" and result.error is not None and result.error["type"] == "stopped"
    assert {n.state for n in result.nodes} == {"STOPPED"}
    assert published == []
    assert not (lake / "out").exists() and not (lake / "_glueweb_staging").exists()


def test_publishing_is_announced_before_files_move(lake: Path) -> None:
    doc = document([source(lake), writer("w", "lake/out")], [{"source": "src", "target": "w"}])
    seen: list[bool] = []
    result = run_graph(doc, {}, on_publish=lambda: seen.append((lake / "out").exists()))
    assert result.succeeded and seen == [False]


def test_every_node_can_be_counted_on_request(lake: Path) -> None:
    doc = document(
        [source(lake), {"id": "r", "type": "route", "params": {"routes": [{"name": "big", "condition": "v > 2"}]}},
         writer("w", "lake/out")],
        [{"source": "src", "target": "r"}, {"source": "r", "source_port": "big", "target": "w"}],
    )  # fmt: skip
    result = run_graph(doc, {}, count_rows="all")
    nodes = {n.node: n for n in result.nodes}
    assert (nodes["src"].rows_out, nodes["r"].rows_out, nodes["w"].rows_out) == (4, 4, 2)
    assert nodes["r"].rows_out_by_port == {"big": 2, "default": 2}


@pytest.mark.parametrize(
    ("fmt", "compression", "reader"),
    [("parquet", "snappy", pl.read_parquet), ("ipc", "lz4", pl.read_ipc), ("csv", "uncompressed", pl.read_csv),
     ("ndjson", "uncompressed", pl.read_ndjson), ("csv", "gzip", None)],
)  # fmt: skip
def test_write_files_writes_each_format(lake: Path, fmt: str, compression: str, reader: Any) -> None:
    doc = document([source(lake), writer("w", "lake/out", format=fmt, compression=compression)],
                   [{"source": "src", "target": "w"}])  # fmt: skip
    result = run_graph(doc, {}, run_id="r1")
    assert result.succeeded, result.error
    files = sorted((lake / "out").iterdir())
    assert len(files) == 1 and files[0].name.startswith("part-r1-0.")
    if reader is not None:
        assert_frame_equal(reader(files[0]), DATA, check_dtypes=fmt in ("parquet", "ipc"))


def test_partition_by_writes_hive_folders_without_the_key_inside(lake: Path) -> None:
    doc = document([source(lake), writer("w", "lake/out", partition_by=["k"])], [{"source": "src", "target": "w"}])
    assert run_graph(doc, {}, run_id="r1").succeeded
    assert sorted(p.name for p in (lake / "out").iterdir()) == ["k=__HIVE_DEFAULT_PARTITION__", "k=a", "k=b"]
    assert pl.read_parquet(lake / "out" / "k=a" / "part-r1-0.parquet").columns == ["id", "v"]


def test_append_adds_files_and_overwrite_replaces_them(lake: Path) -> None:
    doc = document([source(lake), writer("w", "lake/out", mode="append")], [{"source": "src", "target": "w"}])
    run_graph(doc, {}, run_id="r1")
    run_graph(doc, {}, run_id="r2")
    assert sorted(p.name for p in (lake / "out").iterdir()) == ["part-r1-0.parquet", "part-r2-0.parquet"]
    doc["nodes"][1]["params"]["mode"] = "overwrite"
    run_graph(doc, {}, run_id="r3")
    assert sorted(p.name for p in (lake / "out").iterdir()) == ["part-r3-0.parquet"]
    assert not (lake / "_glueweb_staging").exists()


def test_error_if_exists_fails_on_a_folder_that_is_not_empty(lake: Path) -> None:
    (lake / "out").mkdir()
    (lake / "out" / "old.txt").write_text("keep")
    doc = document([source(lake), writer("w", "lake/out", mode="error_if_exists")], [{"source": "src", "target": "w"}])
    result = run_graph(doc, {})
    assert result.state == "FAILED"
    assert [p.name for p in (lake / "out").iterdir()] == ["old.txt"]


def test_a_failing_node_leaves_every_target_as_it_was(lake: Path) -> None:
    (lake / "good").mkdir()
    (lake / "good" / "old.parquet").write_text("old")
    bad = {"id": "bad", "type": "change_schema", "params": {"mappings": [{"source": "k", "type": "int"}]}}
    doc = document(
        [source(lake), bad, writer("good_w", "lake/good"), writer("bad_w", "lake/bad")],
        [
            {"source": "src", "target": "good_w"},
            {"source": "src", "target": "bad"},
            {"source": "bad", "target": "bad_w"},
        ],
    )
    result = run_graph(doc, {})
    assert result.state == "FAILED" and result.error is not None
    assert result.error["node"] == "bad"
    assert {n.node: n.state for n in result.nodes}["bad"] == "FAILED"
    assert [p.name for p in (lake / "good").iterdir()] == ["old.parquet"]
    assert not (lake / "bad").exists()
    assert not (lake / "_glueweb_staging").exists()


def test_a_graph_with_errors_does_not_run(lake: Path) -> None:
    doc = document([source(lake), {"id": "f", "type": "filter", "params": {"condition": "nope"}}],
                   [{"source": "src", "target": "f"}])  # fmt: skip
    result = run_graph(doc, {})
    assert result.state == "FAILED"
    assert [(e.node, e.field) for e in result.validation_errors] == [("f", "params.condition")]


def test_run_parameters_replace_defaults(lake: Path) -> None:
    doc = document(
        [source(lake), {"id": "f", "type": "filter", "params": {"condition": "id > ${min}"}}, writer("w", "lake/out")],
        [{"source": "src", "target": "f"}, {"source": "f", "target": "w"}],
        [{"name": "min", "type": "integer", "default": 0}],
    )
    result = run_graph(doc, {"min": 3})
    assert result.succeeded and result.parameters == {"min": 3}
    assert pl.read_parquet(lake / "out" / "*.parquet")["id"].to_list() == [4]


def test_counting_keeps_a_filter_pushed_down_into_the_parquet_scan(lake: Path) -> None:
    derived = {"id": "d", "type": "derived_column", "params": {"columns": [{"name": "x", "expression": "v * 2"}]}}
    doc = document(
        [source(lake), derived, {"id": "f", "type": "filter", "params": {"condition": "v > 2"}}],
        [{"source": "src", "target": "d"}, {"source": "d", "target": "f"}],
    )
    frames = build_frames(analyze(doc), Context(run_id="t"), meters={}, raw={})
    plan = frames[("f", "out")].explain()
    scan = plan[plan.index("Parquet SCAN") :]
    assert "SELECTION" in scan and "v" in scan.split("SELECTION", 1)[1]


def test_nodes_inside_a_join_pipeline_are_not_counted_so_the_join_plans_as_without_counting(lake: Path) -> None:
    nodes = [
        source(lake), labels(),
        {"id": "f", "type": "filter", "params": {"condition": "id > 1"}},
        {"id": "j", "type": "join", "params": {"how": "inner", "on": [{"left": "k", "right": "k"}]}},
        {"id": "after", "type": "filter", "params": {"condition": "v > 0"}},
        {"id": "a", "type": "aggregate",
         "params": {"group_by": ["label"], "aggregations": [{"function": "count", "alias": "n"}]}},
        writer("w", "lake/out"),
    ]  # fmt: skip
    edges = [{"source": "src", "target": "f"}, {"source": "f", "target": "j", "target_port": "left"},
             {"source": "dim", "target": "j", "target_port": "right"}, {"source": "j", "target": "after"},
             {"source": "after", "target": "a"}, {"source": "a", "target": "w"}]  # fmt: skip
    result = run_graph(document(nodes, edges), {})
    assert result.succeeded, result.error
    rows = {n.node: n.rows_out for n in result.nodes}
    # Sources count from metadata; the filter feeding the join and the join do not; the filter ending the
    # join's pipeline counts at its output (compiler.pipeline_ends).
    assert rows == {"src": 4, "dim": 2, "f": None, "j": None, "after": 1, "a": 1, "w": 1}
    durations = {n.node: n.duration_ms for n in result.nodes}
    assert durations["f"] is None and durations["j"] is None
    assert isinstance(durations["a"], int) and isinstance(durations["w"], int)


def test_a_sort_then_limit_after_a_join_stays_a_top_k_and_the_join_is_still_counted(lake: Path) -> None:
    """The meter ending the join's pipeline goes before the sort, not between the sort and the limit."""
    nodes = [
        source(lake), labels(),
        {"id": "j", "type": "join", "params": {"how": "inner", "on": [{"left": "k", "right": "k"}]}},
        {"id": "s", "type": "sort", "params": {"by": [{"column": "id", "descending": True}]}},
        {"id": "top", "type": "limit", "params": {"n": 2}},
        writer("w", "lake/out"),
    ]  # fmt: skip
    edges = [{"source": "src", "target": "j", "target_port": "left"},
             {"source": "dim", "target": "j", "target_port": "right"}, {"source": "j", "target": "s"},
             {"source": "s", "target": "top"}, {"source": "top", "target": "w"}]  # fmt: skip
    doc = document(nodes, edges)
    frames = build_frames(analyze(doc), Context(run_id="t"), meters={}, raw={})
    plan = frames[("top", "out")].explain()
    assert "SORT BY [slice: (0, 2" in plan, plan  # Polars' top-k: the sort keeps only the rows the limit takes
    result = run_graph(doc, {})
    assert result.succeeded, result.error
    assert {n.node: n.rows_out for n in result.nodes} == {"src": 4, "dim": 2, "j": 3, "s": 3, "top": 2, "w": 2}
    assert pl.read_parquet(lake / "out" / "*.parquet")["id"].to_list() == [3, 2]
