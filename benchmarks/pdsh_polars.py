"""The 22 PDS-H queries written by hand in Polars: what the glueweb graphs are measured against.

Each function takes the data folder and returns the query as a LazyFrame with
the same columns as the graph's output. Products of prices are computed in
floating point: Polars' `*` on two decimals keeps the operands' scale and rounds
each product, where SQL (and so glueweb) keeps the exact product; floats agree
with both within the comparison's tolerance.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import polars as pl


def F(name: str) -> pl.Expr:
    return pl.col(name).cast(pl.Float64)


REVENUE = F("l_extendedprice") * (1 - F("l_discount"))


class Tables:
    """Lazy scans of the TPC-H tables in one folder: `t.lineitem`, `t.orders`, ..."""

    def __init__(self, data: Path, fraction: float) -> None:
        self.data = data
        self.fraction = fraction  # Q11's threshold, 0.0001 / scale factor

    def __getattr__(self, table: str) -> pl.LazyFrame:
        return pl.scan_parquet(self.data / f"{table}.parquet")


def q01(t: Tables) -> pl.LazyFrame:
    return (
        t.lineitem.filter(pl.col("l_shipdate") <= date(1998, 9, 2))
        .group_by("l_returnflag", "l_linestatus")
        .agg(
            pl.col("l_quantity").sum().alias("sum_qty"),
            pl.col("l_extendedprice").sum().alias("sum_base_price"),
            REVENUE.sum().alias("sum_disc_price"),
            (REVENUE * (1 + F("l_tax"))).sum().alias("sum_charge"),
            F("l_quantity").mean().alias("avg_qty"),
            F("l_extendedprice").mean().alias("avg_price"),
            F("l_discount").mean().alias("avg_disc"),
            pl.len().alias("count_order"),
        )
        .sort("l_returnflag", "l_linestatus")
    )


def q02(t: Tables) -> pl.LazyFrame:
    offers = (
        t.part.filter(pl.col("p_size") == 15, pl.col("p_type").str.ends_with("BRASS"))
        .join(t.partsupp, left_on="p_partkey", right_on="ps_partkey")
        .join(t.supplier, left_on="ps_suppkey", right_on="s_suppkey")
        .join(t.nation, left_on="s_nationkey", right_on="n_nationkey")
        .join(t.region.filter(pl.col("r_name") == "EUROPE"), left_on="n_regionkey", right_on="r_regionkey")
    )
    return (
        offers.filter(pl.col("ps_supplycost") == pl.col("ps_supplycost").min().over("p_partkey"))
        .select("s_acctbal", "s_name", "n_name", "p_partkey", "p_mfgr", "s_address", "s_phone", "s_comment")
        .sort(["s_acctbal", "n_name", "s_name", "p_partkey"], descending=[True, False, False, False])
        .head(100)
    )


def q03(t: Tables) -> pl.LazyFrame:
    return (
        t.customer.filter(pl.col("c_mktsegment") == "BUILDING")
        .join(t.orders.filter(pl.col("o_orderdate") < date(1995, 3, 15)), left_on="c_custkey", right_on="o_custkey")
        .join(t.lineitem.filter(pl.col("l_shipdate") > date(1995, 3, 15)), left_on="o_orderkey", right_on="l_orderkey")
        .group_by("o_orderkey", "o_orderdate", "o_shippriority")
        .agg(REVENUE.sum().alias("revenue"))
        .select("o_orderkey", "revenue", "o_orderdate", "o_shippriority")
        .sort(["revenue", "o_orderdate"], descending=[True, False])
        .head(10)
    )


def q04(t: Tables) -> pl.LazyFrame:
    late = t.lineitem.filter(pl.col("l_commitdate") < pl.col("l_receiptdate"))
    return (
        t.orders.filter(pl.col("o_orderdate").is_between(date(1993, 7, 1), date(1993, 10, 1), closed="left"))
        .join(late, left_on="o_orderkey", right_on="l_orderkey", how="semi")
        .group_by("o_orderpriority")
        .agg(pl.len().alias("order_count"))
        .sort("o_orderpriority")
    )


def q05(t: Tables) -> pl.LazyFrame:
    return (
        t.region.filter(pl.col("r_name") == "ASIA")
        .join(t.nation, left_on="r_regionkey", right_on="n_regionkey")
        .join(t.customer, left_on="n_nationkey", right_on="c_nationkey")
        .join(
            t.orders.filter(pl.col("o_orderdate").is_between(date(1994, 1, 1), date(1995, 1, 1), closed="left")),
            left_on="c_custkey",
            right_on="o_custkey",
        )
        .join(t.lineitem, left_on="o_orderkey", right_on="l_orderkey")
        .join(t.supplier, left_on=["l_suppkey", "n_nationkey"], right_on=["s_suppkey", "s_nationkey"])
        .group_by("n_name")
        .agg(REVENUE.sum().alias("revenue"))
        .sort("revenue", descending=True)
    )


def q06(t: Tables) -> pl.LazyFrame:
    return t.lineitem.filter(
        pl.col("l_shipdate").is_between(date(1994, 1, 1), date(1995, 1, 1), closed="left"),
        pl.col("l_discount").is_between(0.05, 0.07),
        pl.col("l_quantity") < 24,
    ).select((F("l_extendedprice") * F("l_discount")).sum().alias("revenue"))


def q07(t: Tables) -> pl.LazyFrame:
    nations = t.nation.filter(pl.col("n_name").is_in(["FRANCE", "GERMANY"]))
    suppliers = t.supplier.join(nations.select("n_nationkey", supp_nation="n_name"),
                                left_on="s_nationkey", right_on="n_nationkey")  # fmt: skip
    customers = t.customer.join(nations.select("n_nationkey", cust_nation="n_name"),
                                left_on="c_nationkey", right_on="n_nationkey")  # fmt: skip
    return (
        t.lineitem.filter(pl.col("l_shipdate").is_between(date(1995, 1, 1), date(1996, 12, 31)))
        .join(suppliers, left_on="l_suppkey", right_on="s_suppkey")
        .join(t.orders, left_on="l_orderkey", right_on="o_orderkey")
        .join(customers, left_on="o_custkey", right_on="c_custkey")
        .filter(pl.col("supp_nation") != pl.col("cust_nation"))
        .group_by("supp_nation", "cust_nation", pl.col("l_shipdate").dt.year().alias("l_year"))
        .agg(REVENUE.sum().alias("revenue"))
        .sort("supp_nation", "cust_nation", "l_year")
    )


def q08(t: Tables) -> pl.LazyFrame:
    american = (
        t.region.filter(pl.col("r_name") == "AMERICA")
        .join(t.nation, left_on="r_regionkey", right_on="n_regionkey")
        .select("n_nationkey")
    )
    return (
        t.part.filter(pl.col("p_type") == "ECONOMY ANODIZED STEEL")
        .join(t.lineitem, left_on="p_partkey", right_on="l_partkey")
        .join(
            t.orders.filter(pl.col("o_orderdate").is_between(date(1995, 1, 1), date(1996, 12, 31))),
            left_on="l_orderkey",
            right_on="o_orderkey",
        )
        .join(
            t.customer.join(american, left_on="c_nationkey", right_on="n_nationkey", how="semi"),
            left_on="o_custkey",
            right_on="c_custkey",
        )
        .join(t.supplier, left_on="l_suppkey", right_on="s_suppkey")
        .join(t.nation.select("n_nationkey", nation="n_name"), left_on="s_nationkey", right_on="n_nationkey")
        .with_columns(REVENUE.alias("volume"))
        .group_by(pl.col("o_orderdate").dt.year().alias("o_year"))
        .agg((pl.col("volume").filter(pl.col("nation") == "BRAZIL").sum() / pl.col("volume").sum()).alias("mkt_share"))
        .sort("o_year")
    )


def q09(t: Tables) -> pl.LazyFrame:
    return (
        t.part.filter(pl.col("p_name").str.contains("green", literal=True))
        .join(t.lineitem, left_on="p_partkey", right_on="l_partkey")
        .join(t.partsupp, left_on=["l_suppkey", "p_partkey"], right_on=["ps_suppkey", "ps_partkey"])
        .join(t.supplier, left_on="l_suppkey", right_on="s_suppkey")
        .join(t.orders, left_on="l_orderkey", right_on="o_orderkey")
        .join(t.nation, left_on="s_nationkey", right_on="n_nationkey")
        .group_by(pl.col("n_name").alias("nation"), pl.col("o_orderdate").dt.year().alias("o_year"))
        .agg((REVENUE - F("ps_supplycost") * F("l_quantity")).sum().alias("sum_profit"))
        .sort(["nation", "o_year"], descending=[False, True])
    )


def q10(t: Tables) -> pl.LazyFrame:
    return (
        t.customer.join(
            t.orders.filter(pl.col("o_orderdate").is_between(date(1993, 10, 1), date(1994, 1, 1), closed="left")),
            left_on="c_custkey",
            right_on="o_custkey",
        )
        .join(t.lineitem.filter(pl.col("l_returnflag") == "R"), left_on="o_orderkey", right_on="l_orderkey")
        .join(t.nation, left_on="c_nationkey", right_on="n_nationkey")
        .group_by("c_custkey", "c_name", "c_acctbal", "c_phone", "n_name", "c_address", "c_comment")
        .agg(REVENUE.sum().alias("revenue"))
        .select("c_custkey", "c_name", "revenue", "c_acctbal", "n_name", "c_address", "c_phone", "c_comment")
        .sort("revenue", descending=True)
        .head(20)
    )


def q11(t: Tables) -> pl.LazyFrame:
    stock = (
        t.nation.filter(pl.col("n_name") == "GERMANY")
        .join(t.supplier, left_on="n_nationkey", right_on="s_nationkey")
        .join(t.partsupp, left_on="s_suppkey", right_on="ps_suppkey")
        .with_columns((F("ps_supplycost") * pl.col("ps_availqty")).alias("value"))
    )
    threshold = stock.select((pl.col("value").sum() * t.fraction).alias("threshold"))
    return (
        stock.group_by("ps_partkey")
        .agg(pl.col("value").sum())
        .join(threshold, how="cross")
        .filter(pl.col("value") > pl.col("threshold"))
        .select("ps_partkey", "value")
        .sort("value", descending=True)
    )


def q12(t: Tables) -> pl.LazyFrame:
    urgent = pl.col("o_orderpriority").is_in(["1-URGENT", "2-HIGH"])
    return (
        t.lineitem.filter(
            pl.col("l_shipmode").is_in(["MAIL", "SHIP"]),
            pl.col("l_commitdate") < pl.col("l_receiptdate"),
            pl.col("l_shipdate") < pl.col("l_commitdate"),
            pl.col("l_receiptdate").is_between(date(1994, 1, 1), date(1995, 1, 1), closed="left"),
        )
        .join(t.orders, left_on="l_orderkey", right_on="o_orderkey")
        .group_by("l_shipmode")
        .agg(
            urgent.sum().cast(pl.Int64).alias("high_line_count"), (~urgent).sum().cast(pl.Int64).alias("low_line_count")
        )
        .sort("l_shipmode")
    )


def q13(t: Tables) -> pl.LazyFrame:
    orders = t.orders.filter(~pl.col("o_comment").str.contains("special.*requests"))
    return (
        t.customer.join(orders, left_on="c_custkey", right_on="o_custkey", how="left")
        .group_by("c_custkey")
        .agg(pl.col("o_orderkey").count().alias("c_count"))
        .group_by("c_count")
        .agg(pl.len().alias("custdist"))
        .sort(["custdist", "c_count"], descending=True)
    )


def q14(t: Tables) -> pl.LazyFrame:
    return (
        t.lineitem.filter(pl.col("l_shipdate").is_between(date(1995, 9, 1), date(1995, 10, 1), closed="left"))
        .join(t.part, left_on="l_partkey", right_on="p_partkey")
        .select(
            (100 * REVENUE.filter(pl.col("p_type").str.starts_with("PROMO")).sum() / REVENUE.sum()).alias(
                "promo_revenue"
            )
        )
    )


def q15(t: Tables) -> pl.LazyFrame:
    revenue = (
        t.lineitem.filter(pl.col("l_shipdate").is_between(date(1996, 1, 1), date(1996, 4, 1), closed="left"))
        .group_by("l_suppkey")
        .agg(REVENUE.sum().alias("total_revenue"))
    )
    return (
        t.supplier.join(revenue, left_on="s_suppkey", right_on="l_suppkey")
        .filter(pl.col("total_revenue") == pl.col("total_revenue").max())
        .select("s_suppkey", "s_name", "s_address", "s_phone", "total_revenue")
        .sort("s_suppkey")
    )


def q16(t: Tables) -> pl.LazyFrame:
    complaints = t.supplier.filter(pl.col("s_comment").str.contains("Customer.*Complaints"))
    return (
        t.part.filter(
            pl.col("p_brand") != "Brand#45",
            ~pl.col("p_type").str.starts_with("MEDIUM POLISHED"),
            pl.col("p_size").is_in([49, 14, 23, 45, 19, 3, 36, 9]),
        )
        .join(t.partsupp, left_on="p_partkey", right_on="ps_partkey")
        .join(complaints, left_on="ps_suppkey", right_on="s_suppkey", how="anti")
        .group_by("p_brand", "p_type", "p_size")
        .agg(pl.col("ps_suppkey").n_unique().alias("supplier_cnt"))
        .sort(["supplier_cnt", "p_brand", "p_type", "p_size"], descending=[True, False, False, False])
    )


def q17(t: Tables) -> pl.LazyFrame:
    return (
        t.part.filter(pl.col("p_brand") == "Brand#23", pl.col("p_container") == "MED BOX")
        .join(t.lineitem, left_on="p_partkey", right_on="l_partkey")
        .filter(F("l_quantity") < 0.2 * F("l_quantity").mean().over("p_partkey"))
        .select((F("l_extendedprice").sum() / 7.0).alias("avg_yearly"))
    )


def q18(t: Tables) -> pl.LazyFrame:
    large = (
        t.lineitem.group_by("l_orderkey")
        .agg(pl.col("l_quantity").sum().alias("sum_quantity"))
        .filter(pl.col("sum_quantity") > 300)
    )
    return (
        t.orders.join(large, left_on="o_orderkey", right_on="l_orderkey")
        .join(t.customer, left_on="o_custkey", right_on="c_custkey")
        .select(
            "c_name",
            pl.col("o_custkey").alias("c_custkey"),
            "o_orderkey",
            "o_orderdate",
            "o_totalprice",
            "sum_quantity",
        )
        .sort(["o_totalprice", "o_orderdate"], descending=[True, False])
        .head(100)
    )


def q19(t: Tables) -> pl.LazyFrame:
    def case(brand: str, size: str, low: int) -> pl.Expr:
        containers = [
            f"{size} {c}" for c in (("CASE", "BOX", "PACK", "PKG") if size != "MED" else ("BAG", "BOX", "PKG", "PACK"))
        ]
        return (
            (pl.col("p_brand") == brand)
            & pl.col("p_container").is_in(containers)
            & pl.col("l_quantity").is_between(low, low + 10)
            & pl.col("p_size").is_between(1, {"SM": 5, "MED": 10, "LG": 15}[size])
        )

    return (
        t.lineitem.filter(
            pl.col("l_shipmode").is_in(["AIR", "AIR REG"]), pl.col("l_shipinstruct") == "DELIVER IN PERSON"
        )
        .join(t.part, left_on="l_partkey", right_on="p_partkey")
        .filter(case("Brand#12", "SM", 1) | case("Brand#23", "MED", 10) | case("Brand#34", "LG", 20))
        .select(REVENUE.sum().alias("revenue"))
    )


def q20(t: Tables) -> pl.LazyFrame:
    shipped = (
        t.lineitem.filter(pl.col("l_shipdate").is_between(date(1994, 1, 1), date(1995, 1, 1), closed="left"))
        .group_by("l_partkey", "l_suppkey")
        .agg(pl.col("l_quantity").sum().alias("shipped_quantity"))
    )
    excess = (
        t.partsupp.join(
            t.part.filter(pl.col("p_name").str.starts_with("forest")),
            left_on="ps_partkey",
            right_on="p_partkey",
            how="semi",
        )
        .join(shipped, left_on=["ps_partkey", "ps_suppkey"], right_on=["l_partkey", "l_suppkey"])
        .filter(pl.col("ps_availqty") > 0.5 * F("shipped_quantity"))
    )
    return (
        t.supplier.join(
            t.nation.filter(pl.col("n_name") == "CANADA"), left_on="s_nationkey", right_on="n_nationkey", how="semi"
        )
        .join(excess, left_on="s_suppkey", right_on="ps_suppkey", how="semi")
        .select("s_name", "s_address")
        .sort("s_name")
    )


def q21(t: Tables) -> pl.LazyFrame:
    late = t.lineitem.filter(pl.col("l_receiptdate") > pl.col("l_commitdate"))
    multi = t.lineitem.group_by("l_orderkey").agg(pl.col("l_suppkey").n_unique().alias("n")).filter(pl.col("n") > 1)
    alone = late.group_by("l_orderkey").agg(pl.col("l_suppkey").n_unique().alias("n")).filter(pl.col("n") == 1)
    saudi = t.supplier.join(t.nation.filter(pl.col("n_name") == "SAUDI ARABIA"),
                            left_on="s_nationkey", right_on="n_nationkey", how="semi")  # fmt: skip
    return (
        late.join(saudi, left_on="l_suppkey", right_on="s_suppkey")
        .join(t.orders.filter(pl.col("o_orderstatus") == "F"), left_on="l_orderkey", right_on="o_orderkey", how="semi")
        .join(multi, on="l_orderkey", how="semi")
        .join(alone, on="l_orderkey", how="semi")
        .group_by("s_name")
        .agg(pl.len().alias("numwait"))
        .sort(["numwait", "s_name"], descending=[True, False])
        .head(100)
    )


def q22(t: Tables) -> pl.LazyFrame:
    customers = t.customer.with_columns(pl.col("c_phone").str.slice(0, 2).alias("cntrycode")).filter(
        pl.col("cntrycode").is_in(["13", "31", "23", "29", "30", "18", "17"])
    )
    average = customers.filter(pl.col("c_acctbal") > 0).select(F("c_acctbal").mean().alias("avg_acctbal"))
    return (
        customers.join(t.orders, left_on="c_custkey", right_on="o_custkey", how="anti")
        .join(average, how="cross")
        .filter(pl.col("c_acctbal") > pl.col("avg_acctbal"))
        .group_by("cntrycode")
        .agg(pl.len().alias("numcust"), pl.col("c_acctbal").sum().alias("totacctbal"))
        .sort("cntrycode")
    )


QUERIES: dict[str, Callable[[Tables], pl.LazyFrame]] = {
    name: globals()[name] for name in (f"q{n:02d}" for n in range(1, 23))
}
