"""Writes the 22 PDS-H queries as glueweb graphs (benchmarks/pdsh/qNN.json).

    .venv/bin/python benchmarks/pdsh_graphs.py

The JSON files are what the benchmark runs and what the designer can import; this
module is only a shorter way to author them (a graph is mostly edges, which are
tedious to write by hand). Each query uses designer nodes only (read_files,
filter, derived_column, join, aggregate, window, sort, limit, select_columns,
rename_columns), never the `sql` node, so the benchmark measures the node
compiler rather than Polars' SQL front end. Dates and constants are the TPC-H
validation parameters, as in the PDS-H reference queries.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent / "pdsh"
_AGG = re.compile(r"^(\w+)\((\*|\w+)\)(?:\s+as\s+(\w+))?$")


def _function(text: str) -> dict[str, Any]:
    """ "sum(col) as alias" -> {"function": "sum", "column": "col", "alias": "alias"}; count(*) has no column."""
    match = _AGG.match(text)
    assert match, text
    function, column, alias = match.groups()
    spec: dict[str, Any] = {"function": function}
    if column != "*":
        spec["column"] = column
    if alias:
        spec["alias"] = alias
    return spec


class Graph:
    def __init__(self, query: str, *extra: dict[str, Any]) -> None:
        self.query = query
        self.parameters: list[dict[str, Any]] = [
            {"name": "data", "type": "string", "default": "lake/tpch"},
            {"name": "out", "type": "string", "default": f"lake/pdsh/{query}"},
            *extra,
        ]
        self.nodes: list[dict[str, Any]] = []
        self.edges: list[dict[str, Any]] = []

    def add(self, node_id: str, node_type: str, params: dict[str, Any], **ports: str) -> str:
        assert all(n["id"] != node_id for n in self.nodes), node_id
        self.nodes.append({"id": node_id, "type": node_type, "params": params})
        for port, source in ports.items():
            edge = {"source": source, "target": node_id}
            if port != "in":
                edge["target_port"] = port
            self.edges.append(edge)
        return node_id

    def read(self, table: str) -> str:
        return self.add(table, "read_files", {"path": f"${{data}}/{table}.parquet", "format": "parquet"})

    def filter(self, node_id: str, source: str, condition: str) -> str:
        return self.add(node_id, "filter", {"condition": condition}, **{"in": source})

    def derive(self, node_id: str, source: str, *columns: tuple[str, str]) -> str:
        params = {"columns": [{"name": n, "expression": e} for n, e in columns]}
        return self.add(node_id, "derived_column", params, **{"in": source})

    def join(self, node_id: str, left: str, right: str, *on: str, how: str = "inner") -> str:
        """`on`: "left_column=right_column" pairs (none for a cross join)."""
        pairs = [dict(zip(("left", "right"), pair.split("="), strict=True)) for pair in on]
        params: dict[str, Any] = {"how": how, **({"on": pairs} if pairs else {})}
        return self.add(node_id, "join", params, left=left, right=right)

    def aggregate(self, node_id: str, source: str, group_by: list[str], *aggs: str) -> str:
        """`aggs`: "sum(col) as alias", "count(*) as alias", "count_distinct(col) as alias", ..."""
        params: dict[str, Any] = {"aggregations": [_function(text) for text in aggs]}
        if group_by:
            params["group_by"] = group_by
        return self.add(node_id, "aggregate", params, **{"in": source})

    def over(self, node_id: str, source: str, partition_by: list[str], *functions: str) -> str:
        """A window node of whole-partition aggregates (SQL's `min(col) OVER (PARTITION BY ...)`).

        `functions`: "min(col) as alias", as for aggregate; each adds a column to every row.
        """
        params = {"partition_by": partition_by, "functions": [_function(text) for text in functions]}
        return self.add(node_id, "window", params, **{"in": source})

    def sort(self, node_id: str, source: str, *keys: str) -> str:
        """`keys`: column names, "-name" for descending."""
        by = [{"column": k[1:], "descending": True} if k.startswith("-") else {"column": k} for k in keys]
        return self.add(node_id, "sort", {"by": by}, **{"in": source})

    def limit(self, node_id: str, source: str, n: int) -> str:
        return self.add(node_id, "limit", {"n": n}, **{"in": source})

    def select(self, node_id: str, source: str, *columns: str) -> str:
        return self.add(node_id, "select_columns", {"columns": list(columns)}, **{"in": source})

    def rename(self, node_id: str, source: str, **mapping: str) -> str:
        return self.add(node_id, "rename_columns", {"mapping": mapping}, **{"in": source})

    def write(self, source: str) -> None:
        self.add("write", "write_files", {"path": "${out}", "mode": "overwrite"}, **{"in": source})

    def document(self) -> dict[str, Any]:
        return {"format": "glueweb.graph/1", "parameters": self.parameters, "nodes": self.nodes, "edges": self.edges}


REVENUE = ("revenue", "l_extendedprice * (1 - l_discount)")


def q01() -> Graph:
    g = Graph("q01")
    g.filter("shipped", g.read("lineitem"), "l_shipdate <= DATE '1998-09-02'")
    g.derive("prices", "shipped", ("disc_price", "l_extendedprice * (1 - l_discount)"),
             ("charge", "l_extendedprice * (1 - l_discount) * (1 + l_tax)"))  # fmt: skip
    g.aggregate("summary", "prices", ["l_returnflag", "l_linestatus"],
                "sum(l_quantity) as sum_qty", "sum(l_extendedprice) as sum_base_price",
                "sum(disc_price) as sum_disc_price", "sum(charge) as sum_charge",
                "mean(l_quantity) as avg_qty", "mean(l_extendedprice) as avg_price",
                "mean(l_discount) as avg_disc", "count(*) as count_order")  # fmt: skip
    g.write(g.sort("ordered", "summary", "l_returnflag", "l_linestatus"))
    return g


def q02() -> Graph:
    g = Graph("q02")
    g.filter("brass", g.read("part"), "p_size = 15 AND p_type LIKE '%BRASS'")
    g.join("brass_offers", "brass", g.read("partsupp"), "p_partkey=ps_partkey")
    g.join("with_suppliers", "brass_offers", g.read("supplier"), "ps_suppkey=s_suppkey")
    g.join("with_nations", "with_suppliers", g.read("nation"), "s_nationkey=n_nationkey")
    g.filter("europe", g.read("region"), "r_name = 'EUROPE'")
    g.join("eu_offers", "with_nations", "europe", "n_regionkey=r_regionkey")
    g.over("cheapest", "eu_offers", ["p_partkey"], "min(ps_supplycost) as min_cost")
    g.filter("best_offers", "cheapest", "ps_supplycost = min_cost")
    g.select("columns", "best_offers",
             "s_acctbal", "s_name", "n_name", "p_partkey", "p_mfgr", "s_address", "s_phone", "s_comment")  # fmt: skip
    g.sort("ordered", "columns", "-s_acctbal", "n_name", "s_name", "p_partkey")
    g.write(g.limit("top", "ordered", 100))
    return g


def q03() -> Graph:
    g = Graph("q03")
    g.filter("building", g.read("customer"), "c_mktsegment = 'BUILDING'")
    g.filter("early", g.read("orders"), "o_orderdate < DATE '1995-03-15'")
    g.filter("late", g.read("lineitem"), "l_shipdate > DATE '1995-03-15'")
    g.join("cust_orders", "building", "early", "c_custkey=o_custkey")
    g.join("with_lines", "cust_orders", "late", "o_orderkey=l_orderkey")
    g.derive("revenue", "with_lines", REVENUE)
    g.aggregate("by_order", "revenue", ["o_orderkey", "o_orderdate", "o_shippriority"], "sum(revenue) as revenue")
    g.select("columns", "by_order", "o_orderkey", "revenue", "o_orderdate", "o_shippriority")
    g.sort("ordered", "columns", "-revenue", "o_orderdate")
    g.write(g.limit("top", "ordered", 10))
    return g


def q04() -> Graph:
    g = Graph("q04")
    g.filter("quarter", g.read("orders"), "o_orderdate >= DATE '1993-07-01' AND o_orderdate < DATE '1993-10-01'")
    g.filter("late_lines", g.read("lineitem"), "l_commitdate < l_receiptdate")
    g.join("with_late_line", "quarter", "late_lines", "o_orderkey=l_orderkey", how="semi")
    g.aggregate("by_priority", "with_late_line", ["o_orderpriority"], "count(*) as order_count")
    g.write(g.sort("ordered", "by_priority", "o_orderpriority"))
    return g


def q05() -> Graph:
    g = Graph("q05")
    g.filter("asia", g.read("region"), "r_name = 'ASIA'")
    g.join("asian_nations", "asia", g.read("nation"), "r_regionkey=n_regionkey")
    g.join("asian_customers", "asian_nations", g.read("customer"), "n_nationkey=c_nationkey")
    g.filter("year", g.read("orders"), "o_orderdate >= DATE '1994-01-01' AND o_orderdate < DATE '1995-01-01'")
    g.join("with_orders", "asian_customers", "year", "c_custkey=o_custkey")
    g.join("with_lines", "with_orders", g.read("lineitem"), "o_orderkey=l_orderkey")
    g.join("local", "with_lines", g.read("supplier"), "l_suppkey=s_suppkey", "n_nationkey=s_nationkey")
    g.derive("revenue", "local", REVENUE)
    g.aggregate("by_nation", "revenue", ["n_name"], "sum(revenue) as revenue")
    g.write(g.sort("ordered", "by_nation", "-revenue"))
    return g


def q06() -> Graph:
    g = Graph("q06")
    g.filter("selected", g.read("lineitem"),
             "l_shipdate >= DATE '1994-01-01' AND l_shipdate < DATE '1995-01-01' "
             "AND l_discount BETWEEN 0.05 AND 0.07 AND l_quantity < 24")  # fmt: skip
    g.derive("gain", "selected", ("gain", "l_extendedprice * l_discount"))
    g.write(g.aggregate("total", "gain", [], "sum(gain) as revenue"))
    return g


def q07() -> Graph:
    g = Graph("q07")
    g.filter("two_nations", g.read("nation"), "n_name IN ('FRANCE', 'GERMANY')")
    g.rename("supp_nation", "two_nations", n_nationkey="supp_nationkey", n_name="supp_nation")
    g.rename("cust_nation", "two_nations", n_nationkey="cust_nationkey", n_name="cust_nation")
    g.join("suppliers", "supp_nation", g.read("supplier"), "supp_nationkey=s_nationkey")
    g.join("customers", "cust_nation", g.read("customer"), "cust_nationkey=c_nationkey")
    g.filter("shipped", g.read("lineitem"), "l_shipdate BETWEEN DATE '1995-01-01' AND DATE '1996-12-31'")
    g.join("supp_lines", "shipped", "suppliers", "l_suppkey=s_suppkey")
    g.join("with_orders", "supp_lines", g.read("orders"), "l_orderkey=o_orderkey")
    g.join("with_customers", "with_orders", "customers", "o_custkey=c_custkey")
    g.filter("pairs", "with_customers",
             "(supp_nation = 'FRANCE' AND cust_nation = 'GERMANY') "
             "OR (supp_nation = 'GERMANY' AND cust_nation = 'FRANCE')")  # fmt: skip
    g.derive("volume", "pairs", ("l_year", "EXTRACT(YEAR FROM l_shipdate)"), ("volume", REVENUE[1]))
    g.aggregate("shipping", "volume", ["supp_nation", "cust_nation", "l_year"], "sum(volume) as revenue")
    g.write(g.sort("ordered", "shipping", "supp_nation", "cust_nation", "l_year"))
    return g


def q08() -> Graph:
    g = Graph("q08")
    g.filter("america", g.read("region"), "r_name = 'AMERICA'")
    g.join("american_nations", "america", g.read("nation"), "r_regionkey=n_regionkey")
    g.select("american_keys", "american_nations", "n_nationkey")
    g.join("american_customers", "american_keys", g.read("customer"), "n_nationkey=c_nationkey")
    g.filter("two_years", g.read("orders"), "o_orderdate BETWEEN DATE '1995-01-01' AND DATE '1996-12-31'")
    g.join("american_orders", "american_customers", "two_years", "c_custkey=o_custkey")
    g.filter("steel", g.read("part"), "p_type = 'ECONOMY ANODIZED STEEL'")
    g.join("steel_lines", "steel", g.read("lineitem"), "p_partkey=l_partkey")
    g.join("with_orders", "steel_lines", "american_orders", "l_orderkey=o_orderkey")
    g.join("with_suppliers", "with_orders", g.read("supplier"), "l_suppkey=s_suppkey")
    g.rename("supp_nation", "nation", n_nationkey="supp_nationkey", n_name="nation")
    g.join("with_nation", "with_suppliers", "supp_nation", "s_nationkey=supp_nationkey")
    g.derive("volume", "with_nation", ("o_year", "EXTRACT(YEAR FROM o_orderdate)"), ("volume", REVENUE[1]),
             ("brazil_volume", "CASE WHEN nation = 'BRAZIL' THEN volume ELSE 0 END"))  # fmt: skip
    g.aggregate("by_year", "volume", ["o_year"], "sum(brazil_volume) as brazil", "sum(volume) as total")
    g.derive("share", "by_year", ("mkt_share", "brazil / total"))
    g.select("columns", "share", "o_year", "mkt_share")
    g.write(g.sort("ordered", "columns", "o_year"))
    return g


def q09() -> Graph:
    g = Graph("q09")
    g.filter("green", g.read("part"), "p_name LIKE '%green%'")
    g.join("green_lines", "green", g.read("lineitem"), "p_partkey=l_partkey")
    g.join("with_offers", "green_lines", g.read("partsupp"), "l_suppkey=ps_suppkey", "p_partkey=ps_partkey")
    g.join("with_suppliers", "with_offers", g.read("supplier"), "l_suppkey=s_suppkey")
    g.join("with_orders", "with_suppliers", g.read("orders"), "l_orderkey=o_orderkey")
    g.join("with_nation", "with_orders", g.read("nation"), "s_nationkey=n_nationkey")
    g.derive("profit", "with_nation", ("nation", "n_name"), ("o_year", "EXTRACT(YEAR FROM o_orderdate)"),
             ("amount", "l_extendedprice * (1 - l_discount) - ps_supplycost * l_quantity"))  # fmt: skip
    g.aggregate("by_year", "profit", ["nation", "o_year"], "sum(amount) as sum_profit")
    g.write(g.sort("ordered", "by_year", "nation", "-o_year"))
    return g


def q10() -> Graph:
    g = Graph("q10")
    g.filter("quarter", g.read("orders"), "o_orderdate >= DATE '1993-10-01' AND o_orderdate < DATE '1994-01-01'")
    g.filter("returned", g.read("lineitem"), "l_returnflag = 'R'")
    g.join("cust_orders", g.read("customer"), "quarter", "c_custkey=o_custkey")
    g.join("with_lines", "cust_orders", "returned", "o_orderkey=l_orderkey")
    g.join("with_nation", "with_lines", g.read("nation"), "c_nationkey=n_nationkey")
    g.derive("revenue", "with_nation", REVENUE)
    g.aggregate("by_customer", "revenue",
                ["c_custkey", "c_name", "c_acctbal", "c_phone", "n_name", "c_address", "c_comment"],
                "sum(revenue) as revenue")  # fmt: skip
    g.select("columns", "by_customer",
             "c_custkey", "c_name", "revenue", "c_acctbal", "n_name", "c_address", "c_phone", "c_comment")  # fmt: skip
    g.sort("ordered", "columns", "-revenue")
    g.write(g.limit("top", "ordered", 20))
    return g


def q11() -> Graph:
    g = Graph("q11", {"name": "fraction", "type": "number", "default": 0.0001})
    g.filter("germany", g.read("nation"), "n_name = 'GERMANY'")
    g.join("german_suppliers", "germany", g.read("supplier"), "n_nationkey=s_nationkey")
    g.join("german_stock", "german_suppliers", g.read("partsupp"), "s_suppkey=ps_suppkey")
    g.derive("stock_value", "german_stock", ("value", "ps_supplycost * ps_availqty"))
    g.aggregate("by_part", "stock_value", ["ps_partkey"], "sum(value) as value")
    g.aggregate("total", "stock_value", [], "sum(value) as total")
    g.join("with_total", "by_part", "total", how="cross")
    g.filter("important", "with_total", "value > total * ${fraction}")
    g.select("columns", "important", "ps_partkey", "value")
    g.write(g.sort("ordered", "columns", "-value"))
    return g


def q12() -> Graph:
    g = Graph("q12")
    g.filter("received", g.read("lineitem"),
             "l_shipmode IN ('MAIL', 'SHIP') AND l_commitdate < l_receiptdate AND l_shipdate < l_commitdate "
             "AND l_receiptdate >= DATE '1994-01-01' AND l_receiptdate < DATE '1995-01-01'")  # fmt: skip
    g.join("with_orders", "received", g.read("orders"), "l_orderkey=o_orderkey")
    g.derive("priority", "with_orders",
             ("high", "CASE WHEN o_orderpriority IN ('1-URGENT', '2-HIGH') THEN 1 ELSE 0 END"),
             ("low", "CASE WHEN o_orderpriority NOT IN ('1-URGENT', '2-HIGH') THEN 1 ELSE 0 END"))  # fmt: skip
    g.aggregate("by_mode", "priority", ["l_shipmode"], "sum(high) as high_line_count", "sum(low) as low_line_count")
    g.write(g.sort("ordered", "by_mode", "l_shipmode"))
    return g


def q13() -> Graph:
    g = Graph("q13")
    g.filter("ordinary", g.read("orders"), "o_comment NOT LIKE '%special%requests%'")
    g.join("cust_orders", g.read("customer"), "ordinary", "c_custkey=o_custkey", how="left")
    g.aggregate("per_customer", "cust_orders", ["c_custkey"], "count(o_orderkey) as c_count")
    g.aggregate("distribution", "per_customer", ["c_count"], "count(*) as custdist")
    g.write(g.sort("ordered", "distribution", "-custdist", "-c_count"))
    return g


def q14() -> Graph:
    g = Graph("q14")
    g.filter("month", g.read("lineitem"), "l_shipdate >= DATE '1995-09-01' AND l_shipdate < DATE '1995-10-01'")
    g.join("with_parts", "month", g.read("part"), "l_partkey=p_partkey")
    g.derive("revenue", "with_parts", REVENUE,
             ("promo", "CASE WHEN p_type LIKE 'PROMO%' THEN revenue ELSE 0 END"))  # fmt: skip
    g.aggregate("sums", "revenue", [], "sum(promo) as promo", "sum(revenue) as revenue")
    g.derive("share", "sums", ("promo_revenue", "100.00 * promo / revenue"))
    g.write(g.select("columns", "share", "promo_revenue"))
    return g


def q15() -> Graph:
    g = Graph("q15")
    g.filter("quarter", g.read("lineitem"), "l_shipdate >= DATE '1996-01-01' AND l_shipdate < DATE '1996-04-01'")
    g.derive("revenue", "quarter", REVENUE)
    g.aggregate("by_supplier", "revenue", ["l_suppkey"], "sum(revenue) as total_revenue")
    g.aggregate("best", "by_supplier", [], "max(total_revenue) as max_revenue")
    g.join("top_suppliers", "by_supplier", "best", "total_revenue=max_revenue")
    g.join("with_suppliers", g.read("supplier"), "top_suppliers", "s_suppkey=l_suppkey")
    g.select("columns", "with_suppliers", "s_suppkey", "s_name", "s_address", "s_phone", "total_revenue")
    g.write(g.sort("ordered", "columns", "s_suppkey"))
    return g


def q16() -> Graph:
    g = Graph("q16")
    g.filter("parts", g.read("part"),
             "p_brand <> 'Brand#45' AND p_type NOT LIKE 'MEDIUM POLISHED%' "
             "AND p_size IN (49, 14, 23, 45, 19, 3, 36, 9)")  # fmt: skip
    g.filter("complaints", g.read("supplier"), "s_comment LIKE '%Customer%Complaints%'")
    g.join("offers", "parts", g.read("partsupp"), "p_partkey=ps_partkey")
    g.join("good_offers", "offers", "complaints", "ps_suppkey=s_suppkey", how="anti")
    g.aggregate("by_kind", "good_offers", ["p_brand", "p_type", "p_size"],
                "count_distinct(ps_suppkey) as supplier_cnt")  # fmt: skip
    g.write(g.sort("ordered", "by_kind", "-supplier_cnt", "p_brand", "p_type", "p_size"))
    return g


def q17() -> Graph:
    g = Graph("q17")
    g.filter("parts", g.read("part"), "p_brand = 'Brand#23' AND p_container = 'MED BOX'")
    g.join("part_lines", "parts", g.read("lineitem"), "p_partkey=l_partkey")
    g.over("with_avg", "part_lines", ["p_partkey"], "mean(l_quantity) as avg_quantity")
    g.filter("small", "with_avg", "l_quantity < 0.2 * avg_quantity")
    g.aggregate("total", "small", [], "sum(l_extendedprice) as total")
    g.derive("yearly", "total", ("avg_yearly", "total / 7.0"))
    g.write(g.select("columns", "yearly", "avg_yearly"))
    return g


def q18() -> Graph:
    g = Graph("q18")
    g.aggregate("per_order", g.read("lineitem"), ["l_orderkey"], "sum(l_quantity) as sum_quantity")
    g.filter("large", "per_order", "sum_quantity > 300")
    g.join("large_orders", g.read("orders"), "large", "o_orderkey=l_orderkey")
    g.join("with_customers", g.read("customer"), "large_orders", "c_custkey=o_custkey")
    g.select("columns", "with_customers",
             "c_name", "c_custkey", "o_orderkey", "o_orderdate", "o_totalprice", "sum_quantity")  # fmt: skip
    g.sort("ordered", "columns", "-o_totalprice", "o_orderdate")
    g.write(g.limit("top", "ordered", 100))
    return g


def q19() -> Graph:
    g = Graph("q19")
    g.filter("delivered", g.read("lineitem"),
             "l_shipmode IN ('AIR', 'AIR REG') AND l_shipinstruct = 'DELIVER IN PERSON'")  # fmt: skip
    g.join("with_parts", "delivered", g.read("part"), "l_partkey=p_partkey")
    g.filter("selected", "with_parts",
             "(p_brand = 'Brand#12' AND p_container IN ('SM CASE', 'SM BOX', 'SM PACK', 'SM PKG') "
             "AND l_quantity BETWEEN 1 AND 11 AND p_size BETWEEN 1 AND 5) "
             "OR (p_brand = 'Brand#23' AND p_container IN ('MED BAG', 'MED BOX', 'MED PKG', 'MED PACK') "
             "AND l_quantity BETWEEN 10 AND 20 AND p_size BETWEEN 1 AND 10) "
             "OR (p_brand = 'Brand#34' AND p_container IN ('LG CASE', 'LG BOX', 'LG PACK', 'LG PKG') "
             "AND l_quantity BETWEEN 20 AND 30 AND p_size BETWEEN 1 AND 15)")  # fmt: skip
    g.derive("revenue", "selected", REVENUE)
    g.write(g.aggregate("total", "revenue", [], "sum(revenue) as revenue"))
    return g


def q20() -> Graph:
    g = Graph("q20")
    g.filter("year", g.read("lineitem"), "l_shipdate >= DATE '1994-01-01' AND l_shipdate < DATE '1995-01-01'")
    g.aggregate("shipped", "year", ["l_partkey", "l_suppkey"], "sum(l_quantity) as shipped_quantity")
    g.filter("forest", g.read("part"), "p_name LIKE 'forest%'")
    g.join("forest_offers", g.read("partsupp"), "forest", "ps_partkey=p_partkey", how="semi")
    g.join("with_shipped", "forest_offers", "shipped", "ps_partkey=l_partkey", "ps_suppkey=l_suppkey")
    g.filter("excess", "with_shipped", "ps_availqty > 0.5 * shipped_quantity")
    g.filter("canada", g.read("nation"), "n_name = 'CANADA'")
    g.join("canadian_suppliers", g.read("supplier"), "canada", "s_nationkey=n_nationkey", how="semi")
    g.join("candidates", "canadian_suppliers", "excess", "s_suppkey=ps_suppkey", how="semi")
    g.select("columns", "candidates", "s_name", "s_address")
    g.write(g.sort("ordered", "columns", "s_name"))
    return g


def q21() -> Graph:
    g = Graph("q21")
    g.aggregate("suppliers_per_order", g.read("lineitem"), ["l_orderkey"], "count_distinct(l_suppkey) as n_supp")
    g.filter("multi_supplier", "suppliers_per_order", "n_supp > 1")
    g.filter("late", "lineitem", "l_receiptdate > l_commitdate")
    g.aggregate("late_suppliers_per_order", "late", ["l_orderkey"], "count_distinct(l_suppkey) as n_late")
    g.filter("only_late", "late_suppliers_per_order", "n_late = 1")
    g.filter("saudi", g.read("nation"), "n_name = 'SAUDI ARABIA'")
    g.join("saudi_suppliers", g.read("supplier"), "saudi", "s_nationkey=n_nationkey", how="semi")
    g.filter("failed", g.read("orders"), "o_orderstatus = 'F'")
    g.join("saudi_late", "late", "saudi_suppliers", "l_suppkey=s_suppkey")
    g.join("of_failed", "saudi_late", "failed", "l_orderkey=o_orderkey", how="semi")
    g.join("shared", "of_failed", "multi_supplier", "l_orderkey=l_orderkey", how="semi")
    g.join("alone_late", "shared", "only_late", "l_orderkey=l_orderkey", how="semi")
    g.aggregate("by_supplier", "alone_late", ["s_name"], "count(*) as numwait")
    g.sort("ordered", "by_supplier", "-numwait", "s_name")
    g.write(g.limit("top", "ordered", 100))
    return g


def q22() -> Graph:
    g = Graph("q22")
    g.derive("codes", g.read("customer"), ("cntrycode", "SUBSTR(c_phone, 1, 2)"))
    g.filter("countries", "codes", "cntrycode IN ('13', '31', '23', '29', '30', '18', '17')")
    g.filter("positive", "countries", "c_acctbal > 0.00")
    g.aggregate("average", "positive", [], "mean(c_acctbal) as avg_acctbal")
    g.join("no_orders", "countries", g.read("orders"), "c_custkey=o_custkey", how="anti")
    g.join("with_average", "no_orders", "average", how="cross")
    g.filter("rich", "with_average", "c_acctbal > avg_acctbal")
    g.aggregate("by_country", "rich", ["cntrycode"], "count(*) as numcust", "sum(c_acctbal) as totacctbal")
    g.write(g.sort("ordered", "by_country", "cntrycode"))
    return g


QUERIES = [q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11,
           q12, q13, q14, q15, q16, q17, q18, q19, q20, q21, q22]  # fmt: skip


def compact(document: dict[str, Any]) -> str:
    """JSON with one parameter, node or edge per line: short enough to read, easy to diff."""

    def value(v: Any) -> str:
        if not isinstance(v, list):
            return json.dumps(v)
        return "[\n" + ",\n".join(f"    {json.dumps(item)}" for item in v) + "\n  ]"

    return "{\n" + ",\n".join(f"  {json.dumps(k)}: {value(v)}" for k, v in document.items()) + "\n}\n"


def main() -> None:
    HERE.mkdir(exist_ok=True)
    for build in QUERIES:
        graph = build()
        document = graph.document()
        text = compact(document)
        assert json.loads(text) == document
        (HERE / f"{graph.query}.json").write_text(text)
    print(f"wrote {len(QUERIES)} graphs to {HERE}")


if __name__ == "__main__":
    main()
