"""unpivot: columns become rows of (variable, value) (Glue Unpivot Columns To Rows)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from jobs.engine.nodeutil import columns_schema, common_type, obj, require_columns, the_input
from jobs.engine.registry import Context, ExportContext, NodeProblem, NodeType, register


def unpivot(
    frame: pl.LazyFrame, index: Sequence[str], on: Sequence[str] | None, variable_name: str, value_name: str
) -> pl.LazyFrame:
    schema = frame.collect_schema()
    on = list(on) if on else [c for c in schema.names() if c not in index]
    dtypes = [schema[c] for c in on]
    # Text mixed with anything gives text; otherwise numbers widen.
    target = pl.String if pl.String in dtypes else common_type(dtypes)
    frame = frame.with_columns(pl.col(on).cast(target))
    return frame.unpivot(on, index=list(index), variable_name=variable_name, value_name=value_name)


@register
class Unpivot(NodeType):
    key = "unpivot"
    label = "Unpivot"
    category = "reshaping"
    glue = "Unpivot Columns To Rows"
    params_schema = obj(
        {
            "index": columns_schema(0, default=[]),
            "on": columns_schema(1),
            "variable_name": {"type": "string", "minLength": 1, "default": "variable"},
            "value_name": {"type": "string", "minLength": 1, "default": "value"},
        }
    )

    def check(self, params: Mapping[str, Any], inputs: Mapping[str, Any]) -> None:
        schema = the_input(inputs)
        require_columns(schema, params.get("index", []), "params.index")
        require_columns(schema, params.get("on", []), "params.on")
        names = [*params.get("index", []), params.get("variable_name", "variable"), params.get("value_name", "value")]
        if len(set(names)) != len(names):
            raise NodeProblem("params.value_name", "the output would have two columns with the same name")

    def build(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> pl.LazyFrame:
        return unpivot(the_input(inputs), params.get("index", []), params.get("on"),
                       params.get("variable_name", "variable"), params.get("value_name", "value"))  # fmt: skip

    def export_code(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: ExportContext) -> str:
        ctx.need(common_type, unpivot)
        index = ctx.lit("index") if "index" in ctx.raw_params else "[]"
        on = ctx.lit("on") if "on" in ctx.raw_params else "None"
        var = ctx.lit("variable_name") if "variable_name" in ctx.raw_params else "'variable'"
        val = ctx.lit("value_name") if "value_name" in ctx.raw_params else "'value'"
        return f"unpivot({inputs['in']}, {index}, {on}, {var}, {val})"
