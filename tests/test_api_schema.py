"""The OpenAPI schema (/api/schema/, drf-spectacular): it builds clean, and describes every body.

Clients are generated from this schema, so a view drf-spectacular cannot read (it silently drops
it, or guesses an empty body) is a defect even though the view itself works.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from drf_spectacular.drainage import reset_generator_stats

from crawlers.models import CrawlerRunState
from jobs.models import JobRun

Schema = dict[str, Any]
BODY_METHODS = ("post", "put", "patch")
# Operations whose request carries nothing: what they act on is named in the path.
NO_BODY = {
    ("/api/catalog/connections/{name}/test/", "post"),
    ("/api/diagnostics/ping/", "post"),
    ("/api/runs/{id}/stop/", "post"),
    ("/api/crawlers/{name}/start/", "post"),
    ("/api/crawlers/{name}/stop/", "post"),
    ("/api/crawlers/{name}/dry-run/", "post"),
}


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory) -> Schema:
    """The schema as `manage.py spectacular --validate --fail-on-warn` writes it (any warning fails)."""
    target: Path = tmp_path_factory.mktemp("schema") / "schema.json"
    reset_generator_stats()  # count only this build's warnings, not those of schemas served earlier
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", "--file", str(target))
    loaded: Schema = json.loads(target.read_text())
    return loaded


def resolve(schema: Schema, node: dict[str, Any]) -> dict[str, Any]:
    """Follow $ref (also through allOf: [{$ref}], as drf-spectacular writes nullable references)."""
    while True:
        if "$ref" in node:
            node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
        elif len(node.get("allOf", [])) == 1:
            node = node["allOf"][0]
        else:
            return node


def ref_name(node: dict[str, Any]) -> str:
    """The component a property refers to, directly or through allOf (read-only or nullable)."""
    ref: str = node["$ref"] if "$ref" in node else node["allOf"][0]["$ref"]
    return ref.rsplit("/", 1)[1]


def json_body(schema: Schema, holder: dict[str, Any]) -> dict[str, Any]:
    return resolve(schema, holder["content"]["application/json"]["schema"])


def response(schema: Schema, path: str, method: str, status: str) -> dict[str, Any]:
    return json_body(schema, schema["paths"][path][method]["responses"][status])


def request(schema: Schema, path: str, method: str) -> dict[str, Any]:
    return json_body(schema, schema["paths"][path][method]["requestBody"])


def operations(schema: Schema) -> list[tuple[str, str, dict[str, Any]]]:
    methods = {"get", "post", "put", "patch", "delete"}
    return [(p, m, op) for p, item in schema["paths"].items() for m, op in item.items() if m in methods]


def test_the_schema_builds_without_warnings_and_validates(schema: Schema) -> None:
    # The fixture raised if drf-spectacular warned or the document broke the OpenAPI schema.
    paths = schema["paths"]
    for expected in ("/api/crawlers/", "/api/graphs/preview/", "/api/jobs/{id}/runs/", "/api/runs/{id}/"):
        assert expected in paths, f"{expected} is missing: a view drf-spectacular could not read is left out"


def test_every_operation_answers_a_described_body(schema: Schema) -> None:
    bare = []
    for path, method, op in operations(schema):
        success = {code: r for code, r in op["responses"].items() if code.startswith("2")}
        if not success or any(code != "204" and not r.get("content") for code, r in success.items()):
            bare.append(f"{method.upper()} {path}")
    assert bare == []


def test_every_operation_that_takes_a_body_describes_it(schema: Schema) -> None:
    bare = [
        f"{method.upper()} {path}"
        for path, method, op in operations(schema)
        if method in BODY_METHODS and (path, method) not in NO_BODY and "requestBody" not in op
    ]
    assert bare == []
    assert all("requestBody" not in schema["paths"][p][m] for p, m in NO_BODY)


def test_operation_ids_are_unique_and_chosen_rather_than_numbered(schema: Schema) -> None:
    ids = [op["operationId"] for _, _, op in operations(schema)]
    assert len(ids) == len(set(ids))
    assert not [i for i in ids if i[-1].isdigit()]  # drf-spectacular's way out of a collision


def test_starting_a_job_takes_parameters_and_answers_the_run(schema: Schema) -> None:
    body = request(schema, "/api/jobs/{id}/runs/", "post")
    assert body["properties"]["parameters"]["type"] == "object"
    assert body["properties"]["timeout_minutes"]["type"] == "number"
    assert "nodes" in response(schema, "/api/jobs/{id}/runs/", "post", "201")["properties"]
    errors = response(schema, "/api/jobs/{id}/runs/", "post", "400")
    shapes = [resolve(schema, one)["properties"] for one in errors["oneOf"]]
    assert {"field"} in [set(s) for s in shapes] and {"errors"} in [set(s) for s in shapes]


def test_a_run_has_the_glue_run_states(schema: Schema) -> None:
    run = response(schema, "/api/runs/{id}/", "get", "200")
    state = resolve(schema, run["properties"]["state"])
    assert state["enum"] == JobRun.State.values
    assert state["enum"] == ["WAITING", "STARTING", "RUNNING", "STOPPING", "STOPPED", "SUCCEEDED", "FAILED",
                             "TIMEOUT", "ERROR"]  # fmt: skip
    assert ref_name(run["properties"]["state"]) == "RunStateEnum"
    node = resolve(schema, run["properties"]["nodes"]["items"])
    assert ref_name(node["properties"]["state"]) == "NodeRunStateEnum"


def test_the_jobs_list_carries_each_jobs_last_run(schema: Schema) -> None:
    listed = response(schema, "/api/jobs/", "get", "200")
    job = resolve(schema, listed["items"])
    last_run = job["properties"]["last_run"]
    assert last_run["nullable"] is True
    fields = resolve(schema, last_run)["properties"]
    assert set(fields) == {"id", "state", "created_at", "completed_at"}
    assert ref_name(fields["state"]) == "RunStateEnum"
    assert resolve(schema, job["properties"]["graph"])["properties"]["nodes"]["type"] == "array"
    assert "last_run" not in response(schema, "/api/jobs/{id}/", "get", "200")["properties"]


def test_crawlers_and_their_runs_are_typed(schema: Schema) -> None:
    listed = response(schema, "/api/crawlers/", "get", "200")
    crawler = resolve(schema, listed["properties"]["results"]["items"])
    assert {"name", "targets", "database", "schedule", "last_run"} <= set(crawler["properties"])
    run = resolve(schema, crawler["properties"]["last_run"])
    assert resolve(schema, run["properties"]["state"])["enum"] == CrawlerRunState.values
    created = request(schema, "/api/crawlers/", "post")
    assert set(created["required"]) == {"name", "targets", "database"}
    assert "required" not in request(schema, "/api/crawlers/{name}/", "patch")  # PATCH takes any subset
    detail = response(schema, "/api/crawlers/{name}/runs/{run_id}/", "get", "200")
    assert {"changes", "tables", "file_errors", "log"} <= set(detail["properties"])


def test_the_design_time_graph_calls_are_typed(schema: Schema) -> None:
    preview = request(schema, "/api/graphs/preview/", "post")
    assert {"graph", "node"} <= set(preview["required"])
    assert set(response(schema, "/api/graphs/preview/", "post", "200")["properties"]) == {
        "node", "port", "columns", "rows", "sample",
    }  # fmt: skip
    errors = response(schema, "/api/graphs/preview/", "post", "400")
    error = resolve(schema, errors["properties"]["errors"]["items"])
    assert set(error["properties"]) == {"node", "field", "message"}
    validate = request(schema, "/api/graphs/validate/", "post")
    kinds = [set(resolve(schema, one)["properties"]) for one in validate["oneOf"]]
    assert {"format", "parameters", "nodes", "edges"} in kinds and {"graph", "parameters"} in kinds
    node_types = response(schema, "/api/node-types/", "get", "200")
    assert "params_schema" in resolve(schema, node_types["items"])["properties"]
