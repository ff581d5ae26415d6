"""Job graphs for the run tests: quick, failing, and practically endless."""

from __future__ import annotations

from typing import Any

FORMAT = "glueweb.graph/1"


def _doc(
    nodes: list[dict[str, Any]], edges: list[dict[str, Any]], parameters: list[Any] | None = None
) -> dict[str, Any]:
    return {"format": FORMAT, "parameters": parameters or [], "nodes": nodes, "edges": edges}


def numbers(node_id: str = "numbers", count: int = 10) -> dict[str, Any]:
    return {
        "id": node_id,
        "type": "inline_data",
        "params": {"columns": [{"name": "n", "type": "bigint"}], "rows": [[i] for i in range(1, count + 1)]},
    }


def writer(node_id: str, path: str) -> dict[str, Any]:
    return {"id": node_id, "type": "write_files", "params": {"path": path, "format": "parquet", "mode": "overwrite"}}


def quick(target: str = "lake/out", condition: str = "n > ${min_n}") -> dict[str, Any]:
    """10 numbers -> keep n > min_n (a parameter, default 3) -> Parquet at `target`."""
    return _doc(
        [numbers(), {"id": "big", "type": "filter", "params": {"condition": condition}}, writer("save", target)],
        [{"source": "numbers", "target": "big"}, {"source": "big", "target": "save"}],
        [{"name": "min_n", "type": "number", "default": 3}],
    )


def failing(target: str = "lake/out") -> dict[str, Any]:
    """A text that is not a number, cast to int: fails at run time in node "cast"."""
    text = {
        "id": "text",
        "type": "inline_data",
        "params": {"columns": [{"name": "t", "type": "string"}], "rows": [["1"], ["two"]]},
    }
    cast = {"id": "cast", "type": "change_schema", "params": {"mappings": [{"source": "t", "type": "int"}]}}
    return _doc(
        [text, cast, writer("save", target)],
        [{"source": "text", "target": "cast"}, {"source": "cast", "target": "save"}],
    )


def endless(target: str = "lake/out", rows: int = 20000) -> dict[str, Any]:
    """A triple cross join (rows**3 rows, summed): runs until it is stopped, times out or is killed."""
    return _doc(
        [
            numbers("a", rows),
            {"id": "j1", "type": "join", "params": {"how": "cross", "suffix": "_b"}},
            {"id": "j2", "type": "join", "params": {"how": "cross", "suffix": "_c"}},
            {"id": "total", "type": "aggregate",
             "params": {"group_by": [], "aggregations": [{"column": "n", "function": "sum", "alias": "total"}]}},
            writer("save", target),
        ],
        [
            {"source": "a", "target": "j1", "target_port": "left"},
            {"source": "a", "target": "j1", "target_port": "right"},
            {"source": "j1", "target": "j2", "target_port": "left"},
            {"source": "a", "target": "j2", "target_port": "right"},
            {"source": "j2", "target": "total"},
            {"source": "total", "target": "save"},
        ],
    )  # fmt: skip
