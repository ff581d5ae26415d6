"""The design-time graph API: node types, validate, schema, preview and export."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from rest_framework.test import APIClient

from jobs.api.graphs import MAX_GRAPH_BYTES
from tests.engine.harness import document

pytestmark = pytest.mark.django_db

Api = Callable[..., APIClient]


def graph(lake: Path) -> dict[str, Any]:
    pl.DataFrame({"id": range(50), "total": [float(i) for i in range(50)]}).write_parquet(lake / "orders.parquet")
    return document(
        [
            {"id": "orders", "type": "read_files", "params": {"path": "lake/orders.parquet", "format": "parquet"}},
            {"id": "big", "type": "filter", "params": {"condition": "total > ${min_total}"}},
            {"id": "w", "type": "write_files", "params": {"path": "lake/out"}},
        ],
        [{"source": "orders", "target": "big"}, {"source": "big", "target": "w"}],
        [{"name": "min_total", "type": "number", "default": 10}],
    )


def test_node_types_are_served_with_their_json_schema(api: Api) -> None:
    response = api("viewer").get("/api/node-types/")
    assert response.status_code == 200
    types = {t["key"]: t for t in response.json()}
    assert types["filter"]["inputs"] == [{"name": "in", "many": False}]
    assert types["join"]["params_schema"]["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert types["union"]["inputs"] == [{"name": "in", "many": True}]
    assert "read_sql" not in types and "python" not in types


def test_anonymous_requests_are_refused(api: Api) -> None:
    assert api(None).get("/api/node-types/").status_code in (401, 403)


def test_validate_answers_every_error(api: Api, lake: Path) -> None:
    doc = graph(lake)
    doc["nodes"][1]["params"]["condition"] = "totl > 1"
    response = api("viewer").post("/api/graphs/validate/", doc, format="json")
    assert response.status_code == 200
    assert response.json()["valid"] is False
    assert [(e["node"], e["field"]) for e in response.json()["errors"]] == [("big", "params.condition")]


def test_a_body_that_is_not_json_is_a_clear_400(api: Api) -> None:
    response = api("viewer").post("/api/graphs/validate/", "{nope", content_type="application/json")
    assert response.status_code == 400
    assert "not valid JSON" in response.json()["errors"][0]["message"]


def test_a_body_that_is_too_large_is_a_clear_400(api: Api) -> None:
    body = json.dumps({"format": "glueweb.graph/1", "nodes": [], "pad": "x" * MAX_GRAPH_BYTES})
    response = api("viewer").post("/api/graphs/validate/", body, content_type="application/json")
    assert response.status_code == 400
    assert "larger than" in response.json()["errors"][0]["message"]


def test_an_unknown_format_version_is_a_clear_400(api: Api) -> None:
    response = api("viewer").post("/api/graphs/validate/", {"format": "glueweb.graph/9", "nodes": []}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "format"


def test_schema_gives_each_node_its_columns_in_catalog_types(api: Api, lake: Path) -> None:
    response = api("viewer").post("/api/graphs/schema/", {"graph": graph(lake)}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["errors"] == []
    assert body["nodes"]["big"]["ports"]["out"] == [
        {"name": "id", "type": "bigint", "comment": None},
        {"name": "total", "type": "double", "comment": None},
    ]
    assert body["nodes"]["w"]["ports"] == {}


def test_preview_shows_the_first_rows_of_a_sample(api: Api, lake: Path) -> None:
    body = {"graph": graph(lake), "node": "big", "limit": 5, "sample_rows": 20}
    response = api("viewer").post("/api/graphs/preview/", body, format="json")
    assert response.status_code == 200, response.json()
    result = response.json()
    assert result["sample"]["is_sample"] is True and result["sample"]["rows_per_source"] == 20
    assert [r["id"] for r in result["rows"]] == [11, 12, 13, 14, 15]
    assert not (lake / "out").exists()


def test_preview_of_the_sample_never_reaches_beyond_it(api: Api, lake: Path) -> None:
    body = {"graph": graph(lake), "node": "big", "sample_rows": 15}
    result = api("viewer").post("/api/graphs/preview/", body, format="json").json()
    assert [r["id"] for r in result["rows"]] == [11, 12, 13, 14]


def test_preview_of_a_node_with_errors_answers_them(api: Api, lake: Path) -> None:
    doc = graph(lake)
    doc["nodes"][1]["params"]["condition"] = "nope > 1"
    response = api("viewer").post("/api/graphs/preview/", {"graph": doc, "node": "big"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "params.condition"


def test_export_returns_a_script_with_the_parameters_as_options(api: Api, lake: Path) -> None:
    response = api("viewer").post("/api/graphs/export/", {"graph": graph(lake), "title": "Orders"}, format="json")
    assert response.status_code == 200
    script = response.json()["script"]
    assert "--min-total" in script and "import polars as pl" in script
    assert "from jobs" not in script and "import django" not in script and "from django" not in script


def test_a_user_without_a_role_cannot_use_the_graph_api(make_user: Callable[..., Any], lake: Path) -> None:
    client = APIClient()
    client.force_authenticate(make_user(None))
    response = client.post("/api/graphs/validate/", graph(lake), format="json")
    assert response.status_code == 403
    assert "view" in response.json()["detail"]


def test_preview_shows_one_output_port_of_a_route(api: Api, lake: Path) -> None:
    doc = graph(lake)
    doc["nodes"].append(
        {"id": "r", "type": "route", "params": {"routes": [{"name": "odd", "condition": "id % 2 = 1"}]}}
    )
    doc["edges"].append({"source": "orders", "target": "r"})
    body = {"graph": doc, "node": "r", "port": "default", "limit": 3}
    result = api("viewer").post("/api/graphs/preview/", body, format="json").json()
    assert result["port"] == "default" and [r["id"] for r in result["rows"]] == [0, 2, 4]
