"""sql: one SELECT over the node's inputs, and nothing else (Glue SQL Query).

Polars' SQL can read files through table functions (read_csv(...) and friends),
so a query is refused unless (1) a lexical check finds one SELECT, only known
table names and no table-function call, and (2) the query planned over
in-memory stand-ins of the inputs scans nothing. (2) is the guarantee: it does
not depend on how the function name is spelled or quoted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import polars as pl

from jobs.engine.expressions import polars_message
from jobs.engine.nodeutil import obj
from jobs.engine.registry import Context, ExportContext, NodeProblem, NodeType, Port, register

_STRING = re.compile(r"'(?:[^']|'')*'")
_COMMENT = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)
_IDENT = r'(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)'
_CALL = re.compile(rf"({_IDENT})\s*\(")
_TABLE = re.compile(rf"\b(?:FROM|JOIN)\s+({_IDENT})(\s*\()?", re.IGNORECASE)
_CTE = re.compile(rf"(?:\bWITH\s+(?:RECURSIVE\s+)?|,\s*)({_IDENT})\s+AS\s*\(", re.IGNORECASE)
_PLAN_READS = re.compile(r"\bSCAN\b|PYTHON SCAN|\bread_", re.IGNORECASE)


def _name(token: str) -> str:
    return token[1:-1].replace('""', '"') if token.startswith('"') else token


def check_query(query: str, aliases: set[str]) -> None:
    """Lexical checks; NodeProblem at params.query naming what is refused."""
    text = _COMMENT.sub(" ", _STRING.sub("''", query)).strip().rstrip(";").strip()
    if ";" in text:
        raise NodeProblem("params.query", "only one statement is allowed")
    first = text.split(None, 1)[0].upper() if text else ""
    if first not in ("SELECT", "WITH"):
        raise NodeProblem("params.query", f"only a SELECT statement is allowed, not {first or 'nothing'}")
    for match in _CALL.finditer(text):
        name = _name(match.group(1)).lower()
        if name.startswith(("read_", "scan_")):
            raise NodeProblem("params.query", f'table function "{_name(match.group(1))}" is not allowed')
    known = {a.lower() for a in aliases} | {_name(m.group(1)).lower() for m in _CTE.finditer(text)}
    for match in _TABLE.finditer(text):
        name = _name(match.group(1))
        if match.group(2):
            raise NodeProblem("params.query", f'table function "{name}" is not allowed')
        if name.lower() not in known and name.upper() not in ("SELECT", "LATERAL", "UNNEST"):
            raise NodeProblem("params.query", f'unknown table "{name}" (inputs: {", ".join(sorted(aliases))})')


def run_query(query: str, frames: Mapping[str, pl.LazyFrame]) -> pl.LazyFrame:
    """The planned query over `frames`, after proving on empty stand-ins that it reads no file."""
    stand_ins = {name: pl.DataFrame(schema=f.collect_schema()).lazy() for name, f in frames.items()}
    probe = pl.SQLContext(stand_ins).execute(query)
    assert isinstance(probe, pl.LazyFrame)
    if _PLAN_READS.search(probe.explain(optimizations=pl.QueryOptFlags.none())):
        raise PermissionError("the query reads something other than its inputs")
    result = pl.SQLContext(dict(frames)).execute(query)
    assert isinstance(result, pl.LazyFrame)
    return result


@register
class Sql(NodeType):
    key = "sql"
    label = "SQL query"
    category = "sql_routing"
    glue = "SQL Query"
    inputs = (Port("in", many=True),)
    params_schema = obj(
        {
            "query": {"type": "string", "minLength": 1, "x-glueweb": "sql"},
            "aliases": {"type": "object", "additionalProperties": {"type": "string"}},
        },
        ["query"],
    )

    def aliases(self, params: Mapping[str, Any], sources: list[str]) -> dict[str, int]:
        """alias -> position of the input it names."""
        mapping = params.get("aliases") or {s: s for s in sources}
        result: dict[str, int] = {}
        for alias, node in mapping.items():
            if node not in sources:
                raise NodeProblem(f"params.aliases.{alias}", f'alias "{alias}" names "{node}", which is not an input')
            result[alias] = sources.index(node)
        for node in sources:
            if list(mapping.values()).count(node) != 1:
                raise NodeProblem("params.aliases", f'input "{node}" needs exactly one alias')
        return result

    def _frames(self, params: Mapping[str, Any], inputs: Mapping[str, Any], sources: tuple[str, ...]) -> dict[str, Any]:
        return {alias: inputs["in"][i] for alias, i in self.aliases(params, list(sources)).items()}

    def output_schema(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> dict[str, pl.Schema]:
        frames = {a: pl.LazyFrame(schema=s) for a, s in self._frames(params, inputs, ctx.sources).items()}
        check_query(params["query"], set(frames))
        try:
            return {"out": run_query(params["query"], frames).collect_schema()}
        except PermissionError as exc:
            raise NodeProblem("params.query", str(exc)) from None
        except Exception as exc:
            raise NodeProblem("params.query", polars_message(exc)) from None

    def build(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> pl.LazyFrame:
        frames = self._frames(params, inputs, ctx.sources)
        check_query(params["query"], set(frames))
        return run_query(params["query"], frames)

    def export_code(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: ExportContext) -> str:
        aliases = self.aliases(params, list(ctx.sources))
        frames = ", ".join(f"{alias!r}: {inputs['in'][i]}" for alias, i in aliases.items())
        return f"pl.SQLContext({{{frames}}}).execute({ctx.lit('query')})"
