"""One Polars plan for the whole graph, and running it end to end.

Every node's build() is called once, in topological order, wiring LazyFrames
together; targets return lazy sinks. All sinks (and, for the run record, a
row count per node output) are collected in one `pl.collect_all`, so Polars
sees one plan: a source feeding several targets is scanned once (its subplan
is cached) and the streaming engine runs it.
"""

from __future__ import annotations

import contextlib
import time
import traceback
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import partial
from typing import Any, Literal

import polars as pl

from jobs.engine.catalog_updates import apply_all, error_message
from jobs.engine.expressions import polars_message
from jobs.engine.graph import GraphError
from jobs.engine.metrics import Meter, RunStopped, durations_ms, finish_times, metered
from jobs.engine.progress import SAMPLE_SECONDS, NodeProgress, ProgressCallback, Sampler, Tracker
from jobs.engine.publish import discard, publish_all
from jobs.engine.registry import Context, NodeProblem, NodeType
from jobs.engine.validate import Analysis, analyze

SINK = "__sink__"
SETTLE_SECONDS = 0.2  # after a failed plan, before staging is cleaned again (publish.discard)
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


METADATA_COUNTS = {"parquet", "ipc"}


def counted_by_metadata(node_type: NodeType, params: Mapping[str, Any]) -> bool:
    """Sources whose row count their files' metadata (or the graph itself) gives without reading data."""
    return node_type.key == "inline_data" or (node_type.key == "read_files" and params.get("format") in METADATA_COUNTS)


JOINING = {"join", "sql"}  # node types Polars plans as joins (a SQL query may join its inputs)
STREAMING_ROW_FILTERS = {"filter", "drop_nulls"}  # run inside the pipeline of the join before them
# Row-preserving, but blocking: a sort takes its whole input before it gives a row, so it ends a
# join's pipeline rather than running in it. Its meter would sit between the sort and a following
# limit, which Polars otherwise fuses into a top-k (PDS-H Q18: a full sort of the join instead).
BLOCKING_ROW_PRESERVING = {"sort"}


def _join_pipelines(analysis: Analysis) -> tuple[set[str], set[str]]:
    """(every node feeding a join, directly or further up; each join with the streaming nodes after it)."""
    joins = {node for node, node_type in analysis.types.items() if node_type.key in JOINING}
    feeding = {e.source for j in joins for edges in analysis.inputs[j].values() for e in edges}
    in_join_pipeline = set(joins)
    for node_id in analysis.order:
        node_type = analysis.types[node_id]
        streaming = (
            node_type.preserves_rows and node_type.key not in BLOCKING_ROW_PRESERVING
        ) or node_type.key in STREAMING_ROW_FILTERS
        if streaming and analysis.inputs[node_id]["in"][0].source in in_join_pipeline:
            in_join_pipeline.add(node_id)
    return ancestors(analysis, feeding), in_join_pipeline


def _consumers(analysis: Analysis) -> dict[str, set[str]]:
    result: dict[str, set[str]] = {node: set() for node in analysis.order}
    for node in analysis.order:
        for edges in analysis.inputs.get(node, {}).values():
            for edge in edges:
                result[edge.source].add(node)
    return result


NodeMetrics = Literal["fast", "exact"]
NODE_METRICS: tuple[NodeMetrics, ...] = ("fast", "exact")  # the job setting `node_metrics` (docs/runs.md)


def pipeline_ends(analysis: Analysis, node_metrics: NodeMetrics = "fast") -> set[str]:
    """The last node of each join pipeline that feeds no join: it gets a counting meter at its output.

    There the plan leaves the join's pipeline for a blocking or separate step anyway (an aggregate,
    a sort, a target), so a meter costs no fusion and no runtime filter (benchmarks/engine_metrics.py:
    within the noise on PDS-H). Its count is also the count of the row-preserving nodes before it,
    back to the join or filter that set it (_pipeline_counts).
    """
    if node_metrics == "exact":
        return set()  # every node has its own meter
    feeding, in_pipeline = _join_pipelines(analysis)
    consumers = _consumers(analysis)
    return {node for node in in_pipeline - feeding if not consumers[node] & in_pipeline}


