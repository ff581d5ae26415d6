"""One Polars plan for the whole graph, and running it end to end.

Every node's build() is called once, in topological order, wiring LazyFrames
together; targets return lazy sinks. All sinks (and, for the run record, a
row count per node output) are collected in one `pl.collect_all`, so Polars
sees one plan: a source feeding several targets is scanned once (its subplan
is cached) and the streaming engine runs it.
"""

from __future__ import annotations

import time
import traceback
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Literal

import polars as pl

from jobs.engine.expressions import polars_message
from jobs.engine.graph import GraphError
from jobs.engine.publish import FilePublish, discard, publish_all
from jobs.engine.registry import Context, NodeProblem
from jobs.engine.validate import Analysis, analyze

SINK = "__sink__"
EngineType = Literal["auto", "in-memory", "streaming"]


class BuildError(Exception):
    def __init__(self, node: str, field: str, message: str) -> None:
        super().__init__(message)
        self.node, self.field, self.message = node, field, message


def ancestors(analysis: Analysis, wanted: set[str]) -> set[str]:
    result: set[str] = set()
    stack = list(wanted)
    while stack:
        node = stack.pop()
        if node in result:
            continue
        result.add(node)
        for edges in analysis.inputs.get(node, {}).values():
            stack.extend(e.source for e in edges)
    return result


def build_frames(analysis: Analysis, ctx: Context, only: set[str] | None = None) -> dict[tuple[str, str], pl.LazyFrame]:
    """(node, port) -> LazyFrame for the nodes in `only` and everything upstream (all nodes by default)."""
    needed = ancestors(analysis, only) if only is not None else set(analysis.order)
    frames: dict[tuple[str, str], pl.LazyFrame] = {}
    for node_id in analysis.order:
        if node_id not in needed:
            continue
        node_type = analysis.types[node_id]
        if ctx.preview and node_type.category == "targets":
            continue  # previews never run targets
        port_inputs: dict[str, Any] = {}
        for port in node_type.inputs:
            feeding = [frames[(e.source, e.source_port)] for e in analysis.inputs[node_id][port.name]]
            port_inputs[port.name] = feeding if port.many else feeding[0]
        sources = tuple(e.source for p in node_type.inputs if p.many for e in analysis.inputs[node_id][p.name])
        node_ctx = replace(ctx, node_id=node_id, sources=sources)
        try:
            built = node_type.build(analysis.params[node_id], port_inputs, node_ctx)
        except NodeProblem as problem:
            raise BuildError(node_id, problem.field, problem.message) from None
        if node_type.category == "targets":
            assert isinstance(built, pl.LazyFrame)
            frames[(node_id, SINK)] = built
        elif isinstance(built, dict):
            frames.update({(node_id, port): frame for port, frame in built.items()})
        else:
            frames[(node_id, "out")] = built
    return frames


@dataclass(frozen=True)
class NodeResult:
    node: str
    type: str
    state: str
    rows_out: int | None = None
    rows_out_by_port: Mapping[str, int] | None = None
    duration_ms: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "node": self.node, "type": self.type, "state": self.state, "rows_out": self.rows_out,
            "rows_out_by_port": dict(self.rows_out_by_port) if self.rows_out_by_port else None,
            "duration_ms": self.duration_ms,
        }  # fmt: skip


@dataclass(frozen=True)
class RunResult:
    run_id: str
    state: str  # SUCCEEDED or FAILED (the Runs issue maps the rest)
    started_at: datetime
    duration_ms: int
    parameters: Mapping[str, Any] = field(default_factory=dict)
    nodes: tuple[NodeResult, ...] = ()
    outputs: Mapping[str, list[str]] = field(default_factory=dict)
    error: Mapping[str, Any] | None = None
    validation_errors: tuple[GraphError, ...] = ()

    @property
    def succeeded(self) -> bool:
        return self.state == "SUCCEEDED"


def _count_queries(analysis: Analysis, frames: Mapping[tuple[str, str], pl.LazyFrame]) -> list[tuple[str, str]]:
    """Every node output port, counted inside the plan (costly: Polars must cache every shared subplan)."""
    return [key for key in frames if key[1] != SINK]


METADATA_COUNTS = {"parquet", "ipc"}


def _cheap_counts(
    analysis: Analysis, frames: Mapping[tuple[str, str], pl.LazyFrame], publishers: list[FilePublish]
) -> dict[tuple[str, str], int]:
    """Rows read by sources whose files say so in their metadata, rows written by targets.

    Counted after the run, outside the plan, so Polars keeps optimising and streaming it:
    Parquet and IPC counts come from file footers; written files are our own output.
    """
    counts: dict[tuple[str, str], int] = {}
    for node_id, node_type in analysis.types.items():
        params = analysis.params.get(node_id, {})
        cheap = node_type.key == "inline_data" or (
            node_type.key == "read_files" and params.get("format") in METADATA_COUNTS
        )
        if cheap and (node_id, "out") in frames:
            counts[(node_id, "out")] = int(frames[(node_id, "out")].select(pl.len()).collect().item())
    for publisher in publishers:
        counts[(publisher.node, SINK)] = publisher.rows_written()
    return counts


