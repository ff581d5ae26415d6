"""${parameters}: substitution rules, and exported scripts that take them as command-line options."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from jobs.engine.substitute import format_value, substitute
from tests.engine.harness import document, run_exported, run_in_glueweb


@pytest.mark.parametrize(
    ("value", "text"), [(10, "10"), (0.5, "0.5"), (1e-05, "0.00001"), (True, "true"), ("NL", "NL")]
)
def test_values_are_written_as_plain_text(value: object, text: str) -> None:
    assert format_value(value) == text


def test_a_doubled_dollar_gives_a_literal_reference() -> None:
    result, unknown, _ = substitute({"a": "x = '$${x}' AND y = ${y}"}, {"y": 2}, None)
    assert result == {"a": "x = '${x}' AND y = 2"} and unknown == []


def test_substitution_reaches_nested_lists_and_objects_but_not_keys() -> None:
    params = {"columns": [{"name": "${n}", "expression": "${n} + 1"}], "mapping": {"${n}": "b"}}
    result, _, _ = substitute(params, {"n": "a"}, None)
    assert result == {"columns": [{"name": "a", "expression": "a + 1"}], "mapping": {"${n}": "b"}}


def test_a_substituted_value_is_not_substituted_again() -> None:
    result, _, _ = substitute(
        {"a": "${x}"}, {"x": "${y}", "y": 1}, {"type": "object", "properties": {"a": {"type": "string"}}}
    )
    assert result == {"a": "${y}"}


def test_an_exported_script_takes_job_parameters_as_options(lake: Path) -> None:
    pl.DataFrame({"id": [1, 2, 3, 4], "country": ["NL", "BE", "NL", "DE"]}).write_parquet(lake / "src.parquet")
    graph = document(
        [
            {"id": "src", "type": "read_files", "params": {"path": "lake/src.parquet", "format": "parquet"}},
            {"id": "f", "type": "filter", "params": {"condition": "country = '${country}' AND id >= ${min_id}"}},
            {"id": "l", "type": "limit", "params": {"n": "${top}"}},
            {"id": "w", "type": "write_files", "params": {"path": "${out}", "mode": "overwrite"}},
        ],
        [{"source": "src", "target": "f"}, {"source": "f", "target": "l"}, {"source": "l", "target": "w"}],
        [
            {"name": "country", "type": "string", "default": "NL"},
            {"name": "min_id", "type": "integer", "default": 0},
            {"name": "top", "type": "integer", "default": 10},
            {"name": "out", "type": "string", "default": "lake/out"},
        ],
    )
    run_in_glueweb(graph, {"country": "NL", "min_id": 2})
    assert pl.read_parquet(lake / "out" / "*.parquet")["id"].to_list() == [3]
    run_exported(graph, lake.parent, ["--country", "NL", "--min-id", "2", "--out", "lake/exported"])
    assert pl.read_parquet(lake / "exported" / "*.parquet")["id"].to_list() == [3]
    run_exported(graph, lake.parent, ["--country", "BE", "--top", "1", "--out", "lake/be"])
    assert pl.read_parquet(lake / "be" / "*.parquet")["id"].to_list() == [2]


def test_read_files_reads_csv_with_its_options_in_glueweb_and_in_the_script(lake: Path) -> None:
    (lake / "in.csv").write_text("a;b\n1;NA\n2;x\n", encoding="utf-8")
    graph = document(
        [
            {"id": "src", "type": "read_files",
             "params": {"path": "lake/in.csv", "format": "csv", "options": {"separator": ";", "null_values": ["NA"]}}},
            {"id": "w", "type": "write_files", "params": {"path": "lake/out", "mode": "overwrite"}},
        ],
        [{"source": "src", "target": "w"}],
    )  # fmt: skip
    expected = pl.DataFrame({"a": [1, 2], "b": [None, "x"]})
    run_in_glueweb(graph)
    assert pl.read_parquet(lake / "out" / "*.parquet").equals(expected)
    run_exported(graph, lake.parent)
    assert pl.read_parquet(lake / "out" / "*.parquet").equals(expected)


def test_an_option_that_does_not_apply_to_the_format_is_refused(lake: Path) -> None:
    pl.DataFrame({"a": [1]}).write_parquet(lake / "src.parquet")
    from jobs.engine.validate import validate

    graph = document(
        [{"id": "src", "type": "read_files",
          "params": {"path": "lake/src.parquet", "format": "parquet", "options": {"separator": ";"}}}],
        [],
    )  # fmt: skip
    assert [(e["node"], e["field"]) for e in validate(graph)] == [("src", "params.options.separator")]


def test_zoned_timestamps_are_read_as_utc_without_a_zone(lake: Path) -> None:
    from datetime import UTC, datetime

    from jobs.engine.schema import graph_schemas

    pl.DataFrame({"at": [datetime(2025, 1, 1, 12, tzinfo=UTC)]}).with_columns(
        pl.col("at").dt.convert_time_zone("Europe/Amsterdam")
    ).write_parquet(lake / "z.parquet")
    graph = document(
        [{"id": "src", "type": "read_files", "params": {"path": "lake/z.parquet", "format": "parquet"}}], []
    )
    assert graph_schemas(graph)["nodes"]["src"]["ports"]["out"] == [
        {"name": "at", "type": "timestamp", "comment": None}
    ]


def test_node_modules_define_no_two_functions_with_one_name() -> None:
    """Exported scripts define node helpers by name; a clash would make one node use another's helper."""
    import importlib
    import inspect
    import pkgutil

    import jobs.engine.nodes as package

    owners: dict[str, list[str]] = {}
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for name, value in vars(module).items():
            if inspect.isfunction(value) and value.__module__ == module.__name__:
                owners.setdefault(name, []).append(info.name)
    assert {name: mods for name, mods in owners.items() if len(mods) > 1} == {}
