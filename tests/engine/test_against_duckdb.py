"""Differential tests: each node against the same operation in DuckDB, on generated frames.

Frames have nulls, may be empty, hold unicode text and very large or small numbers.
"""

from __future__ import annotations

from typing import Any

import duckdb
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from jobs.engine.compiler import compile_graph
from tests.engine.harness import document

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

EXAMPLES = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=4)
BIG = 2**53
INTS = st.one_of(st.none(), st.integers(-BIG, BIG), st.sampled_from([0, 1, -1, BIG, -BIG]))
SMALL_INTS = st.one_of(st.none(), st.integers(-3, 3))
FLOATS = st.one_of(st.none(), st.floats(-1e9, 1e9, allow_nan=False), st.sampled_from([0.0, -0.0, 1e-300, 5e-324]))
HUGE_FLOATS = st.one_of(FLOATS, st.floats(-1e300, 1e300, allow_nan=False))
KEYS = st.one_of(st.none(), st.sampled_from(["a", "b", "é", "日本", ""]))

COLUMNS = [("g", "bigint"), ("k", "string"), ("x", "bigint"), ("y", "double")]


def rows(floats: st.SearchStrategy[Any] = FLOATS, max_size: int = 12) -> st.SearchStrategy[list[list[Any]]]:
    return st.lists(st.lists(st.just(None), min_size=0, max_size=0).flatmap(
        lambda _: st.tuples(SMALL_INTS, st.one_of(KEYS, TEXT), INTS, floats).map(list)), max_size=max_size)  # fmt: skip


def inline(node_id: str, data: list[list[Any]], columns: list[tuple[str, str]] = COLUMNS) -> dict[str, Any]:
    return {"id": node_id, "type": "inline_data",
            "params": {"columns": [{"name": n, "type": t} for n, t in columns], "rows": data}}  # fmt: skip


def frame(data: list[list[Any]], columns: list[tuple[str, str]] = COLUMNS) -> pl.DataFrame:
    schema = {n: {"bigint": pl.Int64, "string": pl.String, "double": pl.Float64}[t] for n, t in columns}
    return pl.DataFrame(data, schema=schema, orient="row")


def glueweb(nodes: list[dict[str, Any]], edges: list[dict[str, Any]], node: str = "n") -> pl.DataFrame:
    return compile_graph(document(nodes, edges))[(node, "out")].collect()


def duck(query: str, **tables: pl.DataFrame) -> pl.DataFrame:
    con = duckdb.connect()
    for name, table in tables.items():
        con.register(name, table.to_arrow())
    return con.sql(query).pl()


def same(actual: pl.DataFrame, expected: pl.DataFrame, *, ordered: bool = False) -> None:
    assert_frame_equal(
        actual, expected, check_row_order=ordered, check_dtypes=False, check_exact=False, rel_tol=1e-9, abs_tol=1e-6
    )


def one_node(data: list[list[Any]], node_type: str, params: dict[str, Any]) -> pl.DataFrame:
    return glueweb(
        [inline("t", data), {"id": "n", "type": node_type, "params": params}], [{"source": "t", "target": "n"}]
    )


@EXAMPLES
@given(rows(HUGE_FLOATS))
def test_filter_keeps_the_rows_duckdb_keeps(data: list[list[Any]]) -> None:
    condition = "(x > 10 OR y <= 0.5) AND k IS NOT NULL AND k <> 'a'"
    same(one_node(data, "filter", {"condition": condition}), duck(f"SELECT * FROM t WHERE {condition}", t=frame(data)))


@EXAMPLES
@given(rows())
def test_derived_columns_compute_what_duckdb_computes(data: list[list[Any]]) -> None:
    exprs = {
        "a": "x * 2 + 1",
        "b": "COALESCE(k, 'none') || '!'",
        "c": "CASE WHEN y > 0 THEN 'pos' WHEN y < 0 THEN 'neg' ELSE NULL END",
        "d": "ABS(g) + LENGTH(k)",
        "e": "x IS DISTINCT FROM g",
    }
    params = {"columns": [{"name": n, "expression": e} for n, e in exprs.items()]}
    selects = ", ".join(f"{e} AS {n}" for n, e in exprs.items())
    same(one_node(data, "derived_column", params), duck(f"SELECT *, {selects} FROM t", t=frame(data)), ordered=True)


RIGHT = [("g", "bigint"), ("w", "string"), ("z", "bigint")]
RIGHT_ROWS = st.lists(st.tuples(SMALL_INTS, KEYS, INTS).map(list), max_size=8)
JOIN_SQL = {
    "inner": "SELECT l.*, r.w, r.z FROM l JOIN r ON l.g = r.g",
    "left": "SELECT l.*, r.w, r.z FROM l LEFT JOIN r ON l.g = r.g",
    "right": "SELECT l.k, l.x, l.y, r.g, r.w, r.z FROM l RIGHT JOIN r ON l.g = r.g",
    "full": "SELECT l.*, r.g AS g_right, r.w, r.z FROM l FULL JOIN r ON l.g = r.g",
    "semi": "SELECT * FROM l SEMI JOIN r ON l.g = r.g",
    "anti": "SELECT * FROM l ANTI JOIN r ON l.g = r.g",
    "cross": "SELECT l.*, r.g AS g_right, r.w, r.z FROM l CROSS JOIN r",
}


