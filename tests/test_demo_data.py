"""The demo retail lake: deterministic, consistent, readable, and careful with existing data.

Plain pytest with tmp_path; no Django settings or database needed.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import glueweb.demo.lake as lake_module
from glueweb.demo import (
    DEFAULT_SEED,
    GENERATOR_VERSION,
    MARKER_NAME,
    DemoLakeConflict,
    DemoSummary,
    demo_lake_exists,
    ensure_demo_lake,
    generate_demo_lake,
    read_demo_summary,
)
from glueweb.demo.customers import build_customers
from glueweb.demo.dice import Dice
from glueweb.demo.orders import build_orders
from glueweb.demo.social import build_interactions
from glueweb.demo.timeline import month_end, month_start

EXPECTED_ROWS = {"orders": 4_000, "customers": 1_500, "social": 3_000}
EXPECTED_MONTHS = [(2025, m) for m in range(1, 13)] + [(2026, m) for m in range(1, 7)]


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> DemoSummary:
    """One lake shared by the read-only tests, since generating takes a few hundred ms."""
    return generate_demo_lake(tmp_path_factory.mktemp("lake"))


def read_orders(root: Path) -> pl.DataFrame:
    return pl.scan_parquet(root / "orders", hive_partitioning=True).collect().sort("order_id")


def read_customers(root: Path) -> pl.DataFrame:
    return pl.read_csv(root / "customers" / "customers.csv")


def read_social(root: Path) -> pl.DataFrame:
    return pl.read_ndjson(root / "social" / "interactions.ndjson")


def data_files(root: Path) -> list[Path]:
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())


# --- determinism ---------------------------------------------------------------


def test_two_lakes_from_the_same_seed_are_byte_identical(tmp_path: Path) -> None:
    first = generate_demo_lake(tmp_path / "a")
    second = generate_demo_lake(tmp_path / "b")

    assert data_files(first.root) == data_files(second.root)
    for relative in data_files(first.root):
        assert (first.root / relative).read_bytes() == (second.root / relative).read_bytes(), relative
    assert_frame_equal(read_orders(first.root), read_orders(second.root))


def test_a_different_seed_gives_different_data_of_the_same_shape(tmp_path: Path, lake: DemoSummary) -> None:
    other = generate_demo_lake(tmp_path, seed=7)

    assert other.rows == lake.rows
    assert (other.root / "customers" / "customers.csv").read_bytes() != (
        lake.root / "customers" / "customers.csv"
    ).read_bytes()
    assert read_orders(other.root).schema == read_orders(lake.root).schema


# --- layout and counts ---------------------------------------------------------


def test_summary_reports_the_retail_root_files_and_rows(lake: DemoSummary) -> None:
    assert lake.root.name == "retail"
    assert lake.rows == EXPECTED_ROWS
    assert lake.files == len(EXPECTED_MONTHS) + 2  # one Parquet file per month, plus CSV and NDJSON


def test_orders_are_partitioned_by_year_and_month_from_2025_01_to_2026_06(lake: DemoSummary) -> None:
    expected = [Path(f"orders/year={y}/month={m:02d}/part-00000.parquet") for y, m in EXPECTED_MONTHS]
    assert [p for p in data_files(lake.root) if p.parts[0] == "orders"] == expected


def test_the_lake_holds_only_the_expected_files(lake: DemoSummary) -> None:
    others = [str(p) for p in data_files(lake.root) if p.parts[0] != "orders"]
    assert sorted(others) == [MARKER_NAME, "customers/customers.csv", "social/interactions.ndjson"]
    assert not list(lake.root.parent.glob(".retail-tmp-*"))


def test_row_counts_match_what_the_files_hold(lake: DemoSummary) -> None:
    assert read_orders(lake.root).height == EXPECTED_ROWS["orders"]
    assert read_customers(lake.root).height == EXPECTED_ROWS["customers"]
    assert read_social(lake.root).height == EXPECTED_ROWS["social"]


# --- orders --------------------------------------------------------------------


def test_order_files_carry_the_documented_schema_without_partition_columns(lake: DemoSummary) -> None:
    one_file = lake.root / "orders" / "year=2025" / "month=01" / "part-00000.parquet"
    assert pl.read_parquet(one_file, hive_partitioning=False).schema == pl.Schema(
        {
            "order_id": pl.Int64(),
            "customer_id": pl.Int64(),
            "order_ts": pl.Datetime("us", "UTC"),
            "status": pl.String(),
            "channel": pl.String(),
            "currency": pl.String(),
            "items": pl.Int32(),
            "total": pl.Float64(),
            "discount_code": pl.String(),
        }
    )


def test_a_hive_scan_adds_year_and_month_from_the_folder_names(lake: DemoSummary) -> None:
    orders = read_orders(lake.root)
    assert orders.columns[-2:] == ["year", "month"]
    months = orders.select("year", "month").unique().sort("year", "month").rows()
    assert months == EXPECTED_MONTHS


def test_every_order_falls_inside_its_partition_month(lake: DemoSummary) -> None:
    orders = read_orders(lake.root)
    outside = orders.filter(
        (pl.col("order_ts").dt.year() != pl.col("year")) | (pl.col("order_ts").dt.month() != pl.col("month"))
    )
    assert outside.height == 0, outside.head()


def test_order_ids_are_unique_and_follow_time(lake: DemoSummary) -> None:
    orders = read_orders(lake.root)
    assert orders["order_id"].n_unique() == orders.height
    assert orders["order_ts"].is_sorted()


def test_order_values_stay_within_their_vocabularies(lake: DemoSummary) -> None:
    orders = read_orders(lake.root)
    assert set(orders["status"]) == {"placed", "shipped", "delivered", "returned", "cancelled"}
    assert set(orders["channel"]) == {"web", "mobile", "store"}
    assert set(orders["currency"]) == {"EUR", "GBP", "USD"}
    assert (orders["items"] >= 1).all()
    assert (orders["total"] > 0).all()
    assert (orders["total"] * 100).round(6).equals((orders["total"] * 100).round(0))  # two decimals at most
    assert 0 < orders["discount_code"].null_count() < orders.height


def test_store_orders_are_never_placed_or_shipped(lake: DemoSummary) -> None:
    store = read_orders(lake.root).filter(pl.col("channel") == "store")
    assert set(store["status"]) <= {"delivered", "returned"}


# --- customers -----------------------------------------------------------------


def test_customers_csv_reads_back_with_the_documented_columns(lake: DemoSummary) -> None:
    customers = read_customers(lake.root)
    assert customers.schema == pl.Schema(
        {
            "customer_id": pl.Int64(),
            "first_name": pl.String(),
            "last_name": pl.String(),
            "email": pl.String(),
            "country": pl.String(),
            "city": pl.String(),
            "signup_date": pl.String(),
            "segment": pl.String(),
            "marketing_opt_in": pl.Boolean(),
            "lifetime_value": pl.Float64(),
        }
    )
    assert customers["customer_id"].n_unique() == customers.height
    assert customers["email"].n_unique() == customers.height
    assert set(customers["country"]) == {"NL", "BE", "DE", "FR", "US", "GB"}
    assert set(customers["segment"]) == {"consumer", "small_business", "enterprise"}
    assert (customers["signup_date"].str.to_date("%Y-%m-%d") <= date(2026, 6, 30)).all()


def test_customers_include_unicode_names_and_a_city_that_needs_csv_quoting(lake: DemoSummary) -> None:
    customers = read_customers(lake.root)
    names = set(customers["first_name"]) | set(customers["last_name"])
    assert {"Zoë", "José", "Łukasz"} <= names
    assert "Washington, D.C." in set(customers["city"])
    assert customers["email"].str.contains(r"^[a-z0-9.]+@example\.(com|org|net)$").all()


def test_some_lifetime_values_are_empty(lake: DemoSummary) -> None:
    nulls = read_customers(lake.root)["lifetime_value"].null_count()
    assert 0 < nulls < EXPECTED_ROWS["customers"] // 5


# --- social --------------------------------------------------------------------


def test_social_ndjson_reads_back_with_nested_device_and_tag_lists(lake: DemoSummary) -> None:
    social = read_social(lake.root)
    assert social.schema == pl.Schema(
        {
            "interaction_id": pl.Int64(),
            "customer_id": pl.Int64(),
            "platform": pl.String(),
            "kind": pl.String(),
            "sentiment": pl.Float64(),
            "at": pl.String(),
            "text": pl.String(),
            "tags": pl.List(pl.String()),
            "device": pl.Struct({"os": pl.String(), "app_version": pl.String()}),
        }
    )
    assert set(social["platform"]) == {"instagram", "tiktok", "x", "facebook"}
    assert set(social["kind"]) == {"like", "comment", "share", "mention"}
    assert social["sentiment"].is_between(-1, 1).all()
    assert social["customer_id"].null_count() > 0  # anonymous interactions
    assert social["text"].null_count() > 0
    assert (social["tags"].list.len() == 0).any()
    assert social["device"].struct.field("app_version").null_count() > 0  # the web has no app


def test_social_timestamps_are_iso_8601_in_utc_inside_the_covered_months(lake: DemoSummary) -> None:
    at = read_social(lake.root)["at"].str.to_datetime("%Y-%m-%dT%H:%M:%SZ", time_zone="UTC")
    assert at.null_count() == 0
    assert at.is_between(datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 7, 1, tzinfo=UTC), closed="left").all()


def test_interactions_keep_unicode_as_utf8_text(lake: DemoSummary) -> None:
    raw = (lake.root / "social" / "interactions.ndjson").read_text(encoding="utf-8")
    assert "\\u" not in raw  # written as real UTF-8, not escaped
    assert any(ord(ch) > 0xFFFF for ch in raw)  # emoji, outside the Basic Multilingual Plane


# --- referential integrity -----------------------------------------------------


def test_every_customer_id_in_orders_and_social_exists_in_customers(lake: DemoSummary) -> None:
    known = set(read_customers(lake.root)["customer_id"])
    assert set(read_orders(lake.root)["customer_id"]) <= known
    assert set(read_social(lake.root)["customer_id"].drop_nulls()) <= known


def test_customers_had_signed_up_by_the_day_they_ordered(lake: DemoSummary) -> None:
    customers = read_customers(lake.root).with_columns(pl.col("signup_date").str.to_date("%Y-%m-%d"))
    joined = read_orders(lake.root).join(customers, on="customer_id")
    assert joined.filter(pl.col("order_ts").dt.date() < pl.col("signup_date")).height == 0


def test_lifetime_value_is_the_revenue_of_kept_orders(lake: DemoSummary) -> None:
    revenue = (
        read_orders(lake.root)
        .filter(~pl.col("status").is_in(["cancelled", "returned"]))
        .group_by("customer_id")
        .agg(pl.col("total").sum().round(2).alias("revenue"))
    )
    customers = read_customers(lake.root).drop_nulls("lifetime_value")
    joined = customers.join(revenue, on="customer_id", how="left").with_columns(pl.col("revenue").fill_null(0.0))
    assert ((joined["lifetime_value"] - joined["revenue"]).abs() < 0.005).all()


@pytest.mark.parametrize("seed", [1, 42, 20261123])
def test_generated_rows_are_consistent_for_any_seed(seed: int) -> None:
    customers = build_customers(Dice(seed, "customers"))
    signups = {c.customer_id: c.signup_date for c in customers}
    orders = build_orders(Dice(seed, "orders"), customers)
    interactions = build_interactions(Dice(seed, "social"), customers)

    for order in orders:
        assert signups[order.customer_id] <= order.order_ts.date()
        assert month_start(order.order_ts.year, order.order_ts.month) <= order.order_ts
        assert order.order_ts < month_end(order.order_ts.year, order.order_ts.month)
    for row in interactions:
        assert row["customer_id"] is None or row["customer_id"] in signups


# --- marker, refusal and regeneration -------------------------------------------


def test_the_marker_records_seed_version_files_and_row_counts(lake: DemoSummary) -> None:
    marker = json.loads((lake.root / MARKER_NAME).read_text(encoding="utf-8"))
    assert marker == {
        "generator": "glueweb.demo",
        "version": GENERATOR_VERSION,
        "seed": DEFAULT_SEED,
        "files": lake.files,
        "rows": EXPECTED_ROWS,
    }
    assert read_demo_summary(lake.root.parent) == lake


def test_a_lake_exists_only_once_its_marker_is_there(tmp_path: Path, lake: DemoSummary) -> None:
    assert not demo_lake_exists(tmp_path)
    (tmp_path / "retail").mkdir()
    assert not demo_lake_exists(tmp_path)
    assert demo_lake_exists(lake.root.parent)


def test_an_unmarked_retail_folder_is_never_overwritten(tmp_path: Path) -> None:
    user_file = tmp_path / "retail" / "mine.csv"
    user_file.parent.mkdir()
    user_file.write_text("precious\n")

    with pytest.raises(DemoLakeConflict, match="not made by the glueweb demo generator"):
        generate_demo_lake(tmp_path)
    with pytest.raises(DemoLakeConflict):
        ensure_demo_lake(tmp_path, force=True)

    assert user_file.read_text() == "precious\n"
    assert [p.name for p in tmp_path.iterdir() if p.name != ".retail.lock"] == ["retail"]


def test_an_existing_lake_is_kept_unless_forced(tmp_path: Path) -> None:
    first, generated = ensure_demo_lake(tmp_path)
    assert generated
    sentinel = first.root / "sentinel.txt"  # would vanish if the lake were rebuilt
    sentinel.write_text("still here\n")

    summary, generated = ensure_demo_lake(tmp_path)
    assert not generated
    assert summary == first
    assert sentinel.exists()

    summary, generated = ensure_demo_lake(tmp_path, force=True)
    assert generated
    assert summary == first
    assert not sentinel.exists()


def test_two_processes_starting_at_once_generate_the_lake_only_once(tmp_path: Path) -> None:
    # flock locks belong to open file descriptions, so threads contend just as processes do.
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda _: ensure_demo_lake(tmp_path), range(2)))

    assert sorted(generated for _, generated in results) == [False, True]
    assert results[0][0] == results[1][0]


def test_a_failed_generation_leaves_no_partial_lake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_writer(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(lake_module, "write_ndjson", broken_writer)
    with pytest.raises(OSError, match="disk full"):
        generate_demo_lake(tmp_path)

    assert not (tmp_path / "retail").exists()
    assert not demo_lake_exists(tmp_path)
    assert not list(tmp_path.glob(".retail-*"))


def test_a_failed_regeneration_keeps_the_previous_lake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = generate_demo_lake(tmp_path)
    files_before = data_files(before.root)

    def broken_writer(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(lake_module, "write_ndjson", broken_writer)
    with pytest.raises(OSError):
        generate_demo_lake(tmp_path)

    assert demo_lake_exists(tmp_path)
    assert data_files(before.root) == files_before


def test_scratch_folders_left_by_an_interrupted_run_are_cleared(tmp_path: Path) -> None:
    stale = tmp_path / ".retail-tmp-deadbeef" / "orders"
    stale.mkdir(parents=True)

    generate_demo_lake(tmp_path)

    assert not stale.parent.exists()
    assert demo_lake_exists(tmp_path)
