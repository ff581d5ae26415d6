"""The SQL node reads its inputs and nothing else."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

from jobs.engine.compiler import build_frames
from jobs.engine.registry import Context
from jobs.engine.validate import analyze, validate
from tests.engine.harness import document

SOURCE = {"id": "t", "type": "inline_data", "params": {"columns": [{"name": "a", "type": "bigint"}], "rows": [[1]]}}


def sql_graph(query: str) -> dict[str, Any]:
    return document([SOURCE, {"id": "q", "type": "sql", "params": {"query": query}}], [{"source": "t", "target": "q"}])


@pytest.fixture
def secret(lake: Path) -> Path:
    path = lake / "secret.csv"
    path.write_text("a\n42\n")
    pl.DataFrame({"a": [42]}).write_parquet(lake / "secret.parquet")
    return path


SPELLINGS = [
    "SELECT * FROM read_csv('{csv}')",
    "select * from READ_CSV('{csv}')",
    "SELECT * FROM \"read_csv\"('{csv}')",
    "SELECT * FROM Read_Csv ( '{csv}' )",
    "SELECT * FROM read_parquet('{parquet}')",
    "SELECT * FROM read_ipc('{parquet}')",
    "SELECT * FROM read_json('{csv}')",
    "SELECT * FROM read_ndjson('{csv}')",
    "SELECT * FROM t, read_csv('{csv}') AS r",
    "SELECT * FROM t JOIN read_csv('{csv}') r ON true",
    "WITH x AS (SELECT * FROM read_csv('{csv}')) SELECT * FROM x",
    "SELECT (SELECT MAX(a) FROM read_csv('{csv}')) AS m FROM t",
    "SELECT * FROM t WHERE a IN (SELECT a FROM read_csv('{csv}'))",
    "SELECT * FROM t UNION ALL SELECT * FROM read_csv('{csv}')",
    "SELECT * FROM /* c */ read_csv('{csv}')",
    "SELECT * FROM\nread_csv\n('{csv}')",
    "SELECT * FROM secret",
    "SELECT * FROM t; SELECT * FROM read_csv('{csv}')",
]


@pytest.mark.parametrize("template", SPELLINGS)
def test_a_query_cannot_read_a_file(secret: Path, template: str) -> None:
    query = template.format(csv=secret, parquet=secret.with_suffix(".parquet"))
    errors = validate(sql_graph(query))
    assert [(e["node"], e["field"]) for e in errors] == [("q", "params.query")], query


@pytest.mark.parametrize("template", SPELLINGS)
def test_building_refuses_a_file_reading_query_even_without_validation(secret: Path, template: str) -> None:
    query = template.format(csv=secret, parquet=secret.with_suffix(".parquet"))
    analysis = analyze(sql_graph("SELECT * FROM t"))
    params = dict(analysis.params)
    params["q"] = {"query": query}
    tampered = analysis.__class__(**{**analysis.__dict__, "params": params})
    with pytest.raises(Exception):  # noqa: B017  (NodeProblem, PermissionError or a Polars error: all refuse)
        frames = build_frames(tampered, Context(run_id="t", preview=True))
        frames[("q", "out")].collect()


@pytest.mark.parametrize(
    "query", ["DROP TABLE t", "SHOW TABLES", "EXPLAIN SELECT * FROM t", "CREATE TABLE x AS SELECT 1"]
)
def test_only_a_select_statement_is_allowed(query: str) -> None:
    assert [e["field"] for e in validate(sql_graph(query))] == ["params.query"]


def test_a_query_over_its_inputs_works() -> None:
    frames = build_frames(analyze(sql_graph("SELECT a + 1 AS b FROM t")), Context(run_id="t", preview=True))
    assert frames[("q", "out")].collect().to_dicts() == [{"b": 2}]


def test_an_alias_must_name_a_connected_node() -> None:
    doc = sql_graph("SELECT * FROM x")
    doc["nodes"][1]["params"]["aliases"] = {"x": "nowhere"}
    assert [e["field"] for e in validate(doc)] == ["params.aliases.x"]
