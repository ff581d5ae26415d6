"""Schema propagation as the editor sees it: each node's output ports, in catalog types."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from jobs.engine.validate import analyze


def columns(schema: pl.Schema) -> list[dict[str, Any]]:
    from catalog.types import from_polars

    result = []
    for name, dtype in schema.items():
        try:
            text, comment = from_polars(dtype)
        except ValueError:
            text, comment = None, f"no catalog type for {dtype}"
        result.append({"name": name, "type": text, "comment": comment})
    return result


def graph_schemas(document: Any, run_parameters: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """{"nodes": {id: {"ports": {port: [columns]}}}, "errors": [...]}; reads file metadata only."""
    analysis = analyze(document, run_parameters)
    nodes = {
        node_id: {"ports": {port: columns(schema) for port, schema in ports.items()}}
        for node_id, ports in analysis.schemas.items()
    }
    return {"nodes": nodes, "errors": analysis.errors_as_dicts()}
