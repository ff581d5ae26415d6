"""Per-node row counts and timings of a fused, streaming plan, measured inside the plan.

A meter is a pass-through `map_batches` step after a node's output: the streaming engine hands
it each morsel (about 100,000 rows), it adds the morsel's height and notes the time, and returns
the morsel untouched. That is a few Python calls per million rows, so a run pays a few percent
(benchmarks/engine_metrics.py measures it), not the cost of caching every subplan to count it.

A counting meter stops predicate and slice pushdown across it (a filter downstream must not
change what the node upstream counts). So only nodes that change the number of rows (filters,
aggregates, unions, limits, sources read from text files, ...) get one. Nodes that keep one row
per input row (`preserves_rows`: derived columns, renames, casts, sorts, windows, ...) take their
input's count, and sources whose row count their files' metadata gives (Parquet, IPC, inline
data) are counted from that metadata after the run (compiler._metadata_counts): both get a meter
for time only, which lets predicates and slices through, so a filter after them still reaches the
scan; and not even that when their one consumer has a counting meter, since both run in one
streaming stage (an opaque step per morsel costs a few percent of elapsed time on scan-heavy
PDS-H queries): the consumer's duration then includes theirs (compiler.meter_plan).

Joins are the exception (compiler.unmetered): an opaque step anywhere below a join keeps the
join's runtime filters from the scans, and one in the pipeline right after a join keeps Polars
from fusing it; on PDS-H either doubled the CPU time of join-heavy queries. So nodes feeding a
join, the join, and the row-preserving nodes and filters right after it get no meter: their rows
are None (sources still count from metadata) and so is their duration, which the next timed
node's duration then includes. The last node of such a pipeline that feeds no join gets a
counting meter (compiler.pipeline_ends): there the plan leaves the join's pipeline anyway, and on
PDS-H it costs nothing measurable; its count is also that of the row-preserving nodes before it,
back to the join or filter that set it.

Durations: a node's output finished when its last morsel passed its meter. A node's duration is
from the moment its last input finished (the run's start for a source) to that moment: in a
streaming plan nodes run at the same time, so this is the time each node adds at its end of the
pipeline. A target's duration runs to the end of the plan, plus its own publishing.

All of the above is the default, node_metrics="fast". A job may ask for node_metrics="exact"
(compiler.meter_plan): every node but the targets gets its own meter, joins and their inputs
included, and no time-only meter is dropped, so every node has its own count and duration. It
costs what the exceptions above avoid: +22% to +32% CPU on the PDS-H SF1 total against no meters
(the default: within the noise); join-heavy queries take up to twice as long on an idle machine
(Q5, Q17), more under load. Meters on join inputs and on join outputs each cost a share of it
(benchmarks/engine_metrics.py --modes exact-skip-inputs,exact-skip-joins). Counting only the
uncounted outputs after the plan (one `pl.collect_all` of their `select(pl.len())`) costs more
still, since it runs the joins again (+84% to +96%), and gives no durations. Polars 2 has no
per-node metrics of its own (LazyFrame.profile was removed in 2.0; the streaming engine's node
metrics only go to Polars Cloud, and count physical operators, not the graph's nodes).
docs/runs.md "Node metrics" has the figures.

The meter is also where a run can be stopped: `should_stop` is asked once per morsel.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl


class RunStopped(Exception):
    """Raised inside the plan when `should_stop` answers true; the run publishes nothing."""


@dataclass
class Meter:
    rows: int = 0
    batches: int = 0
    first: float | None = None
    last: float | None = None
    should_stop: Callable[[], bool] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, frame: pl.DataFrame) -> pl.DataFrame:
        if self.should_stop is not None and self.should_stop():
            raise RunStopped("the run was asked to stop")
        now = time.perf_counter()
        with self.lock:
            self.rows += frame.height
            self.batches += 1
            if self.first is None:
                self.first = now
            self.last = now
        return frame


def metered(frame: pl.LazyFrame, meter: Meter, *, transparent: bool) -> pl.LazyFrame:
    """`frame` with `meter` after it; `transparent` lets predicates and slices pass (time only)."""
    return frame.map_batches(
        meter,
        streamable=True,
        projection_pushdown=True,
        predicate_pushdown=transparent,
        slice_pushdown=transparent,
        validate_output_schema=False,
    )


def finish_times(  # noqa: PLR0917  (internal)
    order: tuple[str, ...],
    upstream: dict[str, list[str]],
    meters: dict[str, list[Meter]],
    started: float,
    ended: float,
    targets: set[str],
) -> dict[str, float]:
    """When each node's output finished (a node without morsels: when its inputs did)."""
    finished: dict[str, float] = {}
    for node in order:
        inputs_done = max((finished[u] for u in upstream.get(node, [])), default=started)
        if node in targets:
            finished[node] = ended
            continue
        lasts = [m.last for m in meters.get(node, []) if m.last is not None]
        finished[node] = max([inputs_done, *lasts]) if lasts else inputs_done
    return finished


def durations_ms(
    timed: tuple[str, ...], upstream: dict[str, list[str]], finished: dict[str, float], started: float
) -> dict[str, int]:
    """Milliseconds per timed node (one with a meter, or a target), from its inputs' finish to its own."""
    result: dict[str, int] = {}
    for node in timed:
        inputs_done = max((finished[u] for u in upstream.get(node, [])), default=started)
        result[node] = max(0, round((finished[node] - inputs_done) * 1000))
    return result
