"""`manage.py glue`: start and watch runs from a terminal.

glue run JOB [--param k=v ...] [--wait]   start a run; with --wait, stream its events and exit
                                         0 when it succeeds, 1 when it ends any other way
glue runs [--job JOB] [--state S] [--limit N] [--json]   recent runs
glue stop RUN                            ask a run to stop
"""

from __future__ import annotations

import getpass
import json
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

from glueweb import preflight
from glueweb.env import ConfigError
from glueweb.health import check_workers
from jobs.engine.validate import analyze
from jobs.models import Job, JobRun, RunEvent
from jobs.runs.jobs import current_version, declared_parameters
from jobs.runs.start import start_run
from jobs.runs.states import FINAL, STARTING, SUCCEEDED
from jobs.runs.stop import StopRefused, request_stop

POLL_SECONDS = 0.1
EXIT_FAILED = 1
EXIT_INTERRUPTED = 130


def parse_params(pairs: list[str]) -> dict[str, Any]:
    """k=v pairs; a value that reads as JSON (10, true, "x", [1]) is taken as such, else as text."""
    values: dict[str, Any] = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        if not sep or not name:
            raise CommandError(f"--param {pair!r}: expected NAME=VALUE")
        try:
            values[name] = json.loads(raw)
        except ValueError:
            values[name] = raw
    return values


def find_job(ref: str) -> Job:
    job = Job.objects.filter(name=ref).first()
    if job is None and ref.isdigit():
        job = Job.objects.filter(pk=int(ref)).first()
    if job is None:
        raise CommandError(f"JOB: no job named {ref!r}")
    return job


def no_worker_notice(run: JobRun) -> str | None:
    """A STARTING run needs a worker: say so when none is alive, rather than wait in silence."""
    if run.state != STARTING:
        return None
    workers = check_workers()
    if workers["ok"]:
        return None
    return (
        f"note: {workers['error']}; run {run.pk} stays STARTING until one takes it "
        "(start one with `python manage.py worker`, or everything with `make run`)"
    )


def clock(event: RunEvent) -> str:
    return event.at.strftime("%H:%M:%S.") + f"{event.at.microsecond // 1000:03d}"


def seconds(run: JobRun) -> str:
    spent = run.execution_seconds
    return f" in {spent:.1f} s" if spent is not None else ""


class Watcher:
    """Prints a run's events as they are stored, with a count of finished nodes."""

    def __init__(self, write: Any) -> None:
        self.write = write
        self.nodes_total = 0
        self.nodes_done: set[str] = set()

    def line(self, event: RunEvent) -> str | None:
        p = event.payload
        if event.type == "run.state":
            if p.get("state") == "RUNNING":
                self.nodes_total = int(p.get("nodes") or 0)
                return f"{clock(event)}  RUNNING ({self.nodes_total} nodes)"
            return f"{clock(event)}  {p.get('state')}"
        if event.type == "node.progress":
            # At most one per node per second (docs/live-events.md): a long node shows it is moving.
            rows = f"  {p['rows_out']:,} rows so far" if p.get("rows_out") is not None else ""
            return f"{clock(event)}  {self.progress()} node {p.get('node')} RUNNING{rows}"
        if event.type == "node.state":
            if p.get("state") != "RUNNING":
                self.nodes_done.add(str(p.get("node")))
            rows = f"  {p['rows_out']:,} rows" if p.get("rows_out") is not None else ""
            note = f"  ({p['rows_note']})" if p.get("rows_note") else ""
            took = f"  {p['duration_ms']} ms" if p.get("duration_ms") is not None else ""
            return f"{clock(event)}  {self.progress()} node {p.get('node')} {p.get('state')}{rows}{note}{took}"
        if event.type == "run.log":
            return f"{clock(event)}  {str(p.get('level', 'info')).upper():<7} {p.get('message', '')}"
        return None

    def progress(self) -> str:
        """[finished nodes/all nodes]: how far the run has got."""
        return f"[{len(self.nodes_done)}/{self.nodes_total or '?'}]"

    def follow(self, run: JobRun) -> JobRun:
        """Print events until the run ends; then follow its retry, if one was made."""
        after = 0
        self.write(f"run {run.pk} of job {run.job.name!r} (version {run.job_version.number}, attempt {run.attempt})")
        while True:
            close_old_connections()
            events = list(RunEvent.objects.filter(kind="job", run_id=run.pk, seq__gt=after).order_by("seq"))
            for event in events:
                after = event.seq
                text = self.line(event)
                if text:
                    self.write(text)
            run.refresh_from_db()
            if run.state in FINAL and not RunEvent.objects.filter(kind="job", run_id=run.pk, seq__gt=after).exists():
                break
            if not events:
                time.sleep(POLL_SECONDS)
        retry = JobRun.objects.filter(previous_run=run).first()
        if retry is not None:
            self.write(f"retried as run {retry.pk}")
            self.nodes_done.clear()
            return self.follow(retry)
        return run


