"""The window node's whole-partition aggregates: the types a designer sees, and the errors it names."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from rest_framework.test import APIClient

from jobs.engine.validate import validate
from tests.engine.harness import document, read_output, run_exported, run_in_glueweb

COLUMNS = [("g", "string"), ("n", "int"), ("b", "boolean"), ("amount", "decimal(10,2)"), ("price", "double"),
           ("day", "date"), ("tags", "array<string>")]  # fmt: skip
SOURCE = {"id": "src", "type": "inline_data",
          "params": {"columns": [{"name": n, "type": t} for n, t in COLUMNS],
                     "rows": [["a", 1, True, "1.50", 2.5, "2025-01-31", ["x"]],
                              ["a", None, None, None, None, None, None]]}}  # fmt: skip


def window(**params: Any) -> dict[str, Any]:
    return document([SOURCE, {"id": "w", "type": "window", "params": params}], [{"source": "src", "target": "w"}])


def problems(doc: dict[str, Any]) -> list[tuple[Any, str]]:
    return [(e["node"], e["field"]) for e in validate(doc)]


def test_partition_aggregates_need_no_order_by() -> None:
    assert validate(window(partition_by=["g"], functions=[{"function": "sum", "column": "n"}])) == []


@pytest.mark.parametrize("function", ["row_number", "rank", "dense_rank"])
@pytest.mark.parametrize("order_by", [None, []])
def test_an_ordered_function_without_order_by_is_refused_at_order_by(function: str, order_by: Any) -> None:
    params: dict[str, Any] = {"functions": [{"function": "count"}, {"function": function}]}
    if order_by is not None:
        params["order_by"] = order_by
    errors = validate(window(**params))
    assert [(e["node"], e["field"]) for e in errors] == [("w", "params.order_by")]
    assert f"{function} (functions.1) needs order_by" in errors[0]["message"]


@pytest.mark.parametrize("function", ["sum", "mean", "min", "max"])
def test_an_aggregate_without_a_column_is_refused_at_its_column(function: str) -> None:
    doc = window(functions=[{"function": function}])
    assert problems(doc) == [("w", "params.functions.0.column")]


@pytest.mark.parametrize(("function", "column"), [("sum", "g"), ("mean", "day"), ("min", "tags"), ("max", "tags")])
def test_an_aggregate_of_a_column_it_cannot_add_or_order_is_refused(function: str, column: str) -> None:
    errors = validate(window(functions=[{"function": "count"}, {"function": function, "column": column}]))
    assert [(e["node"], e["field"]) for e in errors] == [("w", "params.functions.1.column")]
    assert function in errors[0]["message"]


def test_an_aggregate_of_a_missing_column_names_it() -> None:
    errors = validate(window(partition_by=["g"], functions=[{"function": "max", "column": "prize"}]))
    assert [(e["node"], e["field"]) for e in errors] == [("w", "params.functions.0.column")]
    assert '"prize"' in errors[0]["message"] and '"price"' in errors[0]["message"]


def test_an_unknown_function_lists_the_known_ones() -> None:
    errors = validate(window(functions=[{"function": "avg", "column": "n"}]))
    assert [(e["node"], e["field"]) for e in errors] == [("w", "params.functions.0.function")]
    assert "mean" in errors[0]["message"] and "rolling_mean" in errors[0]["message"]


def test_an_aggregate_named_like_an_input_column_is_refused_at_its_alias() -> None:
    doc = window(functions=[{"function": "max", "column": "n", "alias": "price"}])
    assert problems(doc) == [("w", "params.functions.0.alias")]


@pytest.mark.django_db
def test_the_designer_shows_the_sql_types_of_partition_aggregates(api: Callable[..., APIClient]) -> None:
    functions = [{"function": "sum", "column": c} for c in ("n", "b", "amount", "price")]
    functions += [{"function": "mean", "column": c} for c in ("n", "amount")]
    functions += [{"function": f, "column": c} for f, c in (("min", "g"), ("max", "day"), ("min", "amount"))]
    functions += [{"function": "count", "column": "tags"}, {"function": "count"}]
    response = api("viewer").post("/api/graphs/schema/", {"graph": window(functions=functions)}, format="json")
    assert response.status_code == 200, response.json()
    added = {c["name"]: c["type"] for c in response.json()["nodes"]["w"]["ports"]["out"][len(COLUMNS) :]}
    assert added == {
        "n_sum": "bigint", "b_sum": "bigint", "amount_sum": "decimal(38,2)", "price_sum": "double",
        "n_mean": "double", "amount_mean": "double",
        "g_min": "string", "day_max": "date", "amount_min": "decimal(10,2)",
        "tags_count": "bigint", "count": "bigint",
    }  # fmt: skip


@pytest.mark.django_db
def test_a_preview_of_rank_without_order_by_is_a_400_naming_the_field(api: Callable[..., APIClient]) -> None:
    body = {"graph": window(partition_by=["g"], functions=[{"function": "rank"}]), "node": "w"}
    response = api("viewer").post("/api/graphs/preview/", body, format="json")
    assert response.status_code == 400
    assert [(e["node"], e["field"]) for e in response.json()["errors"]] == [("w", "params.order_by")]


def test_a_window_and_an_aggregate_in_one_exported_script_keep_their_own_column_names(lake: Path) -> None:
    # Both nodes bring a helper to the script: the aggregate's must not rename the window's columns.
    source = lake / "in.parquet"
    pl.DataFrame({"g": ["a", "b", "a"], "v": [3, 1, 2]}).write_parquet(source)
    graph = document(
        [
            {"id": "src", "type": "read_files", "params": {"path": str(source), "format": "parquet"}},
            {"id": "w", "type": "window",
             "params": {"partition_by": ["g"], "order_by": [{"column": "v"}],
                        "functions": [{"function": "row_number"}, {"function": "count"}]}},
            {"id": "a", "type": "aggregate",
             "params": {"group_by": ["g"], "aggregations": [{"function": "max", "column": "row_number"},
                                                            {"function": "max", "column": "count"}]}},
            {"id": "s", "type": "sort", "params": {"by": [{"column": "g"}]}},
            {"id": "out", "type": "write_files", "params": {"path": "lake/out/out", "mode": "overwrite"}},
        ],
        [{"source": "src", "target": "w"}, {"source": "w", "target": "a"}, {"source": "a", "target": "s"},
         {"source": "s", "target": "out"}],
    )  # fmt: skip
    expected = pl.DataFrame({"g": ["a", "b"], "row_number_max": [2, 1], "count_max": [2, 1]})
    run_in_glueweb(graph)
    assert_frame_equal(read_output(lake), expected)
    shutil.rmtree(lake / "out")
    run_exported(graph, lake.parent)
    assert_frame_equal(read_output(lake), expected)
