"""The glueweb.graph/1 document, parsed into frozen values.

Parsing checks the shape of the document (problems 1 to 4 of
docs/graph-format.md) and keeps going after a problem, so that one request
reports every mistake. What the node types think of their parameters is
checked later, in validate.py.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

FORMAT = "glueweb.graph/1"
PARAMETER_TYPES = ("string", "number", "integer", "boolean")
NODE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
PARAMETER_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")

DOCUMENT_KEYS = {"format", "parameters", "nodes", "edges"}
PARAMETER_KEYS = {"name", "type", "default"}
NODE_KEYS = {"id", "type", "label", "params", "position"}
EDGE_KEYS = {"source", "target", "source_port", "target_port"}


@dataclass(frozen=True)
class GraphError:
    """One problem: the node it belongs to (or None), a dotted field path, a sentence."""

    node: str | None
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"node": self.node, "field": self.field, "message": self.message}


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    default: Any = None
    has_default: bool = False


@dataclass(frozen=True)
class Node:
    id: str
    type: str
    index: int
    label: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    index: int
    source_port: str = "out"
    target_port: str = "in"


@dataclass(frozen=True)
class Graph:
    parameters: tuple[Parameter, ...]
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]

    def node(self, node_id: str) -> Node:
        for node in self.nodes:
            if node.id == node_id:
                return node
        raise KeyError(node_id)


def json_type_of(value: Any) -> str:  # noqa: PLR0911  (one return per JSON type)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else type(value).__name__


def value_fits(kind: str, value: Any) -> bool:
    """Whether a JSON value is of a parameter type (booleans are not numbers here)."""
    if isinstance(value, bool):
        return kind == "boolean"
    if kind == "integer":
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if kind == "number":
        return isinstance(value, int | float)
    return kind == "string" and isinstance(value, str)


def _unknown_keys(obj: Mapping[str, Any], allowed: set[str], prefix: str, node: str | None) -> list[GraphError]:
    return [
        GraphError(node, f"{prefix}{key}", f'unknown key "{key}" (allowed: {", ".join(sorted(allowed))})')
        for key in obj
        if key not in allowed
    ]


def _parse_parameters(raw: Any, errors: list[GraphError]) -> tuple[Parameter, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        errors.append(GraphError(None, "parameters", f"must be a list, not {json_type_of(raw)}"))
        return ()
    result: list[Parameter] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        where = f"parameters.{i}"
        if not isinstance(item, dict):
            errors.append(GraphError(None, where, f"must be an object, not {json_type_of(item)}"))
            continue
        errors.extend(_unknown_keys(item, PARAMETER_KEYS, f"{where}.", None))
        name, kind = item.get("name"), item.get("type")
        ok = True
        if not isinstance(name, str) or not PARAMETER_NAME.match(name):
            errors.append(
                GraphError(None, f"{where}.name", f"{name!r} is not a parameter name ([A-Za-z_][A-Za-z0-9_]*, ≤ 64)")
            )
            ok = False
        elif name in seen:
            errors.append(GraphError(None, f"{where}.name", f'parameter "{name}" is declared twice'))
            ok = False
        if kind not in PARAMETER_TYPES:
            errors.append(GraphError(None, f"{where}.type", f"{kind!r} is not one of {', '.join(PARAMETER_TYPES)}"))
            ok = False
        elif "default" in item and not value_fits(kind, item["default"]):
            errors.append(GraphError(None, f"{where}.default", f"default {item['default']!r} is not of type {kind}"))
            ok = False
        if ok and isinstance(name, str) and isinstance(kind, str):
            seen.add(name)
            default = item.get("default")
            if kind == "integer" and isinstance(default, float):
                default = int(default)
            result.append(Parameter(name, kind, default, "default" in item))
    return tuple(result)


def _parse_nodes(raw: Any, errors: list[GraphError]) -> tuple[Node, ...]:  # noqa: PLR0912  (one check per key)
    if not isinstance(raw, list):
        message = "is required" if raw is None else f"must be a list, not {json_type_of(raw)}"
        errors.append(GraphError(None, "nodes", message))
        return ()
    result: list[Node] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        where = f"nodes.{i}"
        if not isinstance(item, dict):
            errors.append(GraphError(None, where, f"must be an object, not {json_type_of(item)}"))
            continue
        node_id = item.get("id")
        if not isinstance(node_id, str) or not NODE_ID.match(node_id):
            errors.append(GraphError(None, f"{where}.id", f"{node_id!r} is not a node id (1-64 of A-Z a-z 0-9 _ -)"))
            continue
        if node_id in seen:
            errors.append(GraphError(node_id, "id", f'node id "{node_id}" is used twice'))
            continue
        seen.add(node_id)
        ok = True
        errors.extend(_unknown_keys(item, NODE_KEYS, "", node_id))
        node_type = item.get("type")
        if not isinstance(node_type, str):
            errors.append(GraphError(node_id, "type", "is required and must be a string"))
            ok = False
        label = item.get("label")
        if label is not None and (not isinstance(label, str) or len(label) > 200):
            errors.append(GraphError(node_id, "label", "must be text of at most 200 characters"))
        params = item.get("params", {})
        if not isinstance(params, dict):
            errors.append(GraphError(node_id, "params", f"must be an object, not {json_type_of(params)}"))
            ok = False
        position = item.get("position", {"x": 0, "y": 0})
        if not isinstance(position, dict):
            errors.append(GraphError(node_id, "position", "must be an object {x, y}"))
        else:
            errors.extend(_unknown_keys(position, {"x", "y"}, "position.", node_id))
            for axis in ("x", "y"):
                value = position.get(axis, 0)
                if isinstance(value, bool) or not isinstance(value, int | float):
                    errors.append(GraphError(node_id, f"position.{axis}", "must be a number"))
        if ok:
            assert isinstance(node_type, str)
            result.append(Node(node_id, node_type, i, label if isinstance(label, str) else None, params))
    return tuple(result)


def _parse_edges(raw: Any, errors: list[GraphError]) -> tuple[Edge, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        errors.append(GraphError(None, "edges", f"must be a list, not {json_type_of(raw)}"))
        return ()
    result: list[Edge] = []
    for i, item in enumerate(raw):
        where = f"edges.{i}"
        if not isinstance(item, dict):
            errors.append(GraphError(None, where, f"must be an object, not {json_type_of(item)}"))
            continue
        errors.extend(_unknown_keys(item, EDGE_KEYS, f"{where}.", None))
        ok = True
        for key in ("source", "target"):
            if not isinstance(item.get(key), str):
                errors.append(GraphError(None, f"{where}.{key}", "is required and must be a node id"))
                ok = False
        for key, default in (("source_port", "out"), ("target_port", "in")):
            if not isinstance(item.get(key, default), str):
                errors.append(GraphError(None, f"{where}.{key}", "must be a port name"))
                ok = False
        if ok:
            result.append(
                Edge(item["source"], item["target"], i, item.get("source_port", "out"), item.get("target_port", "in"))
            )
    return tuple(result)


def parse_graph(document: Any) -> tuple[Graph | None, list[GraphError]]:
    """The document as a Graph, plus the shape problems found; None when the format is wrong."""
    if not isinstance(document, dict):
        return None, [GraphError(None, "format", f"the document must be an object, not {json_type_of(document)}")]
    fmt = document.get("format")
    if fmt != FORMAT:
        # Any other value is refused before anything else is checked (docs/graph-format.md).
        shown = "missing" if fmt is None else f"{fmt!r} is not supported"
        return None, [GraphError(None, "format", f'format {shown}; expected "{FORMAT}"')]
    errors: list[GraphError] = list(_unknown_keys(document, DOCUMENT_KEYS, "", None))
    parameters = _parse_parameters(document.get("parameters"), errors)
    nodes = _parse_nodes(document.get("nodes"), errors)
    edges = _parse_edges(document.get("edges"), errors)
    return Graph(parameters, nodes, edges), errors
