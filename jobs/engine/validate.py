"""Validate, then order: every problem of a graph at once, then a topological order and the schemas.

Phases follow docs/graph-format.md ("The complete list"): shape, types, edges,
cycles, ports, parameter references, parameter schemas, then the node types'
own checks against their input schemas. A node whose inputs have errors is not
checked further, so one mistake is reported once.
"""

from __future__ import annotations

import graphlib
import heapq
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import polars as pl

from jobs.engine import paramcheck, registry
from jobs.engine.expressions import polars_message
from jobs.engine.graph import Edge, Graph, GraphError, Node, json_type_of, parse_graph, value_fits
from jobs.engine.registry import Context, NodeProblem, NodeProblems, NodeType
from jobs.engine.substitute import substitute

PENDING = Ellipsis  # a parameter without default at design time: checks that need it wait for a run


def forget_run_state() -> None:
    """Drop what earlier runs left in this process: a benchmark's runs then pay what a run's fresh child does.

    (The node type modules stay imported: the run forkserver imports them before forking, jobs/runs/boot.py.)
    """
    from jobs.engine import expressions, paths, scans

    expressions.forget_parsed()
    registry.forget_empty_frames()
    scans.clear()
    paths.forget_roots()


@dataclass(frozen=True)
class Analysis:
    graph: Graph | None
    errors: tuple[GraphError, ...]
    order: tuple[str, ...]
    types: Mapping[str, NodeType]
    params: Mapping[str, Mapping[str, Any]]  # substituted and schema-valid parameters, per node
    inputs: Mapping[str, Mapping[str, tuple[Edge, ...]]]  # node -> input port -> edges, in document order
    schemas: Mapping[str, Mapping[str, pl.Schema]]  # node -> output port -> schema
    values: Mapping[str, Any]  # parameter values used
    pending: frozenset[str]  # nodes waiting for a parameter value

    @property
    def ok(self) -> bool:
        return not self.errors

    def errors_as_dicts(self) -> list[dict[str, Any]]:
        return [e.as_dict() for e in self.errors]


def _schema_error(node: str, error: Any) -> GraphError:
    """One jsonschema error as a graph error at the parameter's dotted path."""
    path = ".".join(["params", *(str(p) for p in error.absolute_path)])
    validator, instance = error.validator, error.instance
    if validator == "required":
        missing = str(error.message).split("'")[1]
        return GraphError(node, f"{path}.{missing}", f'parameter "{missing}" is required')
    if validator == "additionalProperties" and isinstance(instance, dict):
        allowed = set(error.schema.get("properties", {})) if isinstance(error.schema, dict) else set()
        extra = sorted(k for k in instance if k not in allowed)
        key = extra[0] if extra else ""
        return GraphError(node, f"{path}.{key}", f'unknown parameter "{key}"')
    if validator == "enum":
        options = ", ".join(str(v) for v in error.validator_value)
        return GraphError(node, path, f'"{instance}" is not one of {options}')
    if validator == "type":
        return GraphError(node, path, f"must be {error.validator_value}, not {json_type_of(instance)}")
    if validator == "oneOf" and isinstance(instance, dict):
        choices = [s.get("required", [None])[0] for s in error.validator_value if isinstance(s, dict)]
        return GraphError(node, path, f"give exactly one of {' and '.join(str(c) for c in choices)}")
    return GraphError(node, path, str(error.message))


def _parameter_values(
    graph: Graph, run_parameters: Mapping[str, Any] | None, errors: list[GraphError]
) -> dict[str, Any]:
    declared = {p.name: p for p in graph.parameters}
    values: dict[str, Any] = {p.name: p.default if p.has_default else PENDING for p in graph.parameters}
    if run_parameters is None:
        return values
    for name, value in run_parameters.items():
        field = f"run_parameters.{name}"
        if name not in declared:
            errors.append(GraphError(None, field, f'the job has no parameter "{name}"'))
        elif not value_fits(declared[name].type, value):
            errors.append(GraphError(None, field, f"{value!r} is not of type {declared[name].type}"))
        else:
            values[name] = int(value) if declared[name].type == "integer" else value
    given = set(run_parameters)
    for name, value in values.items():
        if value is PENDING and name not in given:
            errors.append(
                GraphError(None, f"run_parameters.{name}", f'parameter "{name}" has no default: give a value')
            )
    return values