class Command(BaseCommand):
    help = "Start and watch job runs: glue run JOB [--param k=v] [--wait]; glue runs; glue stop RUN"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="start a run of a job (by name or id)")
        run.add_argument("job")
        run.add_argument("--param", action="append", default=[], metavar="NAME=VALUE")
        run.add_argument("--timeout-minutes", type=float, default=None)
        run.add_argument("--wait", action="store_true", help="stream the run's events until it ends")
        runs = sub.add_parser("runs", help="list recent runs")
        runs.add_argument("--job", default=None)
        runs.add_argument("--state", default=None)
        runs.add_argument("--limit", type=int, default=20)
        runs.add_argument("--json", action="store_true")
        stop = sub.add_parser("stop", help="stop a run")
        stop.add_argument("run", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "run":
            self.run(options)
        elif action == "runs":
            self.list_runs(options)
        else:
            self.stop(options)

    def say(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()

    def run(self, options: dict[str, Any]) -> None:
        job = find_job(options["job"])
        version = current_version(job)
        overrides = parse_params(options["param"])
        unknown = sorted(set(overrides) - declared_parameters(version.graph))
        if unknown:
            raise CommandError(f"--param {unknown[0]}: the job's graph declares no parameter of this name")
        analysis = analyze(version.graph, {**version.default_parameters, **overrides})
        if analysis.errors:
            lines = [
                f"  {e.get('node') or '-'} {e.get('field', '')}: {e.get('message')}" for e in analysis.errors_as_dicts()
            ]
            raise CommandError("the job's graph has validation errors; nothing was started:\n" + "\n".join(lines))
        timeout = options["timeout_minutes"]
        if timeout is not None and timeout <= 0:
            raise CommandError("--timeout-minutes must be above 0")
        try:
            # GLUEWEB_HOME's folders, as the web server and workers make them at start-up: a home
            # that cannot be made is named here, not met as a broker error (which makes its own).
            preflight.check_home()
        except ConfigError as exc:
            raise CommandError(str(exc)) from None
        run = start_run(
            job,
            version=version,
            started_by={"kind": "user", "name": f"cli:{getpass.getuser()}"},
            parameters=dict(analysis.values),
            timeout_minutes=timeout,
        )
        run.refresh_from_db()  # handing it to the broker happened on commit and may have ended it ERROR
        notice = no_worker_notice(run)
        if not options["wait"]:
            self.say(f"run {run.pk} of job {job.name!r}: {run.state}")
            if notice:
                self.stderr.write(notice)
            if run.state in FINAL and run.state != SUCCEEDED:
                self.say(f"error: {(run.error or {}).get('message')}")
                sys.exit(EXIT_FAILED)
            return
        if notice:
            self.stderr.write(notice)
        try:
            final = Watcher(self.say).follow(run)
        except KeyboardInterrupt:
            self.say(f"\nstopped watching; run {run.pk} goes on (`glue stop {run.pk}` stops it)")
            sys.exit(EXIT_INTERRUPTED)
        summary = f"run {final.pk} {final.state}{seconds(final)}"
        if final.rows_out is not None:
            summary += f", {final.rows_out:,} rows written"
        if final.error:
            node = f" at node {final.error.get('node')!r}" if final.error.get("node") else ""
            summary += f"\nerror{node}: {final.error.get('message')}"
        self.say(summary)
        if final.state != SUCCEEDED:
            sys.exit(EXIT_FAILED)

    def list_runs(self, options: dict[str, Any]) -> None:
        runs = JobRun.objects.select_related("job", "job_version").order_by("-id")
        if options["job"]:
            runs = runs.filter(job=find_job(options["job"]))
        if options["state"]:
            state = options["state"].upper()
            if state not in JobRun.State.values:
                raise CommandError(f"--state: unknown state {options['state']!r}")
            runs = runs.filter(state=state)
        rows = list(runs[: max(1, options["limit"])])
        if options["json"]:
            self.say(json.dumps([self.as_dict(r) for r in rows], indent=2, default=str))
            return
        header = f"{'RUN':>6}  {'JOB':<24} {'VER':>3} {'TRY':>3}  {'STATE':<9}  {'CREATED':<19}  {'SECONDS':>8}  BY"
        self.say(header)
        for r in rows:
            spent = f"{r.execution_seconds:.1f}" if r.execution_seconds is not None else "-"
            by = f"{r.started_by.get('kind')}:{r.started_by.get('name') or ''}".rstrip(":")
            self.say(
                f"{r.pk:>6}  {r.job.name[:24]:<24} {r.job_version.number:>3} {r.attempt:>3}  {r.state:<9}  "
                f"{r.created_at:%Y-%m-%d %H:%M:%S}  {spent:>8}  {by}"
            )
        if not rows:
            self.say("(no runs)")

    @staticmethod
    def as_dict(run: JobRun) -> dict[str, Any]:
        return {
            "id": run.pk, "job": run.job.name, "version": run.job_version.number, "attempt": run.attempt,
            "state": run.state, "created_at": run.created_at, "started_at": run.started_at,
            "completed_at": run.completed_at, "started_by": run.started_by, "error": run.error,
            "rows_out": run.rows_out,
        }  # fmt: skip

    def stop(self, options: dict[str, Any]) -> None:
        run = JobRun.objects.filter(pk=options["run"]).first()
        if run is None:
            raise CommandError(f"RUN: no run {options['run']}")
        try:
            run = request_stop(run)
        except StopRefused as exc:
            raise CommandError(str(exc)) from None
        self.say(f"run {run.pk}: {run.state}")
