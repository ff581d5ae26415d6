"""Validation reports every problem at once, each naming its node and field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jobs.engine.validate import validate
from tests.engine.harness import document

SOURCE = {"id": "src", "type": "inline_data",
          "params": {"columns": [{"name": "total", "type": "double"}, {"name": "country", "type": "string"}],
                     "rows": [[1.5, "NL"]]}}  # fmt: skip


def node(node_id: str, node_type: str, **params: Any) -> dict[str, Any]:
    return {"id": node_id, "type": node_type, "params": params}


def edge(source: str, target: str, **ports: str) -> dict[str, Any]:
    return {"source": source, "target": target, **ports}


def problems(doc: dict[str, Any], run_parameters: dict[str, Any] | None = None) -> list[tuple[Any, str]]:
    return [(e["node"], e["field"]) for e in validate(doc, run_parameters)]


def test_a_valid_graph_has_no_errors() -> None:
    doc = document([SOURCE, node("f", "filter", condition="total > 1")], [edge("src", "f")])
    assert validate(doc) == []


@pytest.mark.parametrize("fmt", [None, "glueweb.graph/2", 1])
def test_a_missing_or_unknown_format_is_refused_at_format(fmt: Any) -> None:
    doc = {"format": fmt, "nodes": []} if fmt is not None else {"nodes": []}
    assert problems(doc) == [(None, "format")]


def test_unknown_keys_are_named_in_the_document_node_and_edge() -> None:
    doc = document([{**SOURCE, "colour": "red"}, node("f", "filter", condition="total > 1")],
                   [{**edge("src", "f"), "weight": 2}])  # fmt: skip
    doc["extra"] = 1
    assert set(problems(doc)) == {(None, "extra"), ("src", "colour"), (None, "edges.0.weight")}


def test_a_duplicate_node_id_is_reported_at_the_second_one() -> None:
    doc = document([SOURCE, SOURCE], [])
    assert problems(doc) == [("src", "id")]


def test_an_unknown_node_type_is_reported_at_type() -> None:
    doc = document([node("orders", "read_parquet", path="x")], [])
    assert problems(doc) == [("orders", "type")]


@pytest.mark.parametrize("planned", ["read_sql", "write_sql", "python", "data_quality"])
def test_planned_node_types_are_not_available_yet(planned: str) -> None:
    assert problems(document([node("n", planned)], [])) == [("n", "type")]


def test_an_edge_to_a_missing_node_is_reported_at_the_edge() -> None:
    doc = document([SOURCE], [edge("src", "nowhere")])
    assert problems(doc) == [(None, "edges.0.target")]


def test_an_unknown_port_names_the_node_and_the_edge_field() -> None:
    doc = document(
        [SOURCE, node("j", "join", how="cross")],
        [edge("src", "j", target_port="lft"), edge("src", "j", target_port="right")],
    )
    errors = validate(doc)
    assert (errors[0]["node"], errors[0]["field"]) == ("j", "edges.0.target_port")
    assert 'no input port "lft" (ports: left, right)' in errors[0]["message"]
    assert ("j", "ports.left") in problems(doc)


def test_the_same_edge_twice_is_reported_at_the_target() -> None:
    doc = document([SOURCE, node("u", "union")], [edge("src", "u"), edge("src", "u")])
    assert problems(doc) == [("u", "edges.1")]


def test_a_cycle_is_reported_once_naming_its_nodes_in_order() -> None:
    doc = document(
        [SOURCE, node("a", "union"), node("b", "filter", condition="total > 1"), node("c", "limit", n=1)],
        [edge("src", "a"), edge("a", "b"), edge("b", "c"), edge("c", "a")],
    )
    errors = validate(doc)
    assert [(e["node"], e["field"]) for e in errors] == [("a", "edges.3")]
    assert errors[0]["message"] == "cycle: a -> b -> c -> a"


def test_an_edge_from_a_node_to_itself_is_a_cycle() -> None:
    doc = document([SOURCE, node("u", "union")], [edge("src", "u"), edge("u", "u")])
    assert validate(doc)[0]["message"] == "cycle: u -> u"


def test_an_unconnected_required_port_is_reported_at_the_port() -> None:
    doc = document([SOURCE, node("j", "join", on=[{"left": "total", "right": "total"}])],
                   [edge("src", "j", target_port="left")])  # fmt: skip
    errors = validate(doc)
    assert [(e["node"], e["field"]) for e in errors] == [("j", "ports.right")]
    assert errors[0]["message"] == 'input port "right" is not connected'


def test_a_single_input_port_fed_twice_names_both_sources() -> None:
    other = {**SOURCE, "id": "other"}
    doc = document([SOURCE, other, node("f", "filter", condition="total > 1")], [edge("src", "f"), edge("other", "f")])
    errors = validate(doc)
    assert [(e["node"], e["field"]) for e in errors] == [("f", "ports.in")]
    assert '(from "src", "other")' in errors[0]["message"]


def test_an_unknown_parameter_reference_is_reported_at_its_field() -> None:
    doc = document(
        [SOURCE, node("d", "derived_column", columns=[{"name": "y", "expression": "total * ${rate}"}])],
        [edge("src", "d")],
        [{"name": "rat", "type": "number", "default": 1}],
    )
    errors = validate(doc)
    assert [(e["node"], e["field"]) for e in errors] == [("d", "params.columns.0.expression")]
    assert errors[0]["message"] == 'unknown parameter "rate"'


def test_a_bad_enum_value_lists_the_allowed_ones() -> None:
    join = node("j", "join", how="outer", on=[{"left": "total", "right": "total"}])
    doc = document(
        [SOURCE, {**SOURCE, "id": "r"}, join],
        [edge("src", "j", target_port="left"), edge("r", "j", target_port="right")],
    )
    errors = validate(doc)
    assert [(e["node"], e["field"]) for e in errors] == [("j", "params.how")]
    assert errors[0]["message"] == '"outer" is not one of inner, left, right, full, semi, anti, cross'


def test_missing_mistyped_and_unknown_parameters_are_each_reported() -> None:
    doc = document(
        [SOURCE, node("l", "limit", offset="two", colour=1), node("s", "sort")],
        [edge("src", "l"), edge("src", "s")],
    )
    assert set(problems(doc)) == {("l", "params.n"), ("l", "params.offset"), ("l", "params.colour"), ("s", "params.by")}


def test_a_missing_column_in_an_expression_is_named_with_a_suggestion() -> None:
    doc = document([SOURCE, node("kept", "filter", condition="totl > 5")], [edge("src", "kept")])
    assert validate(doc) == [
        {"node": "kept", "field": "params.condition", "message": 'unknown column "totl"; did you mean "total"?'}
    ]


@pytest.mark.parametrize(
    ("condition", "words"),
    [("total > 3 AND", "parse"), ("DATEDIFF(total, total) > 1", "datediff"), ("total * 2", "Float64"),
     ("country + 1", "str"), ("total > (SELECT 1)", "subquery")],
)  # fmt: skip
def test_a_bad_expression_is_reported_at_its_parameter(condition: str, words: str) -> None:
    doc = document([SOURCE, node("f", "filter", condition=condition)], [edge("src", "f")])
    errors = validate(doc)
    assert [(e["node"], e["field"]) for e in errors] == [("f", "params.condition")]
    assert words.lower() in errors[0]["message"].lower()


def test_a_column_the_input_lacks_is_named_at_the_parameter() -> None:
    doc = document([SOURCE, node("s", "select_columns", columns=["total", "cuntry"])], [edge("src", "s")])
    errors = validate(doc)
    assert [(e["node"], e["field"]) for e in errors] == [("s", "params.columns.1")]
    assert '"cuntry"' in errors[0]["message"]


def test_a_join_key_pair_of_incompatible_types_is_refused() -> None:
    doc = document(
        [SOURCE, {**SOURCE, "id": "r"}, node("j", "join", on=[{"left": "total", "right": "country"}])],
        [edge("src", "j", target_port="left"), edge("r", "j", target_port="right")],
    )
    assert problems(doc) == [("j", "params.on.0.right")]


def test_nodes_downstream_of_an_error_are_not_reported_again() -> None:
    doc = document(
        [SOURCE, node("f", "filter", condition="nope > 1"), node("s", "select_columns", columns=["nope"])],
        [edge("src", "f"), edge("f", "s")],
    )
    assert problems(doc) == [("f", "params.condition")]


def test_every_problem_is_reported_at_once() -> None:
    doc = document(
        [SOURCE, node("f", "filter", condition="totl > 1"), node("x", "nope"), node("l", "limit")],
        [edge("src", "f"), edge("src", "l")],
    )
    assert set(problems(doc)) == {("f", "params.condition"), ("x", "type"), ("l", "params.n")}


def test_run_parameters_of_the_wrong_type_or_undeclared_are_refused() -> None:
    doc = document([SOURCE], [], [{"name": "n", "type": "integer"}])
    assert problems(doc, {"n": "x", "m": 1}) == [(None, "run_parameters.n"), (None, "run_parameters.m")]
    assert problems(doc, {}) == [(None, "run_parameters.n")]
    assert problems(doc) == []  # design time: postponed


def test_a_whole_value_reference_keeps_the_parameters_type() -> None:
    doc = document([SOURCE, node("l", "limit", n="${top}")], [edge("src", "l")],
                   [{"name": "top", "type": "integer", "default": 3}])  # fmt: skip
    assert validate(doc) == []


def test_a_path_outside_the_data_roots_is_refused(lake: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.parquet"
    outside.write_text("x")
    (lake / "link").symlink_to(tmp_path)
    for path in ["../elsewhere.parquet", str(outside), "/etc/passwd", "lake/link/elsewhere.parquet"]:
        doc = document([node("r", "read_files", path=path, format="parquet")], [])
        assert problems(doc) == [("r", "params.path")], path


def test_a_target_outside_the_data_roots_is_refused(lake: Path) -> None:
    doc = document([SOURCE, node("w", "write_files", path="/tmp/out")], [edge("src", "w")])
    assert problems(doc) == [("w", "params.path")]


def test_an_inline_value_that_does_not_fit_its_column_is_refused() -> None:
    bad = {"id": "src", "type": "inline_data",
           "params": {"columns": [{"name": "n", "type": "bigint"}], "rows": [[1], ["two"]]}}  # fmt: skip
    assert problems(document([bad], [])) == [("src", "params.rows")]


def test_an_inline_column_type_that_is_not_a_catalog_type_is_refused() -> None:
    bad = {"id": "src", "type": "inline_data", "params": {"columns": [{"name": "n", "type": "varchr"}]}}
    assert problems(document([bad], [])) == [("src", "params.columns.0.type")]
