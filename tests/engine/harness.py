"""Build tiny graphs around one node, run them in glueweb and as an exported script, read the output."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from jobs.engine.compiler import run_graph
from jobs.engine.export import export_script

FORMAT = "glueweb.graph/1"


def document(
    nodes: list[dict[str, Any]], edges: list[dict[str, Any]], parameters: list[Any] | None = None
) -> dict[str, Any]:
    return {"format": FORMAT, "parameters": parameters or [], "nodes": nodes, "edges": edges}


def around(
    lake: Path,
    node_type: str,
    params: Mapping[str, Any],
    inputs: Mapping[str, Sequence[pl.DataFrame]],
    *,
    ports: Sequence[str] = ("out",),
    parameters: list[Any] | None = None,
) -> dict[str, Any]:
    """Parquet files for each input -> read_files -> the node -> one write_files per output port."""
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    for port, frames in inputs.items():
        for i, frame in enumerate(frames):
            name = f"{port}{i}"
            path = lake / "inputs" / f"{name}.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            frame.write_parquet(path)
            nodes.append({"id": name, "type": "read_files", "params": {"path": str(path), "format": "parquet"}})
            edges.append({"source": name, "target": "node", "target_port": port})
    nodes.append({"id": "node", "type": node_type, "params": dict(params)})
    for port in ports:
        nodes.append(
            {"id": f"write_{port}", "type": "write_files",
             "params": {"path": f"lake/out/{port}", "format": "parquet", "mode": "overwrite"}}
        )  # fmt: skip
        edges.append({"source": "node", "source_port": port, "target": f"write_{port}"})
    return document(nodes, edges, parameters)


def read_output(lake: Path, port: str = "out") -> pl.DataFrame:
    return pl.read_parquet(lake / "out" / port / "*.parquet")


def run_in_glueweb(graph: dict[str, Any], parameters: Mapping[str, Any] | None = None) -> Any:
    result = run_graph(graph, parameters or {})
    assert result.succeeded, (result.error, [e.as_dict() for e in result.validation_errors])
    return result


def run_exported(graph: dict[str, Any], home: Path, args: Sequence[str] = ()) -> None:
    script = home / "job.py"
    script.write_text(export_script(graph, title="round trip"))
    done = subprocess.run(
        [sys.executable, str(script), "--home", str(home), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
