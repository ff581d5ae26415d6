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
    # By default only what costs nothing extra: rows a Parquet source holds, rows a target wrote.
    assert {n.node: n.rows_out for n in result.nodes} == {"src": 4, "f": None, "w": 2}
    assert result.outputs["w"] == [str(lake / "out" / "part-r1-0.parquet")]


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
