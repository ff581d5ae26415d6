"""E-commerce orders, written as hive-partitioned Parquet under ``retail/orders``."""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import accumulate
from pathlib import Path

import polars as pl

from glueweb.demo.customers import Customer
from glueweb.demo.dice import Dice
from glueweb.demo.reference import (
    CHANNEL_WEIGHTS,
    CHANNELS,
    DISCOUNT_CODES,
    FREE_SHIPPING_FROM,
    ITEM_COUNT_WEIGHTS,
    ITEM_COUNTS,
    PRICE_WEIGHTS,
    PRICES,
    SEASONAL_CODE_MONTHS,
    SHIPPING_FEE,
)
from glueweb.demo.timeline import SNAPSHOT, instant_in_month, months

ORDER_COUNT = 4_000
FIRST_ORDER_ID = 100_001
DISCOUNT_RATE = 0.15  # share of orders that use a code
CANCEL_RATE = 0.04
RETURN_RATE = 0.07  # of delivered orders
ITEM_MULTIPLIER = {"consumer": 1, "small_business": 2, "enterprise": 3}

# The file schema. year/month are deliberately absent: they live in the folder
# names, as in any hive-partitioned table, and readers add them back.
ORDERS_SCHEMA: dict[str, pl.DataType] = {
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


@dataclass(frozen=True, slots=True)
class Order:
    order_id: int
    customer_id: int
    order_ts: datetime
    status: str
    channel: str
    currency: str
    items: int
    total: float
    discount_code: str | None


def build_orders(dice: Dice, customers: Sequence[Customer], count: int = ORDER_COUNT) -> list[Order]:
    """Orders in time order; each buyer had signed up on or before the order's day."""
    calendar = months()
    # Steady growth with a holiday peak and a January dip, so charts have a shape.
    seasonality = {1: 0.8, 11: 1.5, 12: 1.8}
    month_weights = [(1 + 0.03 * i) * seasonality.get(m, 1.0) for i, (_, m) in enumerate(calendar)]
    instants = sorted(instant_in_month(dice, *dice.weighted(calendar, month_weights)) for _ in range(count))

    # Customers are in signup order, so the ones who may buy on a day form a prefix.
    signups = [c.signup_date for c in customers]
    activity = list(accumulate(c.activity for c in customers))
    price_weights = list(accumulate(PRICE_WEIGHTS))
    has_ordered: set[int] = set()

    orders = []
    for offset, ts in enumerate(instants):
        eligible = bisect_right(signups, ts.date())
        if eligible == 0:
            raise ValueError(f"no customer had signed up by {ts.date()}")
        customer = customers[dice.weighted_index(activity, eligible)]
        channel = dice.weighted(CHANNELS, CHANNEL_WEIGHTS)
        items = dice.weighted(ITEM_COUNTS, ITEM_COUNT_WEIGHTS) * ITEM_MULTIPLIER[customer.segment]
        subtotal = sum(PRICES[dice.weighted_index(price_weights)] for _ in range(items))
        code = _discount_code(dice, ts.month, first_order=customer.customer_id not in has_ordered)
        has_ordered.add(customer.customer_id)
        total = subtotal * (100 - DISCOUNT_CODES[code]) / 100 if code else subtotal
        if channel != "store" and total < FREE_SHIPPING_FROM:
            total += SHIPPING_FEE
        orders.append(
            Order(
                order_id=FIRST_ORDER_ID + offset,
                customer_id=customer.customer_id,
                order_ts=ts,
                status=_status(dice, ts, channel),
                channel=channel,
                currency=customer.currency,
                items=items,
                total=round(total, 2),
                discount_code=code,
            )
        )
    return orders


def revenue_by_customer(orders: Sequence[Order]) -> dict[int, float]:
    """Money each customer kept with the shop: cancelled and returned orders do not count."""
    revenue: dict[int, float] = defaultdict(float)
    for order in orders:
        if order.status not in ("cancelled", "returned"):
            revenue[order.customer_id] += order.total
    return dict(revenue)


def write_orders(orders: Sequence[Order], orders_dir: Path) -> list[Path]:
    """One Parquet file per month: ``year=YYYY/month=MM/part-00000.parquet``."""
    by_month: dict[tuple[int, int], list[Order]] = defaultdict(list)
    for order in orders:
        by_month[(order.order_ts.year, order.order_ts.month)].append(order)
    paths = []
    for year, month in sorted(by_month):
        rows = by_month[(year, month)]
        frame = pl.DataFrame({name: [getattr(o, name) for o in rows] for name in ORDERS_SCHEMA}, schema=ORDERS_SCHEMA)
        path = orders_dir / f"year={year:04d}" / f"month={month:02d}" / "part-00000.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        # Every writer setting is pinned (one row group, fixed codec and level)
        # so the same rows always give the same bytes with a given Polars build.
        frame.write_parquet(path, compression="zstd", compression_level=3, statistics=True, row_group_size=1_000_000)
        paths.append(path)
    return paths


def _discount_code(dice: Dice, month: int, *, first_order: bool) -> str | None:
    if not dice.chance(DISCOUNT_RATE):
        return None
    return dice.pick([code for code in DISCOUNT_CODES if _code_valid(code, month, first_order=first_order)])


def _code_valid(code: str, month: int, *, first_order: bool) -> bool:
    if code == "WELCOME10":
        return first_order
    seasons = SEASONAL_CODE_MONTHS.get(code)
    return seasons is None or month in seasons


def _status(dice: Dice, ts: datetime, channel: str) -> str:
    """Where the order stands at SNAPSHOT: recent orders are still on their way."""
    if channel == "store":  # handed over at the till: never placed or shipped
        return "returned" if dice.chance(RETURN_RATE / 2) else "delivered"
    if dice.chance(CANCEL_RATE):
        return "cancelled"
    age = SNAPSHOT - ts
    if age < timedelta(days=3):
        return dice.weighted(("placed", "shipped"), (60, 40))
    if age < timedelta(days=10):
        return dice.weighted(("placed", "shipped", "delivered"), (5, 45, 50))
    return "returned" if dice.chance(RETURN_RATE) else "delivered"
