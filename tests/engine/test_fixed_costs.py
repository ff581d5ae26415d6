"""What the engine's per-run shortcuts (issue 5, benchmarks/pdsh.py) must never change: results and refusals.

A source's scan is handed from the run's analysis to its build (jobs/engine/scans.py), empty
frames are kept by schema (registry.empty_frame) and data roots resolved once (paths.real_roots).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from jobs.engine import scans
from jobs.engine.compiler import SINK, build_frames, run_graph
from jobs.engine.registry import Context, empty_frame
from jobs.engine.validate import analyze, validate
from tests.engine.harness import document


def read_graph(path: str, fmt: str = "parquet", **options: Any) -> dict[str, Any]:
    params: dict[str, Any] = {"path": path, "format": fmt, **({"options": options} if options else {})}
    return document(
        [
            {"id": "src", "type": "read_files", "params": params},
            {"id": "w", "type": "write_files", "params": {"path": "lake/out", "mode": "overwrite"}},
        ],
        [{"source": "src", "target": "w"}],
    )


def output(lake: Path) -> pl.DataFrame:
    return pl.read_parquet(lake / "out" / "*.parquet")


def test_a_file_rewritten_between_analysis_and_build_is_read_as_it_now_is(lake: Path) -> None:
    path = lake / "t.parquet"
    pl.DataFrame({"a": [1, 2]}).write_parquet(path)
    analysis = analyze(read_graph("lake/t.parquet"), {})
    assert analysis.ok
    pl.DataFrame({"a": [1, 2, 3, 4, 5], "b": ["x"] * 5}).write_parquet(path)
    frames = build_frames(analysis, Context(run_id="r"))
    (sink,) = [frame for (_, port), frame in frames.items() if port == SINK]
    sink.collect()
    assert_frame_equal(output_of_run(lake, "r"), pl.DataFrame({"a": [1, 2, 3, 4, 5], "b": ["x"] * 5}))


def output_of_run(lake: Path, run_id: str) -> pl.DataFrame:
    return pl.read_parquet(lake / "_glueweb_staging" / f"run-{run_id}" / "out" / "*.parquet")


def test_each_run_reads_the_current_file_after_an_earlier_design_time_analysis(lake: Path) -> None:
    path = lake / "t.csv"
    path.write_text("a\n1\n")
    graph = read_graph("lake/t.csv", "csv")
    assert validate(graph) == []  # the editor's analysis leaves a scan behind
    path.write_text("a,b\n1,2\n3,4\n")
    assert run_graph(graph, {}).succeeded
    assert_frame_equal(output(lake), pl.DataFrame({"a": [1, 3], "b": [2, 4]}))
    assert run_graph(graph, {}).succeeded  # and again: a handed scan is taken once
    assert_frame_equal(output(lake), pl.DataFrame({"a": [1, 3], "b": [2, 4]}))


def test_a_scan_is_handed_over_once_and_only_for_the_same_file_and_options(lake: Path) -> None:
    path = lake / "t.parquet"
    pl.DataFrame({"a": [1]}).write_parquet(path)
    params = {"path": str(path), "format": "parquet"}
    key = scans.key(str(path), params, None)
    assert key is not None
    frame = pl.scan_parquet(path)
    scans.leave(key, frame)
    assert scans.take(scans.key(str(path), params, 10)) is None  # a preview's sample is another scan
    assert scans.take(scans.key(str(path), {**params, "hive_partitioning": False}, None)) is None
    assert scans.take(key) is frame
    assert scans.take(key) is None


@pytest.mark.parametrize("where", ["folder", "glob", "json"])
def test_folders_globs_and_eagerly_read_formats_are_never_handed_over(lake: Path, where: str) -> None:
    (lake / "d").mkdir()
    (lake / "d" / "t.json").write_text('[{"a": 1}]')
    location, fmt = {"folder": (lake / "d", "parquet"), "glob": (lake / "d" / "*.json", "ndjson"),
                     "json": (lake / "d" / "t.json", "json")}[where]  # fmt: skip
    assert scans.key(str(location), {"path": str(location), "format": fmt}, None) is None


def test_a_path_beside_a_root_that_shares_its_name_prefix_is_refused(lake: Path) -> None:
    beside = lake.parent / f"{lake.name}2"
    beside.mkdir()
    pl.DataFrame({"a": [1]}).write_parquet(beside / "t.parquet")
    errors = validate(read_graph(str(beside / "t.parquet")))
    assert [(e["node"], e["field"]) for e in errors] == [("src", "params.path")]
    assert "outside the data roots" in errors[0]["message"]


def test_empty_frames_keep_each_exact_column_type() -> None:
    types = [
        pl.Decimal(10, 2), pl.Decimal(10, 3), pl.Datetime("us", "UTC"), pl.Datetime("ms"), pl.List(pl.Int8),
        pl.List(pl.Int16), pl.Enum(["a"]), pl.Enum(["a", "b"]), pl.Struct({"x": pl.Int64}), pl.Categorical(),
    ]  # fmt: skip
    for dtype in types + types:  # the second time from the kept frames
        assert empty_frame({"c": dtype}).collect_schema()["c"] == dtype
        assert str(empty_frame({"c": dtype}).collect_schema()["c"]) == str(dtype)


def test_a_run_reads_zoned_timestamps_as_utc_through_the_handed_over_scan(lake: Path) -> None:
    from datetime import UTC, datetime

    pl.DataFrame({"at": [datetime(2025, 1, 1, 12, tzinfo=UTC)], "n": [1]}).with_columns(
        pl.col("at").dt.convert_time_zone("Europe/Amsterdam")
    ).write_parquet(lake / "z.parquet")
    assert run_graph(read_graph("lake/z.parquet"), {}).succeeded
    assert_frame_equal(output(lake), pl.DataFrame({"at": [datetime(2025, 1, 1, 12)], "n": [1]}))


@pytest.mark.parametrize("where", ["link", "real", "relative"])
def test_the_data_root_itself_is_no_target_however_it_is_named(settings: Any, tmp_path: Path, where: str) -> None:
    """Targets compare their real folder with the kept real roots (paths.real_roots), not resolved afresh."""
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    settings.GLUEWEB_HOME = tmp_path
    settings.DATA_ROOTS = [tmp_path / "link"]  # configured through a link
    path = {"link": str(tmp_path / "link"), "real": str(real), "relative": "link"}[where]
    graph = document(
        [
            {"id": "src", "type": "inline_data", "params": {"columns": [{"name": "a", "type": "int"}], "rows": [[1]]}},
            {"id": "w", "type": "write_files", "params": {"path": path, "mode": "overwrite"}},
        ],
        [{"source": "src", "target": "w"}],
    )
    errors = validate(graph)
    assert [(e["node"], e["field"]) for e in errors] == [("w", "params.path")]
    assert "not the data root itself" in errors[0]["message"]
    graph["nodes"][1]["params"]["path"] = f"{path}/out"
    assert validate(graph) == []


def test_a_link_changed_after_a_run_is_checked_again_by_the_next_run(lake: Path, tmp_path: Path) -> None:
    """No shortcut may keep a path's check from one run to the next: a link may have changed."""
    (lake / "d").mkdir()
    pl.DataFrame({"a": [1]}).write_parquet(lake / "d" / "t.parquet")
    outside = tmp_path / "outside"
    outside.mkdir()
    pl.DataFrame({"a": [666]}).write_parquet(outside / "t.parquet")
    graph = read_graph("lake/d/t.parquet")
    assert run_graph(graph, {}).succeeded
    (lake / "d" / "t.parquet").unlink()
    (lake / "d").rmdir()
    (lake / "d").symlink_to(outside)  # the same path now leads out of the data root
    result = run_graph(graph, {})
    assert result.state == "FAILED"
    assert [(e.node, e.field) for e in result.validation_errors] == [("src", "params.path")]
    assert "outside the data roots" in result.validation_errors[0].message
    assert_frame_equal(output(lake), pl.DataFrame({"a": [1]}))  # the first run's output, untouched