@pytest.mark.parametrize("how", list(JOIN_SQL))
@EXAMPLES
@given(left=rows(max_size=8), right=RIGHT_ROWS)
def test_joins_of_every_kind_match_duckdb(how: str, left: list[list[Any]], right: list[list[Any]]) -> None:
    on = [] if how == "cross" else [{"left": "g", "right": "g"}]
    actual = glueweb(
        [inline("l", left), inline("r", right, RIGHT), {"id": "n", "type": "join", "params": {"how": how, "on": on}}],
        [{"source": "l", "target": "n", "target_port": "left"}, {"source": "r", "target": "n", "target_port": "right"}],
    )
    same(actual, duck(JOIN_SQL[how], l=frame(left), r=frame(right, RIGHT)))


@pytest.mark.parametrize(("mode", "sql"), [("all", "UNION ALL"), ("distinct", "UNION")])
@EXAMPLES
@given(a=rows(HUGE_FLOATS), b=rows(HUGE_FLOATS))
def test_union_matches_duckdb(mode: str, sql: str, a: list[list[Any]], b: list[list[Any]]) -> None:
    actual = glueweb(
        [inline("a", a), inline("b", b), {"id": "n", "type": "union", "params": {"mode": mode}}],
        [{"source": "a", "target": "n"}, {"source": "b", "target": "n"}],
    )
    same(actual, duck(f"SELECT * FROM a {sql} SELECT * FROM b", a=frame(a), b=frame(b)))


AGGREGATIONS = [
    ({"function": "count"}, "COUNT(*)"),
    ({"function": "count", "column": "x"}, "COUNT(x)"),
    ({"function": "count_distinct", "column": "k"}, "COUNT(DISTINCT k)"),
    ({"function": "sum", "column": "x"}, "SUM(x)::BIGINT"),
    ({"function": "sum", "column": "y"}, "SUM(y)"),
    ({"function": "mean", "column": "y"}, "AVG(y)"),
    ({"function": "median", "column": "y"}, "MEDIAN(y)"),
    ({"function": "min", "column": "k"}, "MIN(k)"),
    ({"function": "max", "column": "x"}, "MAX(x)"),
    ({"function": "std", "column": "x"}, "STDDEV_SAMP(x)"),
    ({"function": "var", "column": "y"}, "VAR_SAMP(y)"),
    ({"function": "quantile", "column": "y", "quantile": 0.25}, "QUANTILE_CONT(y, 0.25)"),
]


@pytest.mark.parametrize("grouped", [True, False])
@EXAMPLES
@given(data=rows())
def test_aggregate_functions_match_duckdb(grouped: bool, data: list[list[Any]]) -> None:
    aggs = [{**a, "alias": f"a{i}"} for i, (a, _) in enumerate(AGGREGATIONS)]
    selects = ", ".join(f"{sql} AS a{i}" for i, (_, sql) in enumerate(AGGREGATIONS))
    params = {"group_by": ["g"] if grouped else [], "aggregations": aggs}
    query = f"SELECT g, {selects} FROM t GROUP BY g" if grouped else f"SELECT {selects} FROM t"
    # std of numbers near 2**53 loses precision differently in each engine: compare it loosely.
    actual, expected = one_node(data, "aggregate", params), duck(query, t=frame(data))
    assert_frame_equal(actual, expected, check_row_order=False, check_dtypes=False, check_exact=False, rel_tol=1e-6,
                       abs_tol=1e-3)  # fmt: skip


@EXAMPLES
@given(rows(HUGE_FLOATS))
def test_sort_orders_keys_as_duckdb_does(data: list[list[Any]]) -> None:
    by = [{"column": "x", "descending": True, "nulls_last": True}, {"column": "k"}]
    actual = one_node(data, "sort", {"by": by})
    expected = duck("SELECT * FROM t ORDER BY x DESC NULLS LAST, k ASC NULLS FIRST", t=frame(data))
    same(actual.select("x", "k"), expected.select("x", "k"), ordered=True)
    same(actual, expected)


@EXAMPLES
@given(rows(HUGE_FLOATS))
def test_drop_duplicates_matches_select_distinct(data: list[list[Any]]) -> None:
    same(one_node(data, "drop_duplicates", {"keep": "any"}), duck("SELECT DISTINCT * FROM t", t=frame(data)))


