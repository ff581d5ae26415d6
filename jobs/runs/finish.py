"""Ending runs: node records, the final state, then retries and the next waiting run."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from jobs.events import append_event
from jobs.models import JobRun, NodeRun, RunEvent
from jobs.runs.start import admit_waiting, start_run
from jobs.runs.states import ERROR, FAILED, FINAL, JOB_RUNS, STOPPED, STOPPING

log = logging.getLogger(__name__)

NODE_FINAL = frozenset({NodeRun.State.SUCCEEDED, NodeRun.State.FAILED, NodeRun.State.STOPPED})


def node_event(node: NodeRun) -> None:
    """Announce `node` as saved (its stored rows_note explains a final rows_out of null)."""
    payload: dict[str, Any] = {"node": node.node, "state": node.state, "node_type": node.type}
    if node.state in NODE_FINAL:
        payload["rows_out"] = node.rows_out
        payload["duration_ms"] = node.duration_ms
        if node.rows_out_by_port:
            payload["rows_out_by_port"] = node.rows_out_by_port
        if node.rows_note and node.rows_out is None:
            payload["rows_note"] = node.rows_note
    elif node.rows_out is not None:
        payload["rows_out"] = node.rows_out  # rows so far (live progress)
    append_event(RunEvent.Kind.JOB, node.run_id, "node.state", payload)


def set_nodes(run: JobRun, results: Mapping[str, Mapping[str, Any]]) -> None:
    """Apply per-node results ({node: {state, rows_out, ...}}); every unfinished node not named ends STOPPED.

    A node that live progress already marked SUCCEEDED keeps that state unless the result says it
    FAILED; the result's figures (the truth at the end of the run) replace the live ones, with a
    new event only if they differ.
    """
    now = timezone.now()
    with transaction.atomic():
        for node in NodeRun.objects.select_for_update().filter(run=run).order_by("position"):
            result = results.get(node.node, {"state": NodeRun.State.STOPPED})
            if node.state == NodeRun.State.SUCCEEDED and result.get("state") in _REVISING:
                _revise(node, result)
                continue
            if node.state in NODE_FINAL:
                continue
            node.state = result.get("state") or NodeRun.State.STOPPED
            node.rows_out = result.get("rows_out")
            node.rows_out_by_port = result.get("rows_out_by_port")
            node.rows_note = kept_note(result.get("rows_out"), result.get("rows_note"))
            node.completed_at = now
            if result.get("duration_ms") is not None:
                node.duration_ms = int(result["duration_ms"])
            elif node.started_at is not None:
                node.duration_ms = int((now - node.started_at).total_seconds() * 1000)
            node.error = result.get("error")
            node.save()
            node_event(node)


_REVISING = frozenset({NodeRun.State.SUCCEEDED, NodeRun.State.FAILED})


def kept_note(rows_out: int | None, note: Any) -> str | None:
    """A node's rows_note as stored: kept only when it explains a missing row count."""
    return str(note)[:255] if note and rows_out is None else None


def _revise(node: NodeRun, result: Mapping[str, Any]) -> None:
    """The final figures of a node that live progress already ended (finish.set_nodes)."""
    final = {
        "state": result.get("state") or node.state,
        "rows_out": result.get("rows_out"),
        "rows_out_by_port": result.get("rows_out_by_port"),
        "duration_ms": result.get("duration_ms") if result.get("duration_ms") is not None else node.duration_ms,
        "rows_note": kept_note(result.get("rows_out"), result.get("rows_note")),
        "error": result.get("error"),
    }
    if all(getattr(node, name) == value for name, value in final.items()):
        return
    for name, value in final.items():
        setattr(node, name, value)
    node.save(update_fields=list(final))
    node_event(node)


def end_run(run: JobRun, state: str, *, error: Mapping[str, Any] | None = None, **fields: Any) -> JobRun | None:
    """Move a run to a final state (a stop that arrived meanwhile wins: STOPPING ends STOPPED).

    Returns the run as ended, or None if it had already ended. In the same
    transaction the job's next waiting run is admitted and a failure may be
    retried, so whoever sees the final state also sees the retry.
    """
    assert state in FINAL
    with transaction.atomic():
        ended = JOB_RUNS.move(run, state, error=dict(error) if error else None, **fields)
        if ended is None:
            current = JobRun.objects.get(pk=run.pk)
            if current.state != STOPPING:
                return None
            ended = JOB_RUNS.move(current, STOPPED, **fields)
            if ended is None:
                return None
        after_end(ended)
        return ended


def after_end(run: JobRun) -> None:
    admit_waiting(run.job_id)
    maybe_retry(run)


def retryable(run: JobRun) -> bool:
    if run.state not in (FAILED, ERROR):
        return False
    if run.state == FAILED and (run.error or {}).get("type") == "validation":
        return False  # the same graph fails the same way
    return run.attempt < run.job_version.max_retries


def maybe_retry(run: JobRun) -> JobRun | None:
    if not retryable(run):
        return None
    retry = start_run(
        run.job,
        started_by={"kind": "retry", "name": None},
        parameters=run.parameters,
        timeout_minutes=run.timeout_minutes,
        version=run.job_version,
        attempt=run.attempt + 1,
        previous_run=run,
    )
    from jobs.runs.logs import write_log

    write_log(run.pk, "INFO", f"retrying as run {retry.pk} (attempt {retry.attempt})")
    return retry


def targets_rows(nodes: Iterable[Mapping[str, Any]], targets: set[str]) -> int | None:
    counts = [n.get("rows_out") for n in nodes if n.get("node") in targets]
    known = [c for c in counts if c is not None]
    return sum(known) if known else None
