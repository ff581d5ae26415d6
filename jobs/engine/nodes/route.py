"""route: each row to every route whose condition holds, otherwise to `default` (Glue Conditional Router)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from jobs.engine.expressions import compile_expression, parse
from jobs.engine.nodeutil import obj, the_input
from jobs.engine.registry import Context, ExportContext, NodeProblem, NodeType, register

ROUTE_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"


def route(frame: pl.LazyFrame, routes: list[Mapping[str, str]]) -> dict[str, pl.LazyFrame]:
    # A null condition counts as false: fill_null(False) before negating for `default`.
    conditions = [parse(r["condition"]).fill_null(False) for r in routes]
    out = {r["name"]: frame.filter(c) for r, c in zip(routes, conditions, strict=True)}
    out["default"] = frame.filter(~pl.any_horizontal(conditions))
    return out


@register
class Route(NodeType):
    key = "route"
    label = "Route"
    category = "sql_routing"
    glue = "Conditional Router"
    outputs = ("default",)
    params_schema = obj(
        {
            "routes": {
                "type": "array",
                "minItems": 1,
                "items": obj(
                    {
                        "name": {"type": "string", "pattern": ROUTE_NAME},
                        "condition": {"type": "string", "minLength": 1, "x-glueweb": "expression"},
                    },
                    ["name", "condition"],
                ),
            }
        },
        ["routes"],
    )

    def output_ports(self, params: Mapping[str, Any]) -> tuple[str, ...]:
        routes = params.get("routes") if isinstance(params, Mapping) else None
        names = [str(r["name"]) for r in routes or [] if isinstance(r, Mapping) and isinstance(r.get("name"), str)]
        return (*names, "default")

    def check(self, params: Mapping[str, Any], inputs: Mapping[str, Any]) -> None:
        seen: set[str] = set()
        for i, r in enumerate(params["routes"]):
            if r["name"] == "default" or r["name"] in seen:
                raise NodeProblem(f"params.routes.{i}.name", f'route name "{r["name"]}" is taken')
            seen.add(r["name"])
            compile_expression(r["condition"], the_input(inputs), f"params.routes.{i}.condition", boolean=True)

    def build(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> dict[str, pl.LazyFrame]:
        return route(the_input(inputs), params["routes"])

    def export_code(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: ExportContext) -> str:
        ctx.need(parse, route)
        return f"route({inputs['in']}, {ctx.lit('routes')})"