def _cycles(nodes: list[Node], edges: list[Edge], errors: list[GraphError]) -> set[int]:
    """Report each cycle once (at its first node in document order); return the edges that close them."""
    index = {n.id: n.index for n in nodes}
    closing: set[int] = set()
    while True:
        live = [e for e in edges if e.index not in closing]
        sorter: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter({n.id: set() for n in nodes})
        for e in live:
            sorter.add(e.target, e.source)
        try:
            sorter.prepare()
            return closing
        except graphlib.CycleError as exc:
            loop: list[str] = list(exc.args[1])[:-1]  # each is an immediate predecessor of the next
            start = min(range(len(loop)), key=lambda i: index[loop[i]])
            loop = loop[start:] + loop[:start]
            first, last = loop[0], loop[-1]
            edge = next(e for e in live if e.source == last and e.target == first)
            closing.add(edge.index)
            message = "cycle: " + " -> ".join([*loop, first])
            errors.append(GraphError(first, f"edges.{edge.index}", message))


def _order(nodes: list[Node], edges: list[Edge]) -> list[str]:
    """Topological order, ties broken by document order (so results are stable)."""
    index = {n.id: n.index for n in nodes}
    indegree = {n.id: 0 for n in nodes}
    downstream: dict[str, list[str]] = {n.id: [] for n in nodes}
    for e in edges:
        indegree[e.target] += 1
        downstream[e.source].append(e.target)
    ready = [(index[n], n) for n, d in indegree.items() if d == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        _, node = heapq.heappop(ready)
        order.append(node)
        for nxt in downstream[node]:
            indegree[nxt] -= 1
            if indegree[nxt] == 0:
                heapq.heappush(ready, (index[nxt], nxt))
    return order


def _check_edges(
    graph: Graph, by_id: Mapping[str, Node], types: Mapping[str, NodeType], errors: list[GraphError]
) -> tuple[list[Edge], set[str]]:
    """Edges whose ends exist and whose ports the types declare; duplicates refused."""
    edges: list[Edge] = []
    seen: set[tuple[str, str, str, str]] = set()
    bad_nodes: set[str] = set()
    for e in graph.edges:
        missing = [(end, n) for end, n in (("source", e.source), ("target", e.target)) if n not in by_id]
        for end, node_id in missing:
            errors.append(GraphError(None, f"edges.{e.index}.{end}", f'no node has the id "{node_id}"'))
        if missing:
            continue
        ok = True
        src_type, dst_type = types.get(e.source), types.get(e.target)
        if src_type is not None and e.source_port not in src_type.output_ports(by_id[e.source].params):
            shown = ", ".join(src_type.output_ports(by_id[e.source].params)) or "none"
            message = f'node type {src_type.key} has no output port "{e.source_port}" (ports: {shown})'
            errors.append(GraphError(e.source, f"edges.{e.index}.source_port", message))
            ok = False
        if dst_type is not None and e.target_port not in [p.name for p in dst_type.inputs]:
            shown = ", ".join(p.name for p in dst_type.inputs) or "none"
            message = f'node type {dst_type.key} has no input port "{e.target_port}" (ports: {shown})'
            errors.append(GraphError(e.target, f"edges.{e.index}.target_port", message))
            ok = False
        key = (e.source, e.source_port, e.target, e.target_port)
        if key in seen:
            errors.append(GraphError(e.target, f"edges.{e.index}", f'the edge from "{e.source}" is given twice'))
            continue
        seen.add(key)
        if ok:
            edges.append(e)
        else:
            bad_nodes.add(e.target)
    return edges, bad_nodes


def _check_ports(
    nodes: list[Node], types: Mapping[str, NodeType], edges: list[Edge], errors: list[GraphError], bad: set[str]
) -> dict[str, dict[str, tuple[Edge, ...]]]:
    inputs: dict[str, dict[str, tuple[Edge, ...]]] = {}
    for node in nodes:
        node_type = types.get(node.id)
        if node_type is None:
            continue
        ports: dict[str, tuple[Edge, ...]] = {}
        for port in node_type.inputs:
            feeding = tuple(e for e in edges if e.target == node.id and e.target_port == port.name)
            if not feeding:
                errors.append(GraphError(node.id, f"ports.{port.name}", f'input port "{port.name}" is not connected'))
                bad.add(node.id)
            elif len(feeding) > 1 and not port.many:
                names = ", ".join(f'"{e.source}"' for e in feeding)
                message = f'input port "{port.name}" takes one input but has {len(feeding)} (from {names})'
                errors.append(GraphError(node.id, f"ports.{port.name}", message))
                bad.add(node.id)
            ports[port.name] = feeding
        inputs[node.id] = ports
    return inputs


def _resolve_params(
    nodes: list[Node], types: Mapping[str, NodeType], values: Mapping[str, Any], errors: list[GraphError]
) -> tuple[dict[str, dict[str, Any]], set[str]]:
    """Substitute ${...}, then check against the type's JSON Schema."""
    resolved: dict[str, dict[str, Any]] = {}
    pending: set[str] = set()
    for node in nodes:
        node_type = types.get(node.id)
        if node_type is None:
            continue
        params, unknown, postponed = substitute(dict(node.params), values, node_type.params_schema)
        for field, name in unknown:
            errors.append(GraphError(node.id, field, f'unknown parameter "{name}"'))
        if unknown:
            continue
        if postponed:
            pending.add(node.id)
            continue
        fits, validator = paramcheck.checker(node_type.params_schema)
        if fits is not None and fits(params):
            resolved[node.id] = params  # valid: jsonschema would find nothing (paramcheck says why it is asked less)
            continue
        problems = sorted(validator.iter_errors(params), key=lambda e: list(e.absolute_path))
        errors.extend(_schema_error(node.id, problem) for problem in problems)
        if not problems:
            resolved[node.id] = params
    return resolved, pending


def _propagate(  # noqa: PLR0917  (internal phase of analyze)
    order: list[str],
    types: Mapping[str, NodeType],
    resolved: Mapping[str, Mapping[str, Any]],
    inputs: Mapping[str, Mapping[str, tuple[Edge, ...]]],
    skip: set[str],
    ctx: Context,
    errors: list[GraphError],
) -> dict[str, dict[str, pl.Schema]]:
    """Output schemas in topological order; a node is checked only when all its inputs have schemas."""
    schemas: dict[str, dict[str, pl.Schema]] = {}
    for node_id in order:
        node_type = types.get(node_id)
        if node_type is None or node_id not in resolved or node_id in skip:
            continue
        port_inputs: dict[str, Any] = {}
        for port in node_type.inputs:
            found = [schemas.get(e.source, {}).get(e.source_port) for e in inputs[node_id][port.name]]
            if any(s is None for s in found):
                break
            port_inputs[port.name] = found if port.many else found[0]
        else:
            sources = tuple(e.source for p in node_type.inputs if p.many for e in inputs[node_id][p.name])
            node_ctx = replace(ctx, node_id=node_id, sources=sources, publishers=[], catalog_updates=[])
            try:
                schemas[node_id] = node_type.output_schema(resolved[node_id], port_inputs, node_ctx)
            except NodeProblems as many:
                errors.extend(GraphError(node_id, p.field, p.message) for p in many.problems)
            except NodeProblem as one:
                errors.append(GraphError(node_id, one.field, one.message))
            except Exception as exc:
                errors.append(GraphError(node_id, "params", polars_message(exc)))
    return schemas


def analyze(
    document: Any,
    run_parameters: Mapping[str, Any] | None = None,
    *,
    ctx: Context | None = None,
    schemas: bool = True,
) -> Analysis:
    """Check the whole document; with `run_parameters` (a run start) missing values are errors too."""
    graph, errors = parse_graph(document)
    if graph is None:
        return Analysis(graph, tuple(errors), (), {}, {}, {}, {}, {}, frozenset())
    ctx = ctx or Context(run_id="design")
    values = _parameter_values(graph, run_parameters, errors)
    nodes = list(graph.nodes)
    by_id = {n.id: n for n in nodes}
    types: dict[str, NodeType] = {}
    for node in nodes:
        node_type = registry.get(node.type)
        if node_type is None:
            errors.append(GraphError(node.id, "type", f'unknown node type "{node.type}"'))
        else:
            types[node.id] = node_type

    edges, bad_nodes = _check_edges(graph, by_id, types, errors)
    closing = _cycles(nodes, edges, errors)
    in_cycle = {e.target for e in edges if e.index in closing}
    acyclic = [e for e in edges if e.index not in closing]
    order = _order(nodes, acyclic)
    for node_id in order:  # downstream of a cycle, inputs never settle: not checked either
        if any(e.source in in_cycle for e in acyclic if e.target == node_id):
            in_cycle.add(node_id)
    inputs = _check_ports(nodes, types, edges, errors, bad_nodes)
    resolved, pending = _resolve_params(nodes, types, values, errors)
    node_schemas = _propagate(order, types, resolved, inputs, bad_nodes | in_cycle, ctx, errors) if schemas else {}
    position = {n.id: n.index for n in nodes}
    ordered = sorted(errors, key=lambda e: -1 if e.node is None else position.get(e.node, -1))
    return Analysis(
        graph, tuple(ordered), tuple(order), types, resolved, inputs, node_schemas, values, frozenset(pending)
    )


def validate(document: Any, run_parameters: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """Every problem of the document, as error objects."""
    return analyze(document, run_parameters).errors_as_dicts()
