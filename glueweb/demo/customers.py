"""CRM customers, written as ``retail/customers/customers.csv``."""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from glueweb.demo.dice import Dice
from glueweb.demo.reference import COUNTRIES, EMAIL_DOMAINS, SEGMENT_WEIGHTS, SEGMENTS
from glueweb.demo.timeline import day_between

CUSTOMER_COUNT = 1_500
FIRST_SIGNUP = date(2019, 1, 1)
LAST_SIGNUP = date(2026, 6, 30)
# The CRM recomputes lifetime value monthly; customers who signed up after its
# last run have none yet, which gives the column honest nulls.
LAST_LTV_RUN = date(2026, 6, 1)
LTV_SYNC_FAILURE_RATE = 0.04  # and a few more nulls where the sync failed

CSV_COLUMNS: tuple[str, ...] = (
    "customer_id",
    "first_name",
    "last_name",
    "email",
    "country",
    "city",
    "signup_date",
    "segment",
    "marketing_opt_in",
    "lifetime_value",
)

# Letters NFKD does not decompose into ASCII plus accents.
_ASCII_EXTRA = str.maketrans({"Ł": "L", "ł": "l", "ß": "ss", "Ø": "O", "ø": "o", "Æ": "AE", "æ": "ae"})


@dataclass(frozen=True, slots=True)
class Customer:
    customer_id: int
    first_name: str
    last_name: str
    email: str
    country: str
    currency: str
    city: str
    signup_date: date
    segment: str
    marketing_opt_in: bool
    # How often this customer buys and posts, relative to others; not exported.
    # Heavy-tailed so a few customers place many orders, as in real shops.
    activity: float


def build_customers(dice: Dice, count: int = CUSTOMER_COUNT) -> list[Customer]:
    """Customers with ids 1..count in signup order, as a CRM's auto-increment would give."""
    country_weights = [c.weight for c in COUNTRIES]
    signups = sorted(day_between(dice, FIRST_SIGNUP, LAST_SIGNUP) for _ in range(count))
    taken: set[str] = set()
    customers = []
    for customer_id, signup in enumerate(signups, start=1):
        country = dice.weighted(COUNTRIES, country_weights)
        first, last = dice.pick(country.first_names), dice.pick(country.last_names)
        segment = dice.weighted(SEGMENTS, SEGMENT_WEIGHTS)
        customers.append(
            Customer(
                customer_id=customer_id,
                first_name=first,
                last_name=last,
                email=_unique_email(first, last, dice.pick(EMAIL_DOMAINS), taken),
                country=country.code,
                currency=country.currency,
                city=dice.pick(country.cities),
                signup_date=signup,
                segment=segment,
                marketing_opt_in=dice.chance(0.55),
                activity=min((1.0 - dice.unit()) ** -0.5, 20.0),  # Pareto-like in [1, 20]
            )
        )
    return customers


def lifetime_values(customers: Sequence[Customer], revenue: Mapping[int, float], dice: Dice) -> dict[int, float | None]:
    """The CRM's lifetime value per customer: their revenue, or None where the CRM has not computed it."""
    values: dict[int, float | None] = {}
    for customer in customers:
        missing = customer.signup_date > LAST_LTV_RUN or dice.chance(LTV_SYNC_FAILURE_RATE)
        values[customer.customer_id] = None if missing else round(revenue.get(customer.customer_id, 0.0), 2)
    return values


def write_customers_csv(customers: Sequence[Customer], values: Mapping[int, float | None], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # UTF-8 without BOM and "\n" line ends: what Spark, Polars and Glue expect by default.
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for c in customers:
            value = values.get(c.customer_id)
            writer.writerow(
                (
                    c.customer_id,
                    c.first_name,
                    c.last_name,
                    c.email,
                    c.country,
                    c.city,
                    c.signup_date.isoformat(),
                    c.segment,
                    "true" if c.marketing_opt_in else "false",
                    "" if value is None else f"{value:.2f}",
                )
            )


def _unique_email(first: str, last: str, domain: str, taken: set[str]) -> str:
    local = f"{_ascii_slug(first)}.{_ascii_slug(last)}"
    candidate, n = f"{local}@{domain}", 1
    while candidate in taken:
        n += 1
        candidate = f"{local}{n}@{domain}"
    taken.add(candidate)
    return candidate


def _ascii_slug(name: str) -> str:
    """'Łukasz' -> 'lukasz', "O'Brien" -> 'obrien', 'van den Berg' -> 'vandenberg'."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_ASCII_EXTRA))
    return "".join(ch for ch in decomposed.lower() if ch.isascii() and ch.isalnum())
