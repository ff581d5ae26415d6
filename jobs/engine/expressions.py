"""SQL expressions over a node's input columns (docs/expressions.md), checked against its schema."""

from __future__ import annotations

import difflib
import re

import polars as pl

from jobs.engine.registry import NodeProblem, empty_frame

# Strings and quoted names are removed before looking for keywords, so 'select' inside text is fine.
_QUOTED = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"")
_SUBQUERY = re.compile(r"\bselect\b", re.IGNORECASE)  # FROM alone is fine: EXTRACT(.. FROM ..), IS DISTINCT FROM


def polars_message(exc: BaseException) -> str:
    """Polars' first paragraph, without the plan dump that follows it."""
    return str(exc).split("\n\n", 1)[0].strip()


def suggest(name: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return f'; did you mean "{close[0]}"?' if close else ""


def unknown_column(name: str, schema: pl.Schema) -> str:
    return f'unknown column "{name}"{suggest(name, list(schema.names()))}'


_parsed: dict[str, pl.Expr] = {}
PARSED_LIMIT = 4096


def parse(text: str) -> pl.Expr:
    """The Polars expression for one SQL expression; no checks against a schema (exported scripts copy it)."""
    expr = pl.sql_expr(text)
    assert isinstance(expr, pl.Expr)
    return expr


def parsed(text: str) -> pl.Expr:
    """parse(), once per text: a run parses each expression three times (its check, the schema
    analysis, the build), and expressions are immutable, so the first parse serves the others.
    """
    expr = _parsed.get(text)
    if expr is None:
        expr = parse(text)
        if len(_parsed) >= PARSED_LIMIT:
            _parsed.clear()
        _parsed[text] = expr
    return expr


def forget_parsed() -> None:
    _parsed.clear()


def compile_expression(text: str, schema: pl.Schema, field: str, *, boolean: bool = False) -> pl.Expr:
    """Parse and check an expression against `schema`; NodeProblem at `field` for anything wrong."""
    if not isinstance(text, str) or not text.strip():
        raise NodeProblem(field, "the expression is empty")
    if _SUBQUERY.search(_QUOTED.sub("''", text)):
        raise NodeProblem(field, "an expression cannot contain a subquery or refer to a table")
    try:
        expr = parsed(text)
    except Exception as exc:  # Polars raises SQLInterfaceError / SQLSyntaxError / ComputeError
        raise NodeProblem(field, polars_message(exc)) from None
    for name in expr.meta.root_names():
        if name not in schema:
            raise NodeProblem(field, unknown_column(name, schema))
    try:
        dtype = empty_frame(schema).select(expr.alias("__result")).collect_schema()["__result"]
    except Exception as exc:
        message = polars_message(exc)
        match = re.search(r'unable to find column "([^"]+)"', message)
        if match:
            raise NodeProblem(field, unknown_column(match.group(1), schema)) from None
        raise NodeProblem(field, message) from None
    if boolean and dtype not in (pl.Boolean, pl.Null):
        raise NodeProblem(field, f"a condition must be true or false, but this expression gives {dtype}")
    return expr
