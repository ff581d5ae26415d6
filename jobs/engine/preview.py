"""Editor previews: the first rows of any node, computed on a bounded sample of every source."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from jobs.engine.compiler import BuildError, build_frames
from jobs.engine.expressions import polars_message
from jobs.engine.registry import Context
from jobs.engine.schema import columns
from jobs.engine.validate import analyze

DEFAULT_LIMIT = 100
DEFAULT_SAMPLE_ROWS = 10_000
MAX_LIMIT = 10_000


class PreviewError(Exception):
    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__("; ".join(e["message"] for e in errors))
        self.errors = errors


def preview(
    document: Any,
    node: str,
    *,
    port: str | None = None,
    limit: int = DEFAULT_LIMIT,
    sample_rows: int = DEFAULT_SAMPLE_ROWS,
    run_parameters: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """{"node", "port", "columns", "rows", "sample": {...}}; raises PreviewError naming what is wrong."""
    analysis = analyze(document, run_parameters)
    if analysis.graph is None or node not in {n.id for n in analysis.graph.nodes}:
        raise PreviewError([{"node": None, "field": "node", "message": f'no node has the id "{node}"'}])
    upstream_errors = [e for e in analysis.errors_as_dicts() if e["node"] is None or e["node"] == node]
    if node not in analysis.schemas:
        message = "this node cannot be previewed until it and the nodes before it are valid"
        raise PreviewError(upstream_errors or [{"node": node, "field": "node", "message": message}])
    node_type = analysis.types[node]
    target_node, target_port = node, port
    if node_type.category == "targets":
        # A target shows what it would write: its input.
        edge = analysis.inputs[node]["in"][0]
        target_node, target_port = edge.source, edge.source_port
    ports = list(analysis.schemas[target_node])
    target_port = target_port or ports[0]
    if target_port not in ports:
        raise PreviewError([{"node": node, "field": "port", "message": f'no output port "{target_port}"'}])
    ctx = Context(run_id="preview", preview=True, sample_rows=sample_rows)
    try:
        frame = build_frames(analysis, ctx, {target_node})[(target_node, target_port)]
        data = frame.head(limit).collect()
    except BuildError as exc:
        raise PreviewError([{"node": exc.node, "field": exc.field, "message": exc.message}]) from None
    except Exception as exc:
        raise PreviewError([{"node": node, "field": "params", "message": polars_message(exc)}]) from None
    return {
        "node": node,
        "port": target_port,
        "columns": columns(data.schema),
        "rows": json.loads(data.write_json()),
        "sample": {"is_sample": True, "rows_per_source": sample_rows, "limit": limit, "returned": data.height},
    }