def unmetered(analysis: Analysis, node_metrics: NodeMetrics = "fast") -> set[str]:
    """Nodes that get no meter, because one would change how Polars runs the plan (metrics.py says why).

    Everything feeding a join (directly or further upstream), the join itself, and the
    row-preserving nodes and filters right after it, which Polars runs in the join's own pipeline;
    except the end of such a pipeline (pipeline_ends). With node_metrics="exact": none.
    """
    if node_metrics == "exact":
        return set()
    feeding, in_pipeline = _join_pipelines(analysis)
    return (feeding | in_pipeline) - pipeline_ends(analysis)


MeterKind = Literal["count", "time"]


def meter_plan(analysis: Analysis, node_metrics: NodeMetrics = "fast") -> dict[str, MeterKind]:
    """Which nodes get a meter, and whether it counts rows or only notes the time (metrics.py).

    A counting meter goes after nodes that change the number of rows, and after the end of a join
    pipeline; a time-only meter after row-preserving nodes and sources counted from metadata. None
    inside a join pipeline (`unmetered`), and no time-only meter on a node whose one consumer counts:
    both sit in one streaming stage, so it would only add a Python call per morsel, and the
    consumer's duration includes the node's (PDS-H Q1 went from four meters on its lineitem stream
    to two, measured by benchmarks/engine_metrics.py).

    node_metrics="exact" meters every node but the targets, and keeps every time-only meter, so
    that every node is counted and timed on its own, at the price of the join optimisations
    (docs/runs.md gives the measured cost).
    """
    skip, ends = unmetered(analysis, node_metrics), pipeline_ends(analysis, node_metrics)
    plan: dict[str, MeterKind] = {}
    for node, node_type in analysis.types.items():
        if node in skip or node_type.category == "targets":
            continue
        timed_only = node_type.preserves_rows or counted_by_metadata(node_type, analysis.params.get(node, {}))
        plan[node] = "time" if timed_only and node not in ends else "count"
    if node_metrics == "exact":
        return plan
    edges = [e for inputs in analysis.inputs.values() for port in inputs.values() for e in port]
    for node, kind in list(plan.items()):
        out = [e for e in edges if e.source == node]
        if kind == "time" and len(out) == 1 and plan.get(out[0].target) == "count":
            del plan[node]
    return plan


def build_frames(
    analysis: Analysis,
    ctx: Context,
    only: set[str] | None = None,
    meters: dict[str, list[Meter]] | None = None,
    raw: dict[tuple[str, str], pl.LazyFrame] | None = None,
    *,
    node_metrics: NodeMetrics = "fast",
) -> dict[tuple[str, str], pl.LazyFrame]:
    """(node, port) -> LazyFrame for the nodes in `only` and everything upstream (all nodes by default).

    With `meters`, node outputs get a Meter (jobs/engine/metrics.py; those `meter_plan` names)
    and `raw` receives the frames without them.
    """
    needed = ancestors(analysis, only) if only is not None else set(analysis.order)
    plan = meter_plan(analysis, node_metrics) if meters is not None else {}
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
            continue
        outputs = built if isinstance(built, dict) else {"out": built}
        for out_port, frame in outputs.items():
            if raw is not None:
                raw[(node_id, out_port)] = frame
            if meters is not None and node_id in plan:
                meter = Meter(should_stop=ctx.should_stop)
                meters.setdefault(node_id, []).append(meter)
                frames[(node_id, out_port)] = metered(frame, meter, transparent=plan[node_id] == "time")
            else:
                frames[(node_id, out_port)] = frame
    return frames


