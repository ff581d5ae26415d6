"""Partitions: batch create and delete with per-item errors, filter expressions, single changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from catalog.filters import FilterError, parse_filter
from catalog.models import Partition, Table
from catalog.services import partitions as service

pytestmark = pytest.mark.django_db

P = "/api/catalog/databases/sales/tables/orders/partitions/"
KEYS = [{"name": "year", "type": "int"}, {"name": "region", "type": "string"}, {"name": "day", "type": "date"}]
ROWS = [
    ["2023", "eu", "2023-12-31"],
    ["2024", "eu", "2024-01-01"],
    ["2024", "us", "2024-01-02"],
    ["10", "us-east", "2010-05-05"],  # 10 < 2023 as a number, though "10" > "2023" as text
    ["2025", None, "2025-02-02"],
]


@pytest.fixture
def orders(make_table: Callable[..., Table], editor: APIClient) -> Table:
    table = make_table(partition_keys=KEYS)
    response = editor.post(P + "batch-create/", {"partitions": [{"values": v} for v in ROWS]}, format="json")
    assert response.json()["errors"] == []
    return table


def _values(editor: APIClient, expression: str) -> list[list[Any]]:
    response = editor.get(P, {"filter": expression})
    assert response.status_code == 200, response.json()
    return [p["values"] for p in response.json()["results"]]


def test_batch_create_keeps_good_items_and_reports_bad_ones(
    editor: APIClient, make_table: Callable[..., Table]
) -> None:
    make_table(partition_keys=KEYS[:2], location="lake/orders")
    items = [
        {"values": [2024, "eu"]},
        {"values": ["2024"]},
        {"values": ["x", "eu"]},
        {"values": ["2024", "eu"]},
        {"values": ["2023", "eu"], "colour": "red"},
        {"values": ["2023", "us"], "location": "s3://bucket/orders/2023/us", "parameters": {"rows": 3}},
    ]
    body = editor.post(P + "batch-create/", {"partitions": items}, format="json").json()
    assert [p["values"] for p in body["created"]] == [["2024", "eu"], ["2023", "us"]]
    assert body["created"][0]["location"] == "lake/orders/year=2024/region=eu"
    errors = {e["index"]: e["errors"] for e in body["errors"]}
    assert set(errors) == {1, 2, 3, 4}
    assert "1 values given, but the table has 2 partition keys" in errors[1]["partitions.1.values"][0]
    assert "not an integer" in errors[2]["partitions.2.values.0"][0]
    assert "earlier in this call" in errors[3]["values"][0]
    assert errors[4] == {"partitions.4.colour": ["unknown field"]}
    assert Partition.objects.count() == 2


def test_an_existing_partition_is_an_item_error(editor: APIClient, orders: Table) -> None:
    body = editor.post(P + "batch-create/", {"partitions": [{"values": ROWS[0]}]}, format="json").json()
    assert body["created"] == []
    assert "exists" in body["errors"][0]["errors"]["values"][0]


def test_more_than_a_thousand_items_is_refused_whole(editor: APIClient, make_table: Callable[..., Table]) -> None:
    make_table(partition_keys=KEYS[:1])
    items = [{"values": [str(i)]} for i in range(1001)]
    response = editor.post(P + "batch-create/", {"partitions": items}, format="json")
    assert response.status_code == 400
    assert "partitions" in response.json()
    assert not Partition.objects.exists()


def test_a_thousand_items_are_created_in_one_call(editor: APIClient, make_table: Callable[..., Table]) -> None:
    make_table(partition_keys=KEYS[:1])
    items = [{"values": [str(i)]} for i in range(1000)]
    body = editor.post(P + "batch-create/", {"partitions": items}, format="json").json()
    assert len(body["created"]) == 1000
    assert Partition.objects.count() == 1000


def test_a_single_partition_with_the_wrong_value_count_is_a_400(editor: APIClient, orders: Table) -> None:
    response = editor.post(P, {"values": ["2024"]}, format="json")
    assert response.status_code == 400
    assert "3 partition keys" in response.json()["values"][0]
    assert Partition.objects.count() == len(ROWS)


def test_batch_delete_reports_values_that_name_no_partition(editor: APIClient, orders: Table) -> None:
    body = editor.post(
        P + "batch-delete/",
        {"partitions": [{"values": ROWS[0]}, {"values": ["1999", "eu", "1999-01-01"]}]},
        format="json",
    ).json()
    assert body["deleted"] == 1
    assert body["errors"][0]["index"] == 1
    assert Partition.objects.count() == len(ROWS) - 1


def test_a_viewer_cannot_create_or_delete_partitions(viewer: APIClient, orders: Table) -> None:
    assert viewer.post(P + "batch-create/", {"partitions": []}, format="json").status_code == 403
    assert viewer.post(P + "batch-delete/", {"partitions": []}, format="json").status_code == 403
    assert viewer.get(P).status_code == 200


def test_a_partition_can_be_changed_and_deleted(editor: APIClient, orders: Table) -> None:
    first = Partition.objects.order_by("id").first()
    assert first is not None
    response = editor.patch(f"{P}{first.pk}/", {"parameters": {"rows": 5}}, format="json")
    assert response.json()["parameters"] == {"rows": 5}
    assert editor.patch(f"{P}{first.pk}/", {"values": ["1"]}, format="json").json() == {"values": ["unknown field"]}
    assert editor.delete(f"{P}{first.pk}/").status_code == 204
    assert editor.get(f"{P}{first.pk}/").status_code == 404


def test_partition_keys_cannot_change_while_partitions_exist(editor: APIClient, orders: Table) -> None:
    response = editor.patch("/api/catalog/databases/sales/tables/orders/", {"partition_keys": KEYS[:1]}, format="json")
    assert response.status_code == 400
    assert "partition_keys" in response.json()


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("year = 2024", [ROWS[1], ROWS[2]]),
        ("year < 2023", [ROWS[3]]),
        ("year >= 2024 AND region = 'eu'", [ROWS[1]]),
        ("2024 <= year AND region <> 'eu'", [ROWS[2]]),
        ("year BETWEEN 11 AND 2024", [ROWS[0], ROWS[1], ROWS[2]]),
        ("year NOT BETWEEN 11 AND 2024", [ROWS[3], ROWS[4]]),
        ("region IN ('us', 'us-east')", [ROWS[2], ROWS[3]]),
        ("region NOT IN ('us')", [ROWS[0], ROWS[1], ROWS[3]]),
        ("region LIKE 'us%'", [ROWS[2], ROWS[3]]),
        ("region LIKE 'e_'", [ROWS[0], ROWS[1]]),
        ("region NOT LIKE 'us%'", [ROWS[0], ROWS[1]]),
        ("region IS NULL", [ROWS[4]]),
        ("region IS NOT NULL AND NOT (year = 2024 OR year = 10)", [ROWS[0]]),
        ("region != 'eu'", [ROWS[2], ROWS[3]]),
        ("day >= '2024-01-01' and day < '2025-01-01'", [ROWS[1], ROWS[2]]),
        ('"year" = 10', [ROWS[3]]),
        ("year = '2023'", [ROWS[0]]),
    ],
)
def test_the_partition_filter_selects_in_the_database_and_in_python(
    editor: APIClient, orders: Table, expression: str, expected: list[list[Any]]
) -> None:
    assert _values(editor, expression) == expected
    parsed = parse_filter(expression, KEYS)
    assert [v for v in ROWS if parsed.matches(v)] == expected


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("yeer = 1", 'unknown partition key "yeer" (keys: year, region, day) at position 0'),
        ("year = ", "expected a literal ('text' or a number), found the end at position 7"),
        ("year = 1 AND", "expected a partition key, found the end at position 12"),
        ("year == 1", "expected a literal"),
        ("year = 'abc'", 'key "year" is numeric'),
        ("(year = 1", 'expected ")"'),
        ("year = 1; DROP TABLE x", 'unexpected ";" at position 8'),
        ("year = NULL", "IS NULL"),
        ("region LIKE 5", "'text' pattern"),
        ("year = region", "expected a literal"),
        ("", "the filter is empty"),
        ("year IN ()", "expected a literal"),
        ("lower(region) = 'eu'", 'unknown partition key "lower"'),
    ],
)
def test_bad_filters_are_refused_with_a_message(expression: str, message: str) -> None:
    with pytest.raises(FilterError) as caught:
        parse_filter(expression, KEYS)
    assert message in str(caught.value)


def test_a_bad_filter_is_a_400_naming_the_filter(editor: APIClient, orders: Table) -> None:
    response = editor.get(P, {"filter": "year >"})
    assert response.status_code == 400
    assert "filter" in response.json()


def test_partition_lists_page_by_cursor(editor: APIClient, orders: Table) -> None:
    first = editor.get(P, {"limit": 3}).json()
    rest = editor.get(P, {"limit": 3, "cursor": first["next_cursor"]}).json()
    assert [p["values"] for p in first["results"] + rest["results"]] == ROWS
    assert rest["next_cursor"] is None


_key_literals = {
    "year": st.sampled_from(["10", "2023", "2024", "2025", "11", "'2024'"]),
    "region": st.sampled_from(["'eu'", "'us'", "'us-east'", "'x'", "'u%'", "'%s%'"]),
    "day": st.sampled_from(["'2024-01-01'", "'2023-12-31'", "'2025'"]),
}


@st.composite
def _predicates(draw: st.DrawFn) -> str:
    key = draw(st.sampled_from(list(_key_literals)))
    literal = draw(_key_literals[key])
    form = draw(st.sampled_from(["cmp", "in", "between", "like", "null"]))
    if form == "cmp":
        return f"{key} {draw(st.sampled_from(['=', '!=', '<', '<=', '>', '>=']))} {literal}"
    if form == "in":
        return f"{key} {draw(st.sampled_from(['IN', 'NOT IN']))} ({literal}, {draw(_key_literals[key])})"
    if form == "between":
        return f"{key} {draw(st.sampled_from(['BETWEEN', 'NOT BETWEEN']))} {literal} AND {draw(_key_literals[key])}"
    if form == "like" and key != "year":
        return f"{key} {draw(st.sampled_from(['LIKE', 'NOT LIKE']))} {literal}"
    return f"{key} IS {draw(st.sampled_from(['', 'NOT ']))}NULL"


_expressions = st.recursive(
    _predicates(),
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["AND", "OR"]), inner).map(lambda t: f"({t[0]}) {t[1]} ({t[2]})"),
        inner.map(lambda e: f"NOT ({e})"),
    ),
    max_leaves=5,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_expressions)
# Found by hypothesis: NOT over a comparison with a null value is still UNKNOWN.
@example("NOT (region != 'eu')")
@example("NOT (region IN ('eu') OR NOT year > 2024)")
def test_the_database_and_python_agree_on_any_filter(orders: Table, expression: str) -> None:
    parsed = parse_filter(expression, KEYS)
    in_db = list(
        Partition.objects.filter(table=orders).filter(parsed.to_q()).order_by("id").values_list("values", flat=True)
    )
    assert in_db == [v for v in ROWS if parsed.matches(v)]


# The crawler's bulk path (add_found_partitions): COPY on PostgreSQL, bulk INSERT elsewhere.
FOUND_KEYS = [{"name": "region", "type": "string"}, {"name": "day", "type": "bigint"}]
AWKWARD = [  # what COPY's text format must escape, and more
    "eu",
    "tab\there",
    "new\nline",
    "back\\slash",
    "quote'\"",
    "\\N",
    "naïve ✓",
    "",
    "__HIVE_DEFAULT_PARTITION__",
]


def _found_items(prefix: str) -> list[tuple[list[str], str, dict[str, Any]]]:
    return [
        ([value, str(day)], f"{prefix}/region={value}/day={day}", {"object_count": day, "size_bytes": 10 * day})
        for day, value in enumerate(AWKWARD, start=1)
    ]


def _stored(table: Table) -> list[tuple[Any, ...]]:
    rows = Partition.objects.filter(table=table).order_by("values_key")
    return [(p.values, p.values_key, p.location, p.parameters) for p in rows]


def test_found_partitions_are_stored_as_a_batch_create_stores_them(make_table: Callable[..., Table]) -> None:
    found = make_table("found", partition_keys=FOUND_KEYS)
    given = make_table("given", partition_keys=FOUND_KEYS)
    assert service.add_found_partitions(found, _found_items("s3://lake/t")) == (len(AWKWARD), [])
    items = [{"values": v, "location": loc, "parameters": p} for v, loc, p in _found_items("s3://lake/t")]
    _, errors = service.batch_create_partitions(given, items)
    assert errors == []
    assert _stored(found) == _stored(given)
    assert len(_stored(found)) == len(AWKWARD)
    # The stored values are what filters read: text, whatever the key's type.
    day_3 = parse_filter("day = 3", FOUND_KEYS).to_q()
    assert list(Partition.objects.filter(table=found).filter(day_3).values_list("values", flat=True)) == [
        ["new\nline", "3"]
    ]


def test_a_refused_found_partition_writes_none(make_table: Callable[..., Table]) -> None:
    table = make_table(partition_keys=FOUND_KEYS)
    items = _found_items("s3://lake/t")
    items[1] = (["x" * 256, "2"], items[1][1], items[1][2])
    items[2] = (items[2][0], "s3://lake/" + "y" * 1020, items[2][2])
    created, errors = service.add_found_partitions(table, items)
    assert created == 0
    assert [e["errors"] for e in errors] == [
        {"partitions.1.values.0": ["must be at most 255 characters"]},
        {"partitions.2.location": ["must be at most 1024 characters"]},
    ]
    assert not Partition.objects.filter(table=table).exists()


def test_found_partitions_that_exist_meanwhile_write_none(make_table: Callable[..., Table]) -> None:
    table = make_table(partition_keys=FOUND_KEYS)
    items = _found_items("s3://lake/t")
    service.batch_create_partitions(table, [{"values": items[3][0]}])
    with pytest.raises(ValidationError) as refused:
        service.add_found_partitions(table, items)
    assert refused.value.message_dict == {"partitions": ["partitions were created concurrently; try again"]}
    assert [p.values for p in Partition.objects.filter(table=table)] == [items[3][0]]  # the call wrote nothing
