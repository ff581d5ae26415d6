"""The task's side of live node progress: NodeRun rows and events from the child's ("progress", ...) messages.

The child sends the NodeProgress records that changed (jobs/engine/progress.py). A state change
is saved and announced at once (`node.state`); growing rows of a RUNNING node are saved and
announced as `node.progress` at most once per node per PROGRESS_SECONDS, so a long run writes a
few events per node per second at most, not one per sample. The end of the run (finish.set_nodes)
still writes the final figures.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from jobs.events import append_event
from jobs.models import NodeRun, RunEvent
from jobs.runs.finish import NODE_FINAL, kept_note, node_event

PROGRESS_SECONDS = 1.0
_ORDER: dict[str, int] = {NodeRun.State.WAITING: 0, NodeRun.State.RUNNING: 1, NodeRun.State.SUCCEEDED: 2}


class LiveNodes:
    """Applies live progress to one run's NodeRun rows; a node only ever moves forward."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.announced: dict[str, float] = {}  # node -> when its rows were last saved (monotonic)
        self.pending: dict[str, int] = {}  # node -> rows not yet saved (throttled)
        self.running: set[str] = set()  # nodes known to be RUNNING

    def apply(self, records: Iterable[Any]) -> None:
        # Rows the throttle holds back need no query: most samples of a long run are only that.
        now, records = time.monotonic(), list(records)
        for record in [r for r in records if r.state == NodeRun.State.RUNNING and r.node in self.running]:
            if record.rows_out is not None and now - self.announced.get(record.node, 0.0) < PROGRESS_SECONDS:
                self.pending[record.node] = record.rows_out
                records.remove(record)
        if not records:
            return
        with transaction.atomic():
            named = NodeRun.objects.select_for_update().filter(run_id=self.run_id, node__in=[r.node for r in records])
            nodes = {n.node: n for n in named}
            for record in records:
                node = nodes.get(record.node)
                if node is not None:
                    self._apply_one(node, record)

    def flush(self) -> None:
        """Save rows held back by the throttle once their node's interval has passed."""
        now = time.monotonic()
        due = [n for n in self.pending if now - self.announced.get(n, 0.0) >= PROGRESS_SECONDS]
        if not due:
            return
        with transaction.atomic():
            for node in NodeRun.objects.select_for_update().filter(run_id=self.run_id, node__in=due):
                rows = self.pending.pop(node.node)
                if node.state == NodeRun.State.RUNNING:
                    self._save_rows(node, rows)

    def _apply_one(self, node: NodeRun, record: Any) -> None:
        if node.state in NODE_FINAL and node.state != NodeRun.State.SUCCEEDED:
            return  # FAILED or STOPPED: the run has ended for this node
        target = record.state
        if _ORDER.get(target, 0) > _ORDER.get(node.state, 0):
            now = timezone.now()
            if node.state == NodeRun.State.WAITING:  # every node is RUNNING before it is anything else
                node.state, node.started_at, node.rows_out = NodeRun.State.RUNNING, now, record.rows_out
                node.save(update_fields=["state", "started_at", "rows_out"])
                node_event(node)
            if target == NodeRun.State.SUCCEEDED:
                node.state, node.completed_at = NodeRun.State.SUCCEEDED, now
                node.rows_out, node.duration_ms = record.rows_out, record.duration_ms
                node.rows_note = kept_note(record.rows_out, getattr(record, "rows_note", None))
                node.save(update_fields=["state", "completed_at", "rows_out", "duration_ms", "rows_note"])
                node_event(node)
            self.pending.pop(node.node, None)
            self.announced[node.node] = time.monotonic()
            if node.state == NodeRun.State.RUNNING:
                self.running.add(node.node)
            else:
                self.running.discard(node.node)
            return
        if node.state != NodeRun.State.RUNNING or record.rows_out is None or record.rows_out == node.rows_out:
            return
        if time.monotonic() - self.announced.get(node.node, 0.0) < PROGRESS_SECONDS:
            self.pending[node.node] = record.rows_out
            return
        self.pending.pop(node.node, None)
        self._save_rows(node, record.rows_out)

    def _save_rows(self, node: NodeRun, rows: int) -> None:
        node.rows_out = rows
        node.save(update_fields=["rows_out"])
        append_event(RunEvent.Kind.JOB, self.run_id, "node.progress",
                     {"node": node.node, "node_type": node.type, "state": node.state, "rows_out": rows})  # fmt: skip
        self.announced[node.node] = time.monotonic()
