"""Search across tables: matches names, columns, comments, classification and parameters, best first."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from catalog.models import Table

pytestmark = pytest.mark.django_db

S = "/api/catalog/search/"


@pytest.fixture
def tables(make_table: Callable[..., Table]) -> None:
    make_table("customers", columns=[{"name": "id", "type": "bigint"}, {"name": "email", "type": "string"}])
    make_table("customer_orders", columns=[{"name": "customer_id", "type": "bigint"}])
    make_table("payments", columns=[{"name": "customer", "type": "string", "comment": "who paid"}])
    make_table("events", description="clicks of a customer", classification="ndjson")
    make_table("refunds", parameters={"source_system": "billing"})
    make_table("unrelated")


def _names(viewer: APIClient, **params: str) -> list[str]:
    response = viewer.get(S, params)
    assert response.status_code == 200
    return [t["name"] for t in response.json()["results"]]


def test_results_are_ranked_name_then_column_then_text(viewer: APIClient, tables: None) -> None:
    assert _names(viewer, q="customer") == ["customers", "customer_orders", "payments", "events"]


def test_every_term_must_match(viewer: APIClient, tables: None) -> None:
    assert _names(viewer, q="customer email") == ["customers"]


def test_comments_classification_and_parameters_are_searched(viewer: APIClient, tables: None) -> None:
    assert _names(viewer, q="paid") == ["payments"]
    assert _names(viewer, q="ndjson") == ["events"]
    assert _names(viewer, q="billing") == ["refunds"]


def test_search_is_case_insensitive_and_pages(viewer: APIClient, tables: None) -> None:
    first = viewer.get(S, {"q": "CUSTOMER", "limit": 2}).json()
    rest = viewer.get(S, {"q": "CUSTOMER", "limit": 2, "cursor": first["next_cursor"]}).json()
    names = [t["name"] for t in first["results"] + rest["results"]]
    assert names == ["customers", "customer_orders", "payments", "events"]
    assert first["results"][0]["score"] >= first["results"][1]["score"] > rest["results"][1]["score"]


def test_search_filters_by_classification(viewer: APIClient, tables: None) -> None:
    assert _names(viewer, q="customer", classification="ndjson") == ["events"]


def test_search_filters_by_database_and_follows_a_rename(editor: APIClient, tables: None) -> None:
    assert len(_names(editor, q="customer", database="sales")) == 4
    assert editor.patch("/api/catalog/databases/sales/", {"name": "shop"}, format="json").status_code == 200
    assert _names(editor, q="customer", database="sales") == []
    assert len(_names(editor, q="customer", database="shop")) == 4


def test_a_table_change_reaches_the_search(editor: APIClient, tables: None) -> None:
    editor.patch(
        "/api/catalog/databases/sales/tables/unrelated/",
        {"columns": [{"name": "zebra_count", "type": "int"}]},
        format="json",
    )
    assert _names(editor, q="zebra") == ["unrelated"]
    editor.delete("/api/catalog/databases/sales/tables/unrelated/")
    assert _names(editor, q="zebra") == []


def test_like_wildcards_in_a_term_are_plain_characters(viewer: APIClient, tables: None) -> None:
    assert _names(viewer, q="%") == []
    assert _names(viewer, q="_") == []


def test_no_query_lists_every_table(viewer: APIClient, tables: None) -> None:
    assert len(_names(viewer)) == 6


def test_a_term_matches_the_beginning_of_a_word(viewer: APIClient, tables: None) -> None:
    assert _names(viewer, q="pay") == ["payments"]
    assert _names(viewer, q="customer_i") == ["customer_orders"]