def run_graph(
    graph: Any,
    parameters: Mapping[str, Any] | None = None,
    *,
    run_id: str | None = None,
    count_rows: Literal["cheap", "all", "none"] = "cheap",
    engine: EngineType = "streaming",
) -> RunResult:
    """Validate, build one plan, execute it, and publish targets only if everything succeeded.

    `count_rows`: "cheap" (default) records rows read by Parquet/IPC/inline sources and rows written
    by every target at almost no cost; "all" also counts every node's output inside the plan, which
    makes Polars cache each shared subplan (about 3x slower on PDS-H Q3); "none" counts nothing.
    """
    run_id = run_id or uuid.uuid4().hex[:12]
    started = datetime.now(UTC).replace(tzinfo=None)
    clock = time.perf_counter()

    def elapsed() -> int:
        return int((time.perf_counter() - clock) * 1000)

    analysis = analyze(graph, parameters or {})
    if analysis.errors:
        return RunResult(
            run_id, "FAILED", started, elapsed(), analysis.values,
            error={"node": None, "type": "validation", "message": "the graph has validation errors"},
            validation_errors=analysis.errors,
        )  # fmt: skip
    ctx = Context(run_id=run_id, started_at=started)
    publishers: list[FilePublish] = ctx.publishers
    node_types = {n: t.key for n, t in analysis.types.items()}
    frames: dict[tuple[str, str], pl.LazyFrame] = {}
    try:
        frames = build_frames(analysis, ctx)
        sinks = [(node, frame) for (node, port), frame in frames.items() if port == SINK]
        counted = _count_queries(analysis, frames) if count_rows == "all" else []
        queries = [frame for _, frame in sinks] + [frames[key].select(pl.len()) for key in counted]
        results = pl.collect_all(queries, engine=engine)
        counts = {key: int(results[len(sinks) + i].item()) for i, key in enumerate(counted)}
        # Rows written by a target are the rows of its input.
        for node, _ in sinks:
            edge = analysis.inputs[node]["in"][0]
            if (edge.source, edge.source_port) in counts:
                counts[(node, SINK)] = counts[(edge.source, edge.source_port)]
        if count_rows == "cheap":
            counts.update(_cheap_counts(analysis, frames, publishers))
    except BuildError as exc:
        discard(publishers)
        return _failed(run_id, started, elapsed(), analysis, exc.node, "build", exc.message, node_types)
    except Exception as exc:
        trace = traceback.format_exc()
        discard(publishers)
        culprit = _locate_failure(analysis, frames)
        message = polars_message(exc)
        return _failed(run_id, started, elapsed(), analysis, culprit, type(exc).__name__, message, node_types, trace)
    total = elapsed()
    try:
        outputs = publish_all(publishers)
    except Exception as exc:
        # publish_all has moved back whatever it had moved; the run publishes nothing.
        culprit = next((p.node for p in publishers if p.moved or not p.staged.exists()), None)
        message = f"publishing failed: {exc}"
        return _failed(run_id, started, elapsed(), analysis, culprit, "publish", message, node_types,
                       traceback.format_exc())  # fmt: skip
    nodes = []
    for node_id in analysis.order:
        by_port = {port: n for (node, port), n in counts.items() if node == node_id and port != SINK}
        rows = counts.get((node_id, SINK), sum(by_port.values()) if by_port else None)
        nodes.append(NodeResult(node_id, node_types[node_id], "SUCCEEDED", rows,
                                by_port if len(by_port) > 1 else None, None))  # fmt: skip
    return RunResult(run_id, "SUCCEEDED", started, total, analysis.values, tuple(nodes), outputs)


def _locate_failure(analysis: Analysis, frames: Mapping[tuple[str, str], pl.LazyFrame]) -> str | None:
    """Which node failed: the fused plan does not say, so count each node's output in order until one fails.

    Only runs after a failure; its cost is paid by failing runs alone.
    """
    for node_id in analysis.order:
        for (node, port), frame in frames.items():
            if node != node_id or port == SINK:
                continue
            try:
                # Every value must be computed (a row count alone would skip the columns' work).
                frame.select(pl.all().null_count()).collect(engine="streaming")
            except Exception:
                return node_id
    targets = [node for node, port in frames if port == SINK]
    return targets[0] if len(targets) == 1 else None


def _failed(  # noqa: PLR0917  (internal; every field of the result)
    run_id: str, started: datetime, duration: int, analysis: Analysis, node: str | None, kind: str, message: str,
    node_types: Mapping[str, str], trace: str | None = None,
) -> RunResult:  # fmt: skip
    nodes = tuple(NodeResult(n, node_types[n], "FAILED" if n == node else "STOPPED") for n in analysis.order)
    error = {"node": node, "type": kind, "message": message, "traceback": trace}
    return RunResult(run_id, "FAILED", started, duration, analysis.values, nodes, error=error)


def compile_graph(graph: Any, parameters: Mapping[str, Any] | None = None) -> dict[tuple[str, str], pl.LazyFrame]:
    """The LazyFrames of a valid graph without running targets (tests and tools use it)."""
    analysis = analyze(graph, parameters)
    if analysis.errors:
        raise ValueError(f"graph has errors: {analysis.errors_as_dicts()}")
    return build_frames(analysis, Context(run_id="compile", preview=True))
