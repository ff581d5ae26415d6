"""The 22 PDS-H queries in pandas, the baseline glueweb should beat by 10x.

Each function takes a `Tables` reader and returns a DataFrame with the same
columns as the graph's output. Decimals are read as float64 and dates as
datetime64. How a table is read is the `Tables` reader's `io`:
  - "whole" (benchmarks/pdsh.py's default): each query reads its tables whole
    into pandas, then picks its columns. This is PDS-H's own pandas method (the
    reference implementation in pola-rs/polars-benchmark reads every table with
    `pd.read_parquet` and times the reads), the pandas that the published PDS-H
    ratios are against.
  - "columns": only the columns the query needs are read: what a pandas user
    who knows Parquet's column pruning writes, and the stronger baseline.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

IO_MODES = ("whole", "columns")


class Tables:
    def __init__(self, data: Path, fraction: float, io: str = "whole") -> None:
        if io not in IO_MODES:
            raise ValueError(f"io must be one of {', '.join(IO_MODES)}, not {io!r}")
        self.data = data
        self.fraction = fraction
        self.io = io

    def read(self, table: str, *columns: str) -> pd.DataFrame:
        arrow = pq.read_table(self.data / f"{table}.parquet", columns=list(columns) if self.io == "columns" else None)
        fields = [pa.field(f.name, pa.float64()) if pa.types.is_decimal(f.type) else f for f in arrow.schema]
        frame = arrow.cast(pa.schema(fields)).to_pandas(date_as_object=False)
        return frame if self.io == "columns" else frame[list(columns)]


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


def revenue(df: pd.DataFrame) -> pd.Series:
    return df["l_extendedprice"] * (1 - df["l_discount"])


def q01(t: Tables) -> pd.DataFrame:
    li = t.read("lineitem", "l_returnflag", "l_linestatus", "l_quantity", "l_extendedprice", "l_discount", "l_tax",
                "l_shipdate")  # fmt: skip
    li = li[li["l_shipdate"] <= ts("1998-09-02")]
    li = li.assign(disc_price=revenue(li), charge=revenue(li) * (1 + li["l_tax"]))
    out = li.groupby(["l_returnflag", "l_linestatus"], as_index=False).agg(
        sum_qty=("l_quantity", "sum"),
        sum_base_price=("l_extendedprice", "sum"),
        sum_disc_price=("disc_price", "sum"),
        sum_charge=("charge", "sum"),
        avg_qty=("l_quantity", "mean"),
        avg_price=("l_extendedprice", "mean"),
        avg_disc=("l_discount", "mean"),
        count_order=("l_quantity", "size"),
    )
    return out.sort_values(["l_returnflag", "l_linestatus"])


def q02(t: Tables) -> pd.DataFrame:
    part = t.read("part", "p_partkey", "p_mfgr", "p_size", "p_type")
    part = part[(part["p_size"] == 15) & part["p_type"].str.endswith("BRASS")]
    region = t.read("region", "r_regionkey", "r_name")
    nation = t.read("nation", "n_nationkey", "n_name", "n_regionkey")
    supplier = t.read("supplier", "s_suppkey", "s_name", "s_address", "s_nationkey", "s_phone", "s_acctbal",
                      "s_comment")  # fmt: skip
    partsupp = t.read("partsupp", "ps_partkey", "ps_suppkey", "ps_supplycost")
    nations = region[region["r_name"] == "EUROPE"].merge(nation, left_on="r_regionkey", right_on="n_regionkey")
    offers = (
        part.merge(partsupp, left_on="p_partkey", right_on="ps_partkey")
        .merge(supplier, left_on="ps_suppkey", right_on="s_suppkey")
        .merge(nations, left_on="s_nationkey", right_on="n_nationkey")
    )
    offers = offers[offers["ps_supplycost"] == offers.groupby("p_partkey")["ps_supplycost"].transform("min")]
    out = offers[["s_acctbal", "s_name", "n_name", "p_partkey", "p_mfgr", "s_address", "s_phone", "s_comment"]]
    return out.sort_values(["s_acctbal", "n_name", "s_name", "p_partkey"], ascending=[False, True, True, True]).head(
        100
    )


def q03(t: Tables) -> pd.DataFrame:
    c = t.read("customer", "c_custkey", "c_mktsegment")
    o = t.read("orders", "o_orderkey", "o_custkey", "o_orderdate", "o_shippriority")
    li = t.read("lineitem", "l_orderkey", "l_extendedprice", "l_discount", "l_shipdate")
    c = c[c["c_mktsegment"] == "BUILDING"]
    o = o[o["o_orderdate"] < ts("1995-03-15")]
    li = li[li["l_shipdate"] > ts("1995-03-15")]
    j = c.merge(o, left_on="c_custkey", right_on="o_custkey").merge(li, left_on="o_orderkey", right_on="l_orderkey")
    j = j.assign(revenue=revenue(j))
    out = j.groupby(["o_orderkey", "o_orderdate", "o_shippriority"], as_index=False)["revenue"].sum()
    out = out[["o_orderkey", "revenue", "o_orderdate", "o_shippriority"]]
    return out.sort_values(["revenue", "o_orderdate"], ascending=[False, True]).head(10)


def q04(t: Tables) -> pd.DataFrame:
    o = t.read("orders", "o_orderkey", "o_orderdate", "o_orderpriority")
    li = t.read("lineitem", "l_orderkey", "l_commitdate", "l_receiptdate")
    o = o[(o["o_orderdate"] >= ts("1993-07-01")) & (o["o_orderdate"] < ts("1993-10-01"))]
    late = li.loc[li["l_commitdate"] < li["l_receiptdate"], "l_orderkey"].unique()
    o = o[o["o_orderkey"].isin(late)]
    out = o.groupby("o_orderpriority", as_index=False).agg(order_count=("o_orderkey", "size"))
    return out.sort_values("o_orderpriority")


def q05(t: Tables) -> pd.DataFrame:
    region = t.read("region", "r_regionkey", "r_name")
    nation = t.read("nation", "n_nationkey", "n_name", "n_regionkey")
    customer = t.read("customer", "c_custkey", "c_nationkey")
    orders = t.read("orders", "o_orderkey", "o_custkey", "o_orderdate")
    lineitem = t.read("lineitem", "l_orderkey", "l_suppkey", "l_extendedprice", "l_discount")
    supplier = t.read("supplier", "s_suppkey", "s_nationkey")
    orders = orders[(orders["o_orderdate"] >= ts("1994-01-01")) & (orders["o_orderdate"] < ts("1995-01-01"))]
    j = (
        region[region["r_name"] == "ASIA"]
        .merge(nation, left_on="r_regionkey", right_on="n_regionkey")
        .merge(customer, left_on="n_nationkey", right_on="c_nationkey")
        .merge(orders, left_on="c_custkey", right_on="o_custkey")
        .merge(lineitem, left_on="o_orderkey", right_on="l_orderkey")
        .merge(supplier, left_on=["l_suppkey", "n_nationkey"], right_on=["s_suppkey", "s_nationkey"])
    )
    j = j.assign(revenue=revenue(j))
    return j.groupby("n_name", as_index=False)["revenue"].sum().sort_values("revenue", ascending=False)


def q06(t: Tables) -> pd.DataFrame:
    li = t.read("lineitem", "l_shipdate", "l_discount", "l_quantity", "l_extendedprice")
    li = li[
        (li["l_shipdate"] >= ts("1994-01-01")) & (li["l_shipdate"] < ts("1995-01-01"))
        & (li["l_discount"] >= 0.05) & (li["l_discount"] <= 0.07) & (li["l_quantity"] < 24)
    ]  # fmt: skip
    return pd.DataFrame({"revenue": [(li["l_extendedprice"] * li["l_discount"]).sum()]})


def q07(t: Tables) -> pd.DataFrame:
    nation = t.read("nation", "n_nationkey", "n_name")
    nation = nation[nation["n_name"].isin(["FRANCE", "GERMANY"])]
    supplier = t.read("supplier", "s_suppkey", "s_nationkey").merge(
        nation.rename(columns={"n_name": "supp_nation"}), left_on="s_nationkey", right_on="n_nationkey"
    )
    customer = t.read("customer", "c_custkey", "c_nationkey").merge(
        nation.rename(columns={"n_name": "cust_nation"}), left_on="c_nationkey", right_on="n_nationkey"
    )
    li = t.read("lineitem", "l_orderkey", "l_suppkey", "l_shipdate", "l_extendedprice", "l_discount")
    li = li[(li["l_shipdate"] >= ts("1995-01-01")) & (li["l_shipdate"] <= ts("1996-12-31"))]
    orders = t.read("orders", "o_orderkey", "o_custkey")
    j = (
        li.merge(supplier, left_on="l_suppkey", right_on="s_suppkey")
        .merge(orders, left_on="l_orderkey", right_on="o_orderkey")
        .merge(customer, left_on="o_custkey", right_on="c_custkey")
    )
    j = j[j["supp_nation"] != j["cust_nation"]]
    j = j.assign(l_year=j["l_shipdate"].dt.year, revenue=revenue(j))
    out = j.groupby(["supp_nation", "cust_nation", "l_year"], as_index=False)["revenue"].sum()
    return out.sort_values(["supp_nation", "cust_nation", "l_year"])


def q08(t: Tables) -> pd.DataFrame:
    region = t.read("region", "r_regionkey", "r_name")
    nation = t.read("nation", "n_nationkey", "n_name", "n_regionkey")
    american = region[region["r_name"] == "AMERICA"].merge(nation, left_on="r_regionkey", right_on="n_regionkey")
    customer = t.read("customer", "c_custkey", "c_nationkey")
    customer = customer[customer["c_nationkey"].isin(american["n_nationkey"])]
    part = t.read("part", "p_partkey", "p_type")
    part = part[part["p_type"] == "ECONOMY ANODIZED STEEL"]
    orders = t.read("orders", "o_orderkey", "o_custkey", "o_orderdate")
    orders = orders[(orders["o_orderdate"] >= ts("1995-01-01")) & (orders["o_orderdate"] <= ts("1996-12-31"))]
    li = t.read("lineitem", "l_orderkey", "l_partkey", "l_suppkey", "l_extendedprice", "l_discount")
    supplier = t.read("supplier", "s_suppkey", "s_nationkey")
    j = (
        part.merge(li, left_on="p_partkey", right_on="l_partkey")
        .merge(orders, left_on="l_orderkey", right_on="o_orderkey")
        .merge(customer, left_on="o_custkey", right_on="c_custkey")
        .merge(supplier, left_on="l_suppkey", right_on="s_suppkey")
        .merge(nation[["n_nationkey", "n_name"]], left_on="s_nationkey", right_on="n_nationkey")
    )
    volume = revenue(j)
    j = j.assign(o_year=j["o_orderdate"].dt.year, volume=volume, brazil=volume.where(j["n_name"] == "BRAZIL", 0.0))
    out = j.groupby("o_year", as_index=False)[["brazil", "volume"]].sum()
    out["mkt_share"] = out["brazil"] / out["volume"]
    return out[["o_year", "mkt_share"]].sort_values("o_year")


def q09(t: Tables) -> pd.DataFrame:
    part = t.read("part", "p_partkey", "p_name")
    part = part[part["p_name"].str.contains("green", regex=False)]
    li = t.read("lineitem", "l_orderkey", "l_partkey", "l_suppkey", "l_quantity", "l_extendedprice", "l_discount")
    partsupp = t.read("partsupp", "ps_partkey", "ps_suppkey", "ps_supplycost")
    supplier = t.read("supplier", "s_suppkey", "s_nationkey")
    orders = t.read("orders", "o_orderkey", "o_orderdate")
    nation = t.read("nation", "n_nationkey", "n_name")
    j = (
        part.merge(li, left_on="p_partkey", right_on="l_partkey")
        .merge(partsupp, left_on=["l_suppkey", "l_partkey"], right_on=["ps_suppkey", "ps_partkey"])
        .merge(supplier, left_on="l_suppkey", right_on="s_suppkey")
        .merge(orders, left_on="l_orderkey", right_on="o_orderkey")
        .merge(nation, left_on="s_nationkey", right_on="n_nationkey")
    )
    j = j.assign(nation=j["n_name"], o_year=j["o_orderdate"].dt.year,
                 amount=revenue(j) - j["ps_supplycost"] * j["l_quantity"])  # fmt: skip
    out = j.groupby(["nation", "o_year"], as_index=False).agg(sum_profit=("amount", "sum"))
    return out.sort_values(["nation", "o_year"], ascending=[True, False])


def q10(t: Tables) -> pd.DataFrame:
    customer = t.read("customer", "c_custkey", "c_name", "c_address", "c_nationkey", "c_phone", "c_acctbal",
                      "c_comment")  # fmt: skip
    orders = t.read("orders", "o_orderkey", "o_custkey", "o_orderdate")
    orders = orders[(orders["o_orderdate"] >= ts("1993-10-01")) & (orders["o_orderdate"] < ts("1994-01-01"))]
    li = t.read("lineitem", "l_orderkey", "l_returnflag", "l_extendedprice", "l_discount")
    li = li[li["l_returnflag"] == "R"]
    nation = t.read("nation", "n_nationkey", "n_name")
    j = (
        customer.merge(orders, left_on="c_custkey", right_on="o_custkey")
        .merge(li, left_on="o_orderkey", right_on="l_orderkey")
        .merge(nation, left_on="c_nationkey", right_on="n_nationkey")
    )
    j = j.assign(revenue=revenue(j))
    keys = ["c_custkey", "c_name", "c_acctbal", "c_phone", "n_name", "c_address", "c_comment"]
    out = j.groupby(keys, as_index=False)["revenue"].sum()
    out = out[["c_custkey", "c_name", "revenue", "c_acctbal", "n_name", "c_address", "c_phone", "c_comment"]]
    return out.sort_values("revenue", ascending=False).head(20)


def q11(t: Tables) -> pd.DataFrame:
    nation = t.read("nation", "n_nationkey", "n_name")
    supplier = t.read("supplier", "s_suppkey", "s_nationkey")
    partsupp = t.read("partsupp", "ps_partkey", "ps_suppkey", "ps_availqty", "ps_supplycost")
    j = (
        nation[nation["n_name"] == "GERMANY"]
        .merge(supplier, left_on="n_nationkey", right_on="s_nationkey")
        .merge(partsupp, left_on="s_suppkey", right_on="ps_suppkey")
    )
    j = j.assign(value=j["ps_supplycost"] * j["ps_availqty"])
    threshold = j["value"].sum() * t.fraction
    out = j.groupby("ps_partkey", as_index=False)["value"].sum()
    return out[out["value"] > threshold].sort_values("value", ascending=False)


def q12(t: Tables) -> pd.DataFrame:
    li = t.read("lineitem", "l_orderkey", "l_shipmode", "l_commitdate", "l_receiptdate", "l_shipdate")
    li = li[
        li["l_shipmode"].isin(["MAIL", "SHIP"]) & (li["l_commitdate"] < li["l_receiptdate"])
        & (li["l_shipdate"] < li["l_commitdate"])
        & (li["l_receiptdate"] >= ts("1994-01-01")) & (li["l_receiptdate"] < ts("1995-01-01"))
    ]  # fmt: skip
    j = li.merge(t.read("orders", "o_orderkey", "o_orderpriority"), left_on="l_orderkey", right_on="o_orderkey")
    urgent = j["o_orderpriority"].isin(["1-URGENT", "2-HIGH"])
    j = j.assign(high_line_count=urgent.astype("int64"), low_line_count=(~urgent).astype("int64"))
    out = j.groupby("l_shipmode", as_index=False)[["high_line_count", "low_line_count"]].sum()
    return out.sort_values("l_shipmode")


def q13(t: Tables) -> pd.DataFrame:
    customer = t.read("customer", "c_custkey")
    orders = t.read("orders", "o_orderkey", "o_custkey", "o_comment")
    orders = orders[~orders["o_comment"].str.contains("special.*requests", regex=True)]
    j = customer.merge(orders, left_on="c_custkey", right_on="o_custkey", how="left")
    counts = j.groupby("c_custkey", as_index=False).agg(c_count=("o_orderkey", "count"))
    out = counts.groupby("c_count", as_index=False).agg(custdist=("c_custkey", "size"))
    return out.sort_values(["custdist", "c_count"], ascending=False)


def q14(t: Tables) -> pd.DataFrame:
    li = t.read("lineitem", "l_partkey", "l_shipdate", "l_extendedprice", "l_discount")
    li = li[(li["l_shipdate"] >= ts("1995-09-01")) & (li["l_shipdate"] < ts("1995-10-01"))]
    j = li.merge(t.read("part", "p_partkey", "p_type"), left_on="l_partkey", right_on="p_partkey")
    rev = revenue(j)
    promo = rev[j["p_type"].str.startswith("PROMO")].sum()
    return pd.DataFrame({"promo_revenue": [100.0 * promo / rev.sum()]})


def q15(t: Tables) -> pd.DataFrame:
    li = t.read("lineitem", "l_suppkey", "l_shipdate", "l_extendedprice", "l_discount")
    li = li[(li["l_shipdate"] >= ts("1996-01-01")) & (li["l_shipdate"] < ts("1996-04-01"))]
    li = li.assign(total_revenue=revenue(li))
    rev = li.groupby("l_suppkey", as_index=False)["total_revenue"].sum()
    top = rev[rev["total_revenue"] == rev["total_revenue"].max()]
    supplier = t.read("supplier", "s_suppkey", "s_name", "s_address", "s_phone")
    out = supplier.merge(top, left_on="s_suppkey", right_on="l_suppkey")
    return out[["s_suppkey", "s_name", "s_address", "s_phone", "total_revenue"]].sort_values("s_suppkey")


def q16(t: Tables) -> pd.DataFrame:
    part = t.read("part", "p_partkey", "p_brand", "p_type", "p_size")
    part = part[
        (part["p_brand"] != "Brand#45") & ~part["p_type"].str.startswith("MEDIUM POLISHED")
        & part["p_size"].isin([49, 14, 23, 45, 19, 3, 36, 9])
    ]  # fmt: skip
    supplier = t.read("supplier", "s_suppkey", "s_comment")
    complaints = supplier.loc[supplier["s_comment"].str.contains("Customer.*Complaints", regex=True), "s_suppkey"]
    partsupp = t.read("partsupp", "ps_partkey", "ps_suppkey")
    j = part.merge(partsupp, left_on="p_partkey", right_on="ps_partkey")
    j = j[~j["ps_suppkey"].isin(complaints)]
    out = j.groupby(["p_brand", "p_type", "p_size"], as_index=False).agg(supplier_cnt=("ps_suppkey", "nunique"))
    return out.sort_values(["supplier_cnt", "p_brand", "p_type", "p_size"], ascending=[False, True, True, True])


def q17(t: Tables) -> pd.DataFrame:
    part = t.read("part", "p_partkey", "p_brand", "p_container")
    part = part[(part["p_brand"] == "Brand#23") & (part["p_container"] == "MED BOX")]
    li = t.read("lineitem", "l_partkey", "l_quantity", "l_extendedprice")
    j = part.merge(li, left_on="p_partkey", right_on="l_partkey")
    avg = j.groupby("p_partkey")["l_quantity"].transform("mean")
    small = j[j["l_quantity"] < 0.2 * avg]
    return pd.DataFrame({"avg_yearly": [small["l_extendedprice"].sum() / 7.0]})


def q18(t: Tables) -> pd.DataFrame:
    li = t.read("lineitem", "l_orderkey", "l_quantity")
    per_order = li.groupby("l_orderkey", as_index=False).agg(sum_quantity=("l_quantity", "sum"))
    large = per_order[per_order["sum_quantity"] > 300]
    orders = t.read("orders", "o_orderkey", "o_custkey", "o_orderdate", "o_totalprice")
    customer = t.read("customer", "c_custkey", "c_name")
    j = customer.merge(orders, left_on="c_custkey", right_on="o_custkey").merge(
        large, left_on="o_orderkey", right_on="l_orderkey"
    )
    out = j[["c_name", "c_custkey", "o_orderkey", "o_orderdate", "o_totalprice", "sum_quantity"]]
    return out.sort_values(["o_totalprice", "o_orderdate"], ascending=[False, True]).head(100)


def q19(t: Tables) -> pd.DataFrame:
    li = t.read("lineitem", "l_partkey", "l_quantity", "l_extendedprice", "l_discount", "l_shipinstruct",
                "l_shipmode")  # fmt: skip
    li = li[li["l_shipmode"].isin(["AIR", "AIR REG"]) & (li["l_shipinstruct"] == "DELIVER IN PERSON")]
    j = li.merge(t.read("part", "p_partkey", "p_brand", "p_size", "p_container"),
                 left_on="l_partkey", right_on="p_partkey")  # fmt: skip

    def case(brand: str, containers: list[str], low: int, size: int) -> pd.Series:
        return (
            (j["p_brand"] == brand) & j["p_container"].isin(containers)
            & j["l_quantity"].between(low, low + 10) & j["p_size"].between(1, size)
        )  # fmt: skip

    keep = (
        case("Brand#12", ["SM CASE", "SM BOX", "SM PACK", "SM PKG"], 1, 5)
        | case("Brand#23", ["MED BAG", "MED BOX", "MED PKG", "MED PACK"], 10, 10)
        | case("Brand#34", ["LG CASE", "LG BOX", "LG PACK", "LG PKG"], 20, 15)
    )
    return pd.DataFrame({"revenue": [revenue(j[keep]).sum()]})


def q20(t: Tables) -> pd.DataFrame:
    li = t.read("lineitem", "l_partkey", "l_suppkey", "l_quantity", "l_shipdate")
    li = li[(li["l_shipdate"] >= ts("1994-01-01")) & (li["l_shipdate"] < ts("1995-01-01"))]
    shipped = li.groupby(["l_partkey", "l_suppkey"], as_index=False).agg(shipped_quantity=("l_quantity", "sum"))
    part = t.read("part", "p_partkey", "p_name")
    forest = part.loc[part["p_name"].str.startswith("forest"), "p_partkey"]
    partsupp = t.read("partsupp", "ps_partkey", "ps_suppkey", "ps_availqty")
    offers = partsupp[partsupp["ps_partkey"].isin(forest)].merge(
        shipped, left_on=["ps_partkey", "ps_suppkey"], right_on=["l_partkey", "l_suppkey"]
    )
    excess = offers.loc[offers["ps_availqty"] > 0.5 * offers["shipped_quantity"], "ps_suppkey"]
    nation = t.read("nation", "n_nationkey", "n_name")
    supplier = t.read("supplier", "s_suppkey", "s_name", "s_address", "s_nationkey")
    canada = nation.loc[nation["n_name"] == "CANADA", "n_nationkey"]
    out = supplier[supplier["s_nationkey"].isin(canada) & supplier["s_suppkey"].isin(excess)]
    return out[["s_name", "s_address"]].sort_values("s_name")


def q21(t: Tables) -> pd.DataFrame:
    li = t.read("lineitem", "l_orderkey", "l_suppkey", "l_commitdate", "l_receiptdate")
    late = li[li["l_receiptdate"] > li["l_commitdate"]]
    suppliers = li.groupby("l_orderkey")["l_suppkey"].nunique()
    late_suppliers = late.groupby("l_orderkey")["l_suppkey"].nunique()
    multi = suppliers.index[suppliers > 1]
    alone = late_suppliers.index[late_suppliers == 1]
    nation = t.read("nation", "n_nationkey", "n_name")
    supplier = t.read("supplier", "s_suppkey", "s_name", "s_nationkey")
    saudi = supplier[supplier["s_nationkey"].isin(nation.loc[nation["n_name"] == "SAUDI ARABIA", "n_nationkey"])]
    orders = t.read("orders", "o_orderkey", "o_orderstatus")
    failed = orders.loc[orders["o_orderstatus"] == "F", "o_orderkey"]
    j = late.merge(saudi, left_on="l_suppkey", right_on="s_suppkey")
    j = j[j["l_orderkey"].isin(failed) & j["l_orderkey"].isin(multi) & j["l_orderkey"].isin(alone)]
    out = j.groupby("s_name", as_index=False).agg(numwait=("l_orderkey", "size"))
    return out.sort_values(["numwait", "s_name"], ascending=[False, True]).head(100)


def q22(t: Tables) -> pd.DataFrame:
    customer = t.read("customer", "c_custkey", "c_phone", "c_acctbal")
    customer = customer.assign(cntrycode=customer["c_phone"].str.slice(0, 2))
    customer = customer[customer["cntrycode"].isin(["13", "31", "23", "29", "30", "18", "17"])]
    average = customer.loc[customer["c_acctbal"] > 0.0, "c_acctbal"].mean()
    orders = t.read("orders", "o_custkey")
    rich = customer[(customer["c_acctbal"] > average) & ~customer["c_custkey"].isin(orders["o_custkey"])]
    out = rich.groupby("cntrycode", as_index=False).agg(numcust=("c_acctbal", "size"), totacctbal=("c_acctbal", "sum"))
    return out.sort_values("cntrycode")


QUERIES: dict[str, Callable[[Tables], pd.DataFrame]] = {
    name: globals()[name] for name in (f"q{n:02d}" for n in range(1, 23))
}