@dataclass(frozen=True)
class NodeResult:
    node: str
    type: str
    state: str
    rows_out: int | None = None
    rows_out_by_port: Mapping[str, int] | None = None
    duration_ms: int | None = None
    rows_note: str | None = None  # why rows_out is None although rows were counted (docs/runs.md)

    def as_dict(self) -> dict[str, Any]:
        return {
            "node": self.node, "type": self.type, "state": self.state, "rows_out": self.rows_out,
            "rows_out_by_port": dict(self.rows_out_by_port) if self.rows_out_by_port else None,
            "duration_ms": self.duration_ms, "rows_note": self.rows_note,
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


CountRows = Literal["counters", "cheap", "all", "none"]
NodeCallback = Callable[[NodeResult], None]


def _metadata_counts(analysis: Analysis, raw: Mapping[tuple[str, str], pl.LazyFrame]) -> dict[tuple[str, str], int]:
    """Rows of the sources that their files' metadata count: from a Parquet footer directly where the
    node type can (NodeType.footer_rows), the others in one Polars query for all (not per source)."""
    keys = [
        (node, "out")
        for node, node_type in analysis.types.items()
        if counted_by_metadata(node_type, analysis.params.get(node, {})) and (node, "out") in raw
    ]
    counts: dict[tuple[str, str], int] = {}
    for key in keys:
        rows = analysis.types[key[0]].footer_rows(analysis.params[key[0]])
        if rows is not None:
            counts[key] = rows
    rest = [key for key in keys if key not in counts]
    if rest:
        found = pl.collect_all([raw[key].select(pl.len()) for key in rest])
        counts.update({key: int(frame.item()) for key, frame in zip(rest, found, strict=True)})
    return counts


def _source_rows(node_type: NodeType, params: Mapping[str, Any], frame: pl.LazyFrame) -> int:
    """One source's rows from its metadata (the live tracker asks once the source is done)."""
    rows = node_type.footer_rows(params)
    return rows if rows is not None else int(frame.select(pl.len()).collect().item())


def _cheap_counts(
    analysis: Analysis, raw: Mapping[tuple[str, str], pl.LazyFrame], publishers: list[Any]
) -> dict[tuple[str, str], int]:
    """Rows read by sources whose files say so in their metadata, rows written by targets.

    Counted after the run, outside the plan, so Polars keeps optimising and streaming it:
    Parquet and IPC counts come from file footers; written files are our own output.
    """
    counts = _metadata_counts(analysis, raw)
    for publisher in publishers:
        counts[(publisher.node, SINK)] = publisher.rows_written()
    return counts


def _metered_counts(
    analysis: Analysis,
    raw: Mapping[tuple[str, str], pl.LazyFrame],
    meters: Mapping[str, list[Meter]],
    node_metrics: NodeMetrics = "fast",
) -> dict[tuple[str, str], int]:
    """Rows per node output from the meters (metadata for sources that count for free)."""
    counts = _metadata_counts(analysis, raw)
    ends = pipeline_ends(analysis, node_metrics)
    for node_id in analysis.order:  # in order: a row-preserving node takes its input's count
        node_type = analysis.types[node_id]
        ports = [port for (node, port) in raw if node == node_id]
        if (node_id, "out") in counts:
            continue
        if node_type.preserves_rows and node_id not in ends:
            edge = analysis.inputs[node_id]["in"][0]
            if (edge.source, edge.source_port) in counts:
                counts[(node_id, "out")] = counts[(edge.source, edge.source_port)]
        elif node_id in meters:
            counts.update({(node_id, port): m.rows for port, m in zip(ports, meters[node_id], strict=True)})
    _pipeline_counts(analysis, ends, counts)
    return counts


def _pipeline_counts(analysis: Analysis, ends: set[str], counts: dict[tuple[str, str], int]) -> None:
    """A join pipeline's end counted its rows: so did the row-preserving nodes before it, and the node feeding them."""
    for end in ends:
        node, rows = end, counts.get((end, "out"))
        while rows is not None and analysis.types[node].preserves_rows:
            edge = analysis.inputs[node]["in"][0]
            if (edge.source, edge.source_port) in counts:
                break
            counts[(edge.source, edge.source_port)] = rows
            node = edge.source


def run_graph(  # noqa: PLR0911, PLR0912, PLR0915  (one return per way a run ends)
    graph: Any,
    parameters: Mapping[str, Any] | None = None,
    *,
    run_id: str | None = None,
    count_rows: CountRows = "counters",
    node_metrics: NodeMetrics = "fast",
    engine: EngineType = "streaming",
    on_node: NodeCallback | None = None,
    should_stop: Callable[[], bool] | None = None,
    on_publish: Callable[[], None] | None = None,
    before_publish: Callable[[], bool] | None = None,
    on_progress: ProgressCallback | None = None,
    progress_seconds: float = SAMPLE_SECONDS,
    changed_by: Any = None,
) -> RunResult:
    """Validate, build one plan, execute it, and publish targets only if everything succeeded.

    `count_rows`: "counters" (default) counts node output rows and times nodes with pass-through
    meters inside the plan (jobs/engine/metrics.py and meter_plan: nodes feeding a join and inside
    its pipeline are left out, their rows None with a rows_note unless the pipeline's end counts
    them; a few percent, measured by benchmarks/engine_metrics.py);
    "cheap" records only rows read by Parquet/IPC/inline sources and
    rows written by targets, and no durations; "all" counts every node's output as extra queries
    of the plan, which makes Polars cache each shared subplan (about 3x slower on PDS-H Q3);
    "none" counts nothing.

    `node_metrics` (with count_rows="counters"): "fast" (default) meters as described above;
    "exact" gives every node but the targets its own meter, so every node has rows_out and
    duration_ms, at the cost of the join optimisations those meters block (+22% to +32% CPU on
    the PDS-H SF1 total, two to four times the time of join-heavy queries; docs/runs.md "Node metrics").

    `on_node(NodeResult)`: called once per node, in topological order, when the run has ended
    (succeeded, failed or stopped), before run_graph returns.
    `should_stop()`: asked between phases and, with count_rows="counters", once per morsel at every
    meter inside the plan; when it answers true the run ends as STOPPED and nothing is published.
    (A plan whose nodes all run inside a join's pipeline has no meter: it is only stopped between
    phases; the caller may still kill the thread or process running it.)
    `before_publish()`: asked once the plan has succeeded, before anything is published: True
    publishes, False ends the run STOPPED with its staging discarded (the worker's gate: a stop that
    came first wins, and after True none may).
    `on_publish()`: called once publishing begins, just before files are moved into place
    (from then on the run should not be stopped).
    `on_progress(records)`: with count_rows="counters", called from a sampler thread every
    ~250 ms while the plan runs, with the NodeProgress records that changed since the last call
    (jobs/engine/progress.py: how a node's live state is inferred from the meters), every
    `progress_seconds`; once more when the plan has ended, before publishing.
    `changed_by`: a catalog.services.common.ChangedBy recorded on the table versions this run
    writes (default: a job run named by `run_id`).

    The result's state is SUCCEEDED, FAILED or STOPPED.
    """
    if node_metrics not in NODE_METRICS:
        raise ValueError(f"node_metrics must be one of {', '.join(NODE_METRICS)}, not {node_metrics!r}")
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
    ctx = Context(run_id=run_id, started_at=started, should_stop=should_stop)
    publishers: list[Any] = ctx.publishers
    node_types = {n: t.key for n, t in analysis.types.items()}
    frames: dict[tuple[str, str], pl.LazyFrame] = {}
    raw: dict[tuple[str, str], pl.LazyFrame] = {}
    meters: dict[str, list[Meter]] | None = {} if count_rows == "counters" else None
    failed = _Failure(run_id, started, analysis, node_types, on_node)
    durations: dict[str, int] = {}
    not_counted = unmetered(analysis, node_metrics) if meters is not None else set()
    try:
        frames = build_frames(analysis, ctx, meters=meters, raw=raw, node_metrics=node_metrics)
        _check_stop(should_stop)
        sinks = [(node, frame) for (node, port), frame in frames.items() if port == SINK]
        counted = list(raw) if count_rows == "all" else []
        queries = [frame for _, frame in sinks] + [raw[key].select(pl.len()) for key in counted]
        plan_started = time.perf_counter()
        sampling = _sampling(
            analysis, meters, raw, {n for n, _ in sinks}, plan_started, on_progress, progress_seconds, node_metrics
        )
        with sampling:
            results = pl.collect_all(queries, engine=engine)
        plan_ended = time.perf_counter()
        counts = {key: int(results[len(sinks) + i].item()) for i, key in enumerate(counted)}
        if meters is not None:
            counts.update(_metered_counts(analysis, raw, meters, node_metrics))
            durations = _durations(analysis, meters, plan_started, plan_ended, {n for n, _ in sinks})
        # Rows written by a target are the rows of its input; after a join (not counted) ask its staged files.
        for node, _ in sinks:
            edge = analysis.inputs[node]["in"][0]
            if (edge.source, edge.source_port) in counts:
                counts[(node, SINK)] = counts[(edge.source, edge.source_port)]
            elif meters is not None:
                written = [p.rows_written() for p in publishers if p.node == node]
                if written:
                    counts[(node, SINK)] = sum(written)
        if count_rows == "cheap":
            counts.update(_cheap_counts(analysis, raw, publishers))
        if on_progress is not None:  # the plan has ended: every node but the targets (publishing next) is done
            targets = {n for n, _ in sinks}
            on_progress(tuple(
                NodeProgress(n.node, "RUNNING" if n.node in targets else "SUCCEEDED", n.rows_out, n.duration_ms,
                             n.rows_note)
                for n in _succeeded(analysis, counts, durations, {}, not_counted)
            ))  # fmt: skip
        _check_stop(should_stop)
        for update in ctx.catalog_updates:
            try:
                update.precheck()
            except NodeProblem as problem:
                raise BuildError(update.node, problem.field, problem.message) from None
    except BuildError as exc:
        discard(publishers)
        return failed(elapsed(), exc.node, "build", exc.message)
    except RunStopped:
        discard(publishers, SETTLE_SECONDS)
        return failed(elapsed(), None, "stopped", "the run was stopped; nothing was published", state="STOPPED")
    except Exception as exc:
        trace = traceback.format_exc()
        if _stopped_inside(exc):
            discard(publishers, SETTLE_SECONDS)
            return failed(elapsed(), None, "stopped", "the run was stopped; nothing was published", state="STOPPED")
        culprit = _locate_failure(analysis, raw)
        discard(publishers, SETTLE_SECONDS)
        return failed(elapsed(), culprit, type(exc).__name__, polars_message(exc), trace)
    total = elapsed()
    if before_publish is not None and not before_publish():
        discard(publishers)
        return failed(elapsed(), None, "stopped", "the run was stopped; nothing was published", state="STOPPED")
    if on_publish is not None:
        on_publish()
    publish_times: dict[str, int] = {}
    try:
        outputs = publish_all(
            publishers, then=lambda _: apply_all(ctx.catalog_updates, changed_by or _job_run(run_id)),
            timings=publish_times,
        )  # fmt: skip
    except Exception as exc:
        # publish_all has moved back whatever it had moved; the run publishes nothing.
        culprit = getattr(exc, "node", None) or next((p.node for p in publishers if _touched(p)), None)
        message = f"publishing failed: {error_message(exc)}"
        return failed(elapsed(), culprit, "publish", message, traceback.format_exc())
    total = elapsed()
    nodes = _succeeded(analysis, counts, durations, publish_times, not_counted)
    _report(on_node, nodes)
    return RunResult(run_id, "SUCCEEDED", started, total, analysis.values, tuple(nodes), outputs)


JOIN_NOTE = "not counted: inside a join pipeline"


def _succeeded(
    analysis: Analysis,
    counts: Mapping[tuple[str, str], int],
    durations: Mapping[str, int],
    publish_times: Mapping[str, int],
    not_counted: set[str],
) -> list[NodeResult]:
    """Every node's final record: rows per port (summed), duration plus a target's publishing time."""
    nodes = []
    for node_id in analysis.order:
        by_port = {port: n for (node, port), n in counts.items() if node == node_id and port != SINK}
        rows = counts.get((node_id, SINK), sum(by_port.values()) if by_port else None)
        duration = durations.get(node_id)
        if duration is not None and node_id in publish_times:
            duration += publish_times[node_id]
        note = JOIN_NOTE if rows is None and node_id in not_counted else None
        nodes.append(NodeResult(node_id, analysis.types[node_id].key, "SUCCEEDED", rows,
                                by_port if len(by_port) > 1 else None, duration, note))  # fmt: skip
    return nodes


def _sampling(  # noqa: PLR0917  (internal)
    analysis: Analysis,
    meters: Mapping[str, list[Meter]] | None,
    raw: Mapping[tuple[str, str], pl.LazyFrame],
    targets: set[str],
    plan_started: float,
    on_progress: ProgressCallback | None,
    interval: float,
    node_metrics: NodeMetrics = "fast",
) -> contextlib.AbstractContextManager[Any]:
    """A live progress sampler around the plan (only meters can tell how far it is)."""
    if meters is None or on_progress is None:
        return contextlib.nullcontext()
    ports = {node: tuple(port for (owner, port) in raw if owner == node) for node in meters}
    by_metadata = {
        node: partial(_source_rows, node_type, analysis.params[node], raw[(node, "out")])
        for node, node_type in analysis.types.items()
        if counted_by_metadata(node_type, analysis.params.get(node, {})) and (node, "out") in raw
    }
    notes = {node: JOIN_NOTE for node in unmetered(analysis, node_metrics)}
    ends = frozenset(pipeline_ends(analysis, node_metrics))
    tracker = Tracker(analysis, meters, ports, by_metadata, targets, plan_started, notes, ends)
    return Sampler(tracker, on_progress, interval)


def _durations(
    analysis: Analysis, meters: Mapping[str, list[Meter]], started: float, ended: float, targets: set[str]
) -> dict[str, int]:
    upstream = {
        node: [e.source for edges in analysis.inputs.get(node, {}).values() for e in edges] for node in analysis.order
    }
    finished = finish_times(analysis.order, upstream, dict(meters), started, ended, targets)
    timed = [node for node in analysis.order if node in meters or node in targets]
    return durations_ms(tuple(timed), upstream, finished, started)


def _check_stop(should_stop: Callable[[], bool] | None) -> None:
    if should_stop is not None and should_stop():
        raise RunStopped("the run was asked to stop")


def _stopped_inside(exc: BaseException) -> bool:
    """Polars re-raises an exception from a Python step as its own error: look for ours in the chain."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, RunStopped) or "the run was asked to stop" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _touched(publisher: Any) -> bool:
    return bool(getattr(publisher, "moved", None) or getattr(publisher, "copied", None)
                or getattr(publisher, "committed", False))  # fmt: skip


def _job_run(run_id: str) -> Any:
    from catalog.models import ChangedByKind
    from catalog.services.common import ChangedBy

    return ChangedBy(ChangedByKind.JOB_RUN, run_id, f"job run {run_id}")


def _report(on_node: NodeCallback | None, nodes: list[NodeResult] | tuple[NodeResult, ...]) -> None:
    if on_node is not None:
        for node in nodes:
            on_node(node)


@dataclass(frozen=True)
class _Failure:
    """Makes the RunResult of a run that did not succeed (and reports its nodes)."""

    run_id: str
    started: datetime
    analysis: Analysis
    node_types: Mapping[str, str]
    on_node: NodeCallback | None

    def __call__(  # noqa: PLR0917
        self, duration: int, node: str | None, kind: str, message: str, trace: str | None = None,
        state: str = "FAILED",
    ) -> RunResult:  # fmt: skip
        result = _failed(self.run_id, self.started, duration, self.analysis, node, kind, message, self.node_types,
                         trace)  # fmt: skip
        if state != "FAILED":
            nodes = tuple(replace(n, state="STOPPED") for n in result.nodes)
            result = replace(result, state=state, nodes=nodes)
        _report(self.on_node, result.nodes)
        return result


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
    targets = [node for node, node_type in analysis.types.items() if node_type.category == "targets"]
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