@EXAMPLES
@given(rows())
def test_window_functions_match_duckdb(data: list[list[Any]]) -> None:
    functions = [{"function": "rank"}, {"function": "dense_rank"}, {"function": "cum_sum", "column": "x"}]
    params = {"partition_by": ["g"], "order_by": [{"column": "x"}], "functions": functions}
    actual = one_node(data, "window", params).select("g", "x", "rank", "dense_rank", "x_cum_sum")
    over = "OVER (PARTITION BY g ORDER BY x ASC NULLS FIRST"
    expected = duck(
        f"SELECT g, x, RANK() {over}) AS rank, DENSE_RANK() {over}) AS dense_rank, "
        f"SUM(x) {over} ROWS UNBOUNDED PRECEDING)::BIGINT AS x_cum_sum FROM t",
        t=frame(data),
    )
    # Tied rows share g and x, so their running sums may be attached in either order: compare as multisets.
    same(actual, expected)


PARTITION_AGGREGATES = [
    ({"function": "sum", "column": "x"}, "SUM(x) {over}::BIGINT"),
    ({"function": "sum", "column": "y"}, "SUM(y) {over}"),
    # Means are computed in floating point (DuckDB adds integers exactly first): mean of x, whose
    # values reach 2**53, could differ by cancellation; g's small integers cannot.
    ({"function": "mean", "column": "g"}, "AVG(g) {over}"),
    ({"function": "mean", "column": "y"}, "AVG(y) {over}"),
    ({"function": "min", "column": "k"}, "MIN(k) {over}"),
    ({"function": "max", "column": "k"}, "MAX(k) {over}"),
    ({"function": "min", "column": "y"}, "MIN(y) {over}"),
    ({"function": "max", "column": "x"}, "MAX(x) {over}"),
    ({"function": "count", "column": "y"}, "COUNT(y) {over}"),
    ({"function": "count"}, "COUNT(*) {over}"),
]


def in_input_order(actual: pl.DataFrame, expected: pl.DataFrame) -> None:
    """DuckDB returns window results in no set order: line its rows up by the input row number `rid`."""
    assert_frame_equal(actual.with_row_index("rid").cast({"rid": pl.Int64}), expected.sort("rid"),
                       check_dtypes=False, check_exact=False, rel_tol=1e-6, abs_tol=1e-3)  # fmt: skip


@pytest.mark.parametrize("partition_by", [["g"], ["k", "g"], []])
@EXAMPLES
@given(rows())
def test_partition_aggregates_match_duckdb_over_partition_by(partition_by: list[str], data: list[list[Any]]) -> None:
    functions = [{**f, "alias": f"a{i}"} for i, (f, _) in enumerate(PARTITION_AGGREGATES)]
    over = f"OVER (PARTITION BY {', '.join(partition_by)})" if partition_by else "OVER ()"
    selects = ", ".join(f"{sql.format(over=over)} AS a{i}" for i, (_, sql) in enumerate(PARTITION_AGGREGATES))
    actual = one_node(data, "window", {"partition_by": partition_by, "functions": functions})
    t = frame(data).with_row_index("rid").cast({"rid": pl.Int64})
    in_input_order(actual, duck(f"SELECT *, {selects} FROM t", t=t))


@EXAMPLES
@given(rows())
def test_partition_aggregates_beside_ordered_functions_match_duckdb(data: list[list[Any]]) -> None:
    functions = [{"function": "row_number"}, {"function": "max", "column": "y", "alias": "top"},
                 {"function": "lag", "column": "x"}, {"function": "count", "column": "k", "alias": "keys"}]  # fmt: skip
    params = {"partition_by": ["g"], "order_by": [{"column": "y", "descending": True}], "functions": functions}
    actual = one_node(data, "window", params).select("g", "y", "top", "keys")
    expected = duck(
        "SELECT rid, g, y, MAX(y) OVER (PARTITION BY g) AS top, COUNT(k) OVER (PARTITION BY g) AS keys FROM t",
        t=frame(data).with_row_index("rid").cast({"rid": pl.Int64}),
    )
    in_input_order(actual, expected)


@pytest.mark.parametrize("function", ["sum", "count", "max"])
@EXAMPLES
@given(rows())
def test_pivot_matches_conditional_aggregation(function: str, data: list[list[Any]]) -> None:
    values = ["a", "b", "é"]
    params = {"index": ["g"], "on": "k", "on_values": values, "values": ["x"], "function": function}
    wrap = "COALESCE({}, 0)" if function in ("sum", "count") else "{}"
    cast = "::BIGINT" if function != "count" else ""
    cells = ", ".join(
        wrap.format(f"{function.upper()}(x) FILTER (WHERE k = '{v}')") + f'{cast} AS "{v}"' for v in values
    )
    in_list = ", ".join(f"'{v}'" for v in values)
    expected = duck(f"SELECT g, {cells} FROM t WHERE k IN ({in_list}) GROUP BY g", t=frame(data))
    same(one_node(data, "pivot", params), expected)


@EXAMPLES
@given(rows(HUGE_FLOATS))
def test_unpivot_matches_union_of_columns(data: list[list[Any]]) -> None:
    params = {"index": ["k"], "on": ["x", "y"]}
    expected = duck(
        "SELECT k, 'x' AS variable, x::DOUBLE AS value FROM t UNION ALL SELECT k, 'y', y FROM t", t=frame(data)
    )
    same(one_node(data, "unpivot", params), expected)
