"""Live node states while the one fused plan runs, inferred from the meters (metrics.py).

Polars does not say which node of a fused streaming plan is working, so a sampler thread reads
the meters every ~250 ms and infers, soundly (never a state a node has not reached):

- a node has *produced* output when its own meter saw a morsel, or when a node downstream that
  needs it produced (every node needs all of its inputs, except `union` and `sql`, whose output
  may come from one input alone);
- a node is RUNNING once it produced, or once one of its inputs produced (it is receiving);
- a node is *done* (SUCCEEDED) when every node consuming it has taken all of its input: a
  consumer that is done itself, or a blocking one (aggregate, sort, pivot: they emit nothing
  before their whole input arrived) that has produced. Targets finish only with the plan.

Rows so far: a counting meter's rows, a row-preserving node's input rows; sources counted from
file metadata get their count once done; unmetered nodes (inside a join pipeline, with
node_metrics="fast") none. A done
node's rows and duration are computed as run_graph computes the final ones, and the end of the
run is still the truth: the caller overwrites them with the final result.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from jobs.engine.metrics import Meter, durations_ms, finish_times
from jobs.engine.validate import Analysis

log = logging.getLogger(__name__)

BLOCKING = frozenset({"aggregate", "sort", "pivot"})  # emit nothing before their whole input arrived
ANY_INPUT = frozenset({"union", "sql"})  # may emit while some of their inputs have not started
SAMPLE_SECONDS = 0.25


@dataclass(frozen=True)
class NodeProgress:
    node: str
    state: str  # RUNNING or SUCCEEDED (nodes still waiting are left out)
    rows_out: int | None = None
    duration_ms: int | None = None
    rows_note: str | None = None  # why rows_out is None (NodeResult.rows_note)


ProgressCallback = Callable[[tuple[NodeProgress, ...]], None]


class Tracker:
    """Turns the meters of a running plan into NodeProgress records (module docstring: the rules)."""

    def __init__(  # noqa: PLR0917  (internal)
        self,
        analysis: Analysis,
        meters: Mapping[str, list[Meter]],
        ports: Mapping[str, tuple[str, ...]],
        metadata_counted: Mapping[str, Callable[[], int]],
        targets: set[str],
        plan_started: float,
        notes: Mapping[str, str],
        own_counts: frozenset[str] = frozenset(),
    ) -> None:
        self.analysis, self.meters, self.targets, self.plan_started = analysis, meters, targets, plan_started
        self.notes = notes  # node -> why its rows are not counted
        self.own_counts = own_counts  # row-preserving nodes whose meter counts (compiler.pipeline_ends)
        self.metadata_counted = metadata_counted  # source -> how to count it from file metadata (once done)
        self.metadata_rows: dict[str, int] = {}
        # A node's meters are in the order of its output ports (compiler.build_frames).
        self.port_meters = {
            node: dict(zip(ports[node], node_meters, strict=True)) for node, node_meters in meters.items()
        }
        self.upstream = {
            node: [e.source for edges in analysis.inputs.get(node, {}).values() for e in edges]
            for node in analysis.order
        }
        self.consumers: dict[str, set[str]] = {node: set() for node in analysis.order}
        for node, sources in self.upstream.items():
            for source in sources:
                self.consumers[source].add(node)

    def _required(self, node: str, into: set[str]) -> None:
        """`node` and everything it cannot produce without."""
        stack = [node]
        while stack:
            current = stack.pop()
            if current in into:
                continue
            into.add(current)
            if self.analysis.types[current].key not in ANY_INPUT:
                stack.extend(self.upstream[current])

    def states(self) -> tuple[set[str], set[str]]:
        """(started, done) as far as the meters show now."""
        produced: set[str] = set()
        for node, meters in self.meters.items():
            if any(m.first is not None for m in meters):
                self._required(node, produced)
        started = set(produced)
        started.update(n for n in self.analysis.order if any(u in produced for u in self.upstream[n]))
        done: set[str] = set()
        for node in reversed(self.analysis.order):
            consumers = self.consumers[node]
            if node in self.targets or not consumers:
                continue
            if all(c in done or (c in produced and self.analysis.types[c].key in BLOCKING) for c in consumers):
                done.add(node)
        return started | done, done

    def snapshot(self) -> tuple[NodeProgress, ...]:
        started, done = self.states()
        rows: dict[tuple[str, str], int | None] = {}
        for node in self.analysis.order:
            rows.update(self._rows(node, rows, node in done))
        finished = finish_times(
            self.analysis.order, self.upstream, dict(self.meters), self.plan_started, time.perf_counter(), self.targets
        )
        timed = tuple(n for n in self.analysis.order if n in done and n in self.meters)
        durations = durations_ms(timed, self.upstream, finished, self.plan_started)
        records = []
        for node in self.analysis.order:
            if node in started:
                counts = [n for (owner, _), n in rows.items() if owner == node]
                total = None if not counts or None in counts else sum(c for c in counts if c is not None)
                state = "SUCCEEDED" if node in done else "RUNNING"
                note = self.notes.get(node) if total is None else None
                records.append(NodeProgress(node, state, total, durations.get(node), note))
        return tuple(records)

    def _rows(
        self, node: str, known: Mapping[tuple[str, str], int | None], done: bool
    ) -> dict[tuple[str, str], int | None]:
        """Rows so far per output port of `node`, as run_graph counts them at the end."""
        if node in self.metadata_counted:
            if done and node not in self.metadata_rows:
                self.metadata_rows[node] = self.metadata_counted[node]()
            return {(node, "out"): self.metadata_rows.get(node)}
        preserves = self.analysis.types[node].preserves_rows and node not in self.own_counts
        if preserves or node in self.targets:
            edge = self.analysis.inputs[node]["in"][0]
            return {(node, "out"): known.get((edge.source, edge.source_port))}
        return {(node, port): meter.rows for port, meter in self.port_meters.get(node, {}).items()}


class Sampler:
    """A thread that sends the tracker's changed records to `callback` every `interval` seconds."""

    def __init__(self, tracker: Tracker, callback: ProgressCallback, interval: float = SAMPLE_SECONDS) -> None:
        self.tracker, self.callback, self.interval = tracker, callback, interval
        self.sent: dict[str, NodeProgress] = {}
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="glueweb-progress", daemon=True)

    def __enter__(self) -> Sampler:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stopped.set()
        self.thread.join()

    def sample(self) -> None:
        changed = tuple(p for p in self.tracker.snapshot() if self.sent.get(p.node) != p)
        if changed:
            self.sent.update((p.node, p) for p in changed)
            self.callback(changed)

    def _loop(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                self.sample()
            except Exception:  # live figures are a courtesy: the run goes on without them
                log.warning("live node progress failed; the run continues without it", exc_info=True)
                return
