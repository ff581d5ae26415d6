"""Every node type: a tiny graph run by glueweb and by its exported script gives the expected frame."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tests.engine.harness import around, read_output, run_exported, run_in_glueweb

ORDERS = pl.DataFrame(
    {
        "id": [1, 2, 3, 4],
        "country": ["NL", "BE", "NL", None],
        "total": [10.0, 250.5, None, 40.0],
        "qty": [1, 3, 2, 5],
    }
)
CUSTOMERS = pl.DataFrame({"cid": [1, 2, 5], "name": ["Ann", "Bo", "Cy"]})


@dataclass
class Case:
    node_type: str
    params: dict[str, Any]
    expected: pl.DataFrame | dict[str, pl.DataFrame]
    inputs: dict[str, list[pl.DataFrame]] = field(default_factory=lambda: {"in": [ORDERS]})
    check_row_order: bool = True


CASES: dict[str, Case] = {
    "select_columns": Case("select_columns", {"columns": ["total", "id"]}, ORDERS.select("total", "id")),
    "drop_columns": Case("drop_columns", {"columns": ["qty", "country"]}, ORDERS.select("id", "total")),
    "rename_columns": Case(
        "rename_columns", {"mapping": {"id": "qty", "qty": "id"}}, ORDERS.rename({"id": "qty", "qty": "id"})
    ),
    "change_schema": Case(
        "change_schema",
        {"mappings": [{"source": "qty", "target": "quantity", "type": "int"}, {"source": "country", "drop": True}]},
        ORDERS.select("id", "total", pl.col("qty").cast(pl.Int32).alias("quantity")),
    ),
    "derived_column": Case(
        "derived_column",
        {"columns": [{"name": "vat", "expression": "total * 0.21"}, {"name": "id", "expression": "id * 10"}]},
        ORDERS.with_columns((pl.col("total") * 0.21).alias("vat"), pl.col("id") * 10),
    ),
    "fill_nulls": Case(
        "fill_nulls",
        {"fills": [{"column": "country", "value": "??"}, {"column": "total", "strategy": "zero"}]},
        ORDERS.with_columns(pl.col("country").fill_null("??"), pl.col("total").fill_null(0.0)),
    ),
    "add_row_id": Case(
        "add_row_id",
        {"name": "row", "offset": 100},
        ORDERS.with_row_index("row", offset=100).with_columns(pl.col("row").cast(pl.Int64)),
    ),
    "add_timestamp": Case(
        "add_timestamp",
        {"mode": "format", "column": "day", "format": "%d/%m/%Y", "name": "text"},
        pl.DataFrame({"day": [date(2025, 1, 31), None], "text": ["31/01/2025", None]}),
        inputs={"in": [pl.DataFrame({"day": [date(2025, 1, 31), None]})]},
    ),
    "window": Case(
        "window",
        {
            "partition_by": ["g"],
            "order_by": [{"column": "v"}],
            "functions": [
                {"function": "row_number"},
                {"function": "rank"},
                {"function": "dense_rank"},
                {"function": "lag", "column": "v", "default": 0},
                {"function": "cum_sum", "column": "v"},
                {"function": "rolling_mean", "column": "v", "window": 2},
            ],
        },
        pl.DataFrame(
            {
                "g": ["a", "b", "a", "a"],
                "v": [2, 7, 1, 2],
                "row_number": [2, 1, 1, 3],
                "rank": [2, 1, 1, 2],
                "dense_rank": [2, 1, 1, 2],
                "v_lag": [1, 0, 0, 2],
                "v_cum_sum": [3, 7, 1, 5],
                "v_rolling_mean": [1.5, 7.0, 1.0, 2.0],
            }
        ).with_columns(pl.col("row_number", "rank", "dense_rank").cast(pl.Int64)),
        inputs={"in": [pl.DataFrame({"g": ["a", "b", "a", "a"], "v": [2, 7, 1, 2]})]},
    ),
    "window_partition_aggregates": Case(
        "window",
        {
            "partition_by": ["country"],
            "functions": [
                {"function": "sum", "column": "total"},
                {"function": "mean", "column": "qty", "alias": "avg_qty"},
                {"function": "min", "column": "total"},
                {"function": "max", "column": "id"},
                {"function": "count", "column": "total"},
                {"function": "count", "alias": "rows"},
            ],
        },
        ORDERS.with_columns(
            total_sum=pl.Series([10.0, 250.5, 10.0, 40.0]),
            avg_qty=pl.Series([1.5, 3.0, 1.5, 5.0]),
            total_min=pl.Series([10.0, 250.5, 10.0, 40.0]),
            id_max=pl.Series([3, 2, 3, 4]),
            total_count=pl.Series([1, 1, 1, 1]),
            rows=pl.Series([2, 1, 2, 1]),
        ),
    ),
    "window_whole_input_beside_rank": Case(
        "window",
        {
            "order_by": [{"column": "total", "descending": True, "nulls_last": True}],
            "functions": [
                {"function": "rank"},
                {"function": "sum", "column": "qty"},
                {"function": "mean", "column": "total"},
                {"function": "count"},
            ],
        },
        ORDERS.with_columns(
            rank=pl.Series([3, 1, 4, 2]),
            qty_sum=pl.Series([11, 11, 11, 11]),
            total_mean=pl.Series([300.5 / 3] * 4),
            count=pl.Series([4, 4, 4, 4]),
        ),
    ),
    "filter": Case("filter", {"condition": "total > 20 AND country IS NOT NULL"}, ORDERS.filter(pl.col("id") == 2)),
    "filter_rules": Case(
        "filter",
        {
            "rules": {
                "combine": "or",
                "conditions": [
                    {"column": "qty", "op": "between", "value": [2, 3]},
                    {"column": "country", "op": "is_null"},
                ],
            }
        },
        ORDERS.filter(pl.col("id").is_in([2, 3, 4])),
    ),
    "sort": Case(
        "sort",
        {"by": [{"column": "total", "descending": True, "nulls_last": True}]},
        ORDERS.sort("total", descending=True, nulls_last=True),
    ),
    "limit": Case("limit", {"n": 2, "offset": 1}, ORDERS.slice(1, 2)),
    "sample": Case("sample", {"n": 10, "seed": 1}, ORDERS),
    "drop_duplicates": Case(
        "drop_duplicates",
        {"subset": ["country"], "keep": "last"},
        ORDERS.unique(subset=["country"], keep="last", maintain_order=True),
    ),
    "drop_nulls": Case(
        "drop_nulls", {"subset": ["country", "total"], "how": "any"}, ORDERS.filter(pl.col("id").is_in([1, 2]))
    ),
    "join": Case(
        "join",
        {"how": "left", "on": [{"left": "id", "right": "cid"}]},
        ORDERS.join(CUSTOMERS, left_on="id", right_on="cid", how="left", maintain_order="left"),
        inputs={"left": [ORDERS], "right": [CUSTOMERS]},
        check_row_order=False,  # a join's output order is not defined unless keep_order is set
    ),
    "join_keeping_order": Case(
        "join",
        {"how": "left", "on": [{"left": "id", "right": "cid"}], "keep_order": True},
        ORDERS.join(CUSTOMERS, left_on="id", right_on="cid", how="left", maintain_order="left"),
        inputs={"left": [ORDERS], "right": [CUSTOMERS]},
    ),
    "union": Case(
        "union",
        {"mode": "all", "by_name": True},
        pl.DataFrame({"a": [1, 2, None], "b": ["x", None, "y"]}),
        inputs={"in": [pl.DataFrame({"a": [1], "b": ["x"]}), pl.DataFrame({"a": [2]}), pl.DataFrame({"b": ["y"]})]},
    ),
    "aggregate": Case(
        "aggregate",
        {
            "group_by": ["country"],
            "aggregations": [
                {"function": "count"},
                {"function": "sum", "column": "total", "alias": "revenue"},
                {"function": "max", "column": "qty"},
            ],
        },
        pl.DataFrame(
            {"country": ["BE", "NL", None], "count": [1, 2, 1], "revenue": [250.5, 10.0, 40.0], "qty_max": [3, 2, 5]}
        ),
        check_row_order=False,
    ),
    "pivot": Case(
        "pivot",
        {"index": ["k"], "on": "c", "on_values": ["x", "y"], "values": ["v"], "function": "sum"},
        pl.DataFrame({"k": [1, 2], "x": [3, 0], "y": [4, 5]}),
        inputs={"in": [pl.DataFrame({"k": [1, 1, 1, 2, 2], "c": ["x", "x", "y", "y", "z"], "v": [1, 2, 4, 5, 9]})]},
    ),
    "unpivot": Case(
        "unpivot",
        {"index": ["k"], "on": ["a", "b"], "variable_name": "col", "value_name": "val"},
        pl.DataFrame({"k": [1, 1], "col": ["a", "b"], "val": [1.0, 2.5]}),
        inputs={"in": [pl.DataFrame({"k": [1], "a": [1], "b": [2.5]})]},
        check_row_order=False,
    ),
    "explode": Case(
        "explode",
        {"columns": ["tags"]},
        pl.DataFrame({"k": [1, 1, 2], "tags": ["a", "b", None]}),
        inputs={"in": [pl.DataFrame({"k": [1, 2], "tags": [["a", "b"], []]})]},
    ),
    "flatten": Case(
        "flatten",
        {"separator": "."},
        pl.DataFrame({"k": [1], "d.os": ["linux"], "d.v.major": [2]}),
        inputs={"in": [pl.DataFrame({"k": [1], "d": [{"os": "linux", "v": {"major": 2}}]})]},
    ),
    "split_column": Case(
        "split_column",
        {"column": "s", "separator": "-", "into": ["a", "b"]},
        pl.DataFrame({"s": ["x-y-z", "q", None], "a": ["x", "q", None], "b": ["y", None, None]}),
        inputs={"in": [pl.DataFrame({"s": ["x-y-z", "q", None]})]},
    ),
    "regex_extract": Case(
        "regex_extract",
        {"column": "email", "pattern": r"^([^@]+)@(.+)$", "columns": ["user", "domain"]},
        pl.DataFrame({"email": ["a@b.nl", "nope"], "user": ["a", None], "domain": ["b.nl", None]}),
        inputs={"in": [pl.DataFrame({"email": ["a@b.nl", "nope"]})]},
    ),
    "parse_json": Case(
        "parse_json",
        {"column": "j", "target": "p", "schema": "struct<os:string,n:bigint>"},
        pl.DataFrame(
            {"j": ['{"os": "ios", "n": 3, "x": 1}', None]},
        ).with_columns(p=pl.Series([{"os": "ios", "n": 3}, None], dtype=pl.Struct({"os": pl.String, "n": pl.Int64}))),
        inputs={"in": [pl.DataFrame({"j": ['{"os": "ios", "n": 3, "x": 1}', None]})]},
    ),
    "sql": Case(
        "sql",
        {
            "query": "SELECT o.id, c.name FROM o JOIN c ON o.id = c.cid ORDER BY o.id",
            "aliases": {"o": "in0", "c": "in1"},
        },
        pl.DataFrame({"id": [1, 2], "name": ["Ann", "Bo"]}),
        inputs={"in": [ORDERS, CUSTOMERS]},
    ),
    "route": Case(
        "route",
        {"routes": [{"name": "big", "condition": "total > 100"}, {"name": "nl", "condition": "country = 'NL'"}]},
        {
            "big": ORDERS.filter(pl.col("id") == 2),
            "nl": ORDERS.filter(pl.col("id").is_in([1, 3])),
            "default": ORDERS.filter(pl.col("id") == 4),
        },
    ),
}


def _compare(actual: pl.DataFrame, expected: pl.DataFrame, ordered: bool) -> None:
    assert_frame_equal(actual, expected, check_row_order=ordered)


@pytest.mark.parametrize("name", list(CASES))
def test_node_type_gives_the_same_frame_in_glueweb_and_in_its_exported_script(lake: Path, name: str) -> None:
    case = CASES[name]
    expected = case.expected if isinstance(case.expected, dict) else {"out": case.expected}
    graph = around(lake, case.node_type, case.params, case.inputs, ports=list(expected))
    run_in_glueweb(graph)
    for port, frame in expected.items():
        _compare(read_output(lake, port), frame, case.check_row_order)
    shutil.rmtree(lake / "out")
    run_exported(graph, lake.parent)
    for port, frame in expected.items():
        _compare(read_output(lake, port), frame, case.check_row_order)


def test_every_available_node_type_has_a_round_trip_case() -> None:
    from jobs.engine import registry

    # Sources and targets have their own round trips (here and in test_export_targets.py).
    others = {"read_files", "write_files", "inline_data", "read_catalog_table", "write_catalog_table"}
    covered = {case.node_type for case in CASES.values()} | others
    assert {t.key for t in registry.all_types()} <= covered


def test_inline_data_gives_typed_columns_in_glueweb_and_in_its_exported_script(lake: Path) -> None:
    from decimal import Decimal

    from tests.engine.harness import document

    columns = [("d", "date"), ("amount", "decimal(10,2)"), ("tags", "array<string>"), ("ok", "boolean"), ("n", "int")]
    rows = [["2025-01-31", "12.50", ["a", "b"], True, 7], [None, None, None, None, None]]
    graph = document(
        [{"id": "src", "type": "inline_data",
          "params": {"columns": [{"name": n, "type": t} for n, t in columns], "rows": rows}},
         {"id": "w", "type": "write_files", "params": {"path": "lake/out/out", "mode": "overwrite"}}],
        [{"source": "src", "target": "w"}],
    )  # fmt: skip
    expected = pl.DataFrame(
        {"d": [date(2025, 1, 31), None], "amount": [Decimal("12.50"), None], "tags": [["a", "b"], None],
         "ok": [True, None], "n": [7, None]},
        schema={"d": pl.Date, "amount": pl.Decimal(10, 2), "tags": pl.List(pl.String), "ok": pl.Boolean,
                "n": pl.Int32},
    )  # fmt: skip
    run_in_glueweb(graph)
    assert_frame_equal(read_output(lake), expected)
    run_exported(graph, lake.parent)
    assert_frame_equal(read_output(lake), expected)
