"""filter: keep rows where a SQL condition, or a form-built rule set, is true (Glue Filter)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import reduce
from typing import Any

import polars as pl

from jobs.engine.expressions import compile_expression, parsed
from jobs.engine.nodeutil import obj, require_column, the_input
from jobs.engine.registry import Context, ExportContext, NodeProblem, NodeType, register

OPS = ["eq", "ne", "lt", "le", "gt", "ge", "in", "between", "is_null", "not_null",
       "contains", "starts_with", "ends_with", "regex"]  # fmt: skip
TEXT_OPS = {"contains", "starts_with", "ends_with", "regex"}


def literal(value: Any, dtype: pl.DataType) -> pl.Expr:
    """A rule's value in the column's type; dates and timestamps come as ISO 8601 text."""
    if dtype == pl.Date and isinstance(value, str):
        return pl.lit(value).str.to_date("%Y-%m-%d")
    if isinstance(dtype, pl.Datetime) and isinstance(value, str):
        return pl.lit(value).str.to_datetime(time_unit="us")
    return pl.lit(value).cast(dtype, strict=True)


def rule_expr(rule: Mapping[str, Any], dtype: pl.DataType) -> pl.Expr:
    col, op = pl.col(rule["column"]), rule["op"]
    value: Any = rule.get("value")
    if op in ("eq", "ne", "lt", "le", "gt", "ge"):
        other = literal(value, dtype)
        expr = {"eq": col == other, "ne": col != other, "lt": col < other,
                "le": col <= other, "gt": col > other, "ge": col >= other}[op]  # fmt: skip
    elif op == "in":
        expr = col.is_in(pl.lit(pl.Series(list(value)).cast(dtype)).implode())
    elif op == "between":
        expr = col.is_between(literal(value[0], dtype), literal(value[1], dtype))
    elif op == "is_null":
        expr = col.is_null()
    elif op == "not_null":
        expr = col.is_not_null()
    elif op == "contains":
        expr = col.str.contains(value, literal=True)
    elif op == "starts_with":
        expr = col.str.starts_with(value)
    elif op == "ends_with":
        expr = col.str.ends_with(value)
    else:
        expr = col.str.contains(value)
    # A null condition drops the row whether negated or not (SQL semantics).
    return ~expr if rule.get("negate", False) else expr


def rules_expr(rules: Mapping[str, Any], schema: Mapping[str, pl.DataType]) -> pl.Expr:
    parts: Sequence[pl.Expr] = [rule_expr(r, schema[r["column"]]) for r in rules["conditions"]]
    combine = rules.get("combine", "and")
    return reduce(lambda a, b: (a & b) if combine == "and" else (a | b), parts)


@register
class Filter(NodeType):
    key = "filter"
    label = "Filter"
    category = "rows"
    glue = "Filter"
    params_schema = obj(
        {
            "condition": {"type": "string", "minLength": 1, "title": "Condition", "x-glueweb": "expression"},
            "rules": obj(
                {
                    "combine": {"enum": ["and", "or"], "default": "and"},
                    "conditions": {
                        "type": "array",
                        "minItems": 1,
                        "items": obj(
                            {
                                "column": {"type": "string", "minLength": 1, "x-glueweb": "column"},
                                "op": {"enum": OPS},
                                "value": {},
                                "negate": {"type": "boolean", "default": False},
                            },
                            ["column", "op"],
                        ),
                    },
                },
                ["conditions"],
            ),
        },
        oneOf=[{"required": ["condition"]}, {"required": ["rules"]}],
    )

    def check(self, params: Mapping[str, Any], inputs: Mapping[str, Any]) -> None:
        schema = the_input(inputs)
        if "condition" in params:
            compile_expression(params["condition"], schema, "params.condition", boolean=True)
            return
        for i, rule in enumerate(params["rules"]["conditions"]):
            where = f"params.rules.conditions.{i}"
            require_column(schema, rule["column"], f"{where}.column")
            dtype, op, value = schema[rule["column"]], rule["op"], rule.get("value")
            if op in TEXT_OPS and dtype != pl.String:
                raise NodeProblem(f"{where}.op", f'{op} needs a text column; "{rule["column"]}" is {dtype}')
            if op in TEXT_OPS and not isinstance(value, str):
                raise NodeProblem(f"{where}.value", f"{op} needs a text value")
            if op == "in" and not isinstance(value, list):
                raise NodeProblem(f"{where}.value", "in needs a list of values")
            if op == "between" and not (isinstance(value, list) and len(value) == 2):
                raise NodeProblem(f"{where}.value", "between needs [low, high]")
            try:
                pl.DataFrame(schema={rule["column"]: dtype}).filter(rule_expr(rule, dtype))
            except Exception as exc:
                from jobs.engine.expressions import polars_message

                raise NodeProblem(f"{where}.value", f"{value!r} does not fit {dtype}: {polars_message(exc)}") from None

    def output_schema(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> dict[str, pl.Schema]:
        # Rows change, columns do not: the input's schema, without planning build() (a cost every run pays).
        self.check(params, inputs)
        return {"out": the_input(inputs)}

    def build(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> pl.LazyFrame:
        frame: pl.LazyFrame = the_input(inputs)
        if "condition" in params:
            return frame.filter(parsed(params["condition"]))
        return frame.filter(rules_expr(params["rules"], frame.collect_schema()))

    def export_code(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: ExportContext) -> str:
        if "condition" in params:
            return f"{inputs['in']}.filter(pl.sql_expr({ctx.lit('condition')}))"
        ctx.need(literal, rule_expr, rules_expr)
        return f"{inputs['in']}.filter(rules_expr({ctx.lit('rules')}, {inputs['in']}.collect_schema()))"
