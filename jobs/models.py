from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class RunEvent(models.Model):
    """One state change of a run, crawl or diagnostic, in order.

    These rows are the source of truth for live status: the browser is sent
    them as they are written, and a client that reconnects is sent the ones
    it missed (docs/live-events.md).
    """

    class Kind(models.TextChoices):
        JOB = "job", "job run"
        CRAWL = "crawl", "crawler run"
        DIAGNOSTIC = "diagnostic", "diagnostic"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    run_id = models.BigIntegerField()
    seq = models.PositiveIntegerField()
    type = models.CharField(max_length=48)
    payload = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "run_id", "seq"], name="run_event_seq_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.run_id}#{self.seq} {self.type}"

    # The key naming the run in a message: "run" for job runs (DESIGN's contract).
    SUBJECT_KEYS = {Kind.JOB: "run", Kind.CRAWL: "crawl", Kind.DIAGNOSTIC: "diagnostic"}

    def to_message(self) -> dict[str, Any]:
        message: dict[str, Any] = {
            "type": self.type,
            self.SUBJECT_KEYS[self.Kind(self.kind)]: self.run_id,
            "seq": self.seq,
            "id": self.id,
            "at": self.at.isoformat(),
        }
        for key, value in self.payload.items():
            message.setdefault(key, value)
        return message


DEFAULT_TIMEOUT_MINUTES = 2880.0  # 48 hours, as AWS Glue


class NodeMetrics(models.TextChoices):
    """How a run measures its nodes (jobs.engine.compiler.NODE_METRICS; docs/runs.md "Node metrics")."""

    FAST = "fast"
    EXACT = "exact"


class Job(models.Model):
    """A job definition: its graph and the settings that govern its runs (docs/runs.md).

    Saved only through jobs.runs.jobs.save_job, which also records a JobVersion.
    """

    name = models.CharField(max_length=255, unique=True)
    description = models.TextField(blank=True, default="")
    graph = models.JSONField()
    default_parameters = models.JSONField(default=dict, blank=True)
    max_retries = models.PositiveIntegerField(default=0)
    # Minutes, fractions allowed (a test or a quick job may want seconds).
    timeout_minutes = models.FloatField(default=DEFAULT_TIMEOUT_MINUTES)
    max_concurrent_runs = models.PositiveIntegerField(default=1)
    # "fast": per-node figures at a few percent, nodes inside join pipelines uncounted; "exact": every
    # node counted and timed, at the price of Polars' join optimisations (docs/runs.md "Node metrics").
    node_metrics = models.CharField(max_length=8, choices=NodeMetrics.choices, default=NodeMetrics.FAST)
    tags = models.JSONField(default=list, blank=True)
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class JobVersion(models.Model):
    """What a job was at one save; never changed, so a run can always be explained by its graph."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True, default="")
    graph = models.JSONField()
    default_parameters = models.JSONField(default=dict, blank=True)
    max_retries = models.PositiveIntegerField(default=0)
    timeout_minutes = models.FloatField(default=DEFAULT_TIMEOUT_MINUTES)
    max_concurrent_runs = models.PositiveIntegerField(default=1)
    node_metrics = models.CharField(max_length=8, choices=NodeMetrics.choices, default=NodeMetrics.FAST)
    tags = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["job_id", "number"]
        constraints = [models.UniqueConstraint(fields=["job", "number"], name="job_version_number_unique")]

    def __str__(self) -> str:
        return f"{self.name} v{self.number}"


class JobRun(models.Model):
    """One execution of one job version (docs/runs.md "What a run records")."""

    class State(models.TextChoices):
        WAITING = "WAITING"
        STARTING = "STARTING"
        RUNNING = "RUNNING"
        STOPPING = "STOPPING"
        STOPPED = "STOPPED"
        SUCCEEDED = "SUCCEEDED"
        FAILED = "FAILED"
        TIMEOUT = "TIMEOUT"
        ERROR = "ERROR"

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="runs")
    job_version = models.ForeignKey(JobVersion, on_delete=models.PROTECT, related_name="runs")
    parameters = models.JSONField(default=dict, blank=True)
    attempt = models.PositiveIntegerField(default=0)
    previous_run = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="retries")
    # {"kind": "user"|"schedule"|"trigger"|"retry", "name": ...}; the kind is copied to `trigger` for filtering.
    started_by = models.JSONField(default=dict)
    trigger = models.CharField(max_length=16, default="user", db_index=True)
    state = models.CharField(max_length=16, choices=State.choices, db_index=True)
    timeout_minutes = models.FloatField(default=DEFAULT_TIMEOUT_MINUTES)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=255, blank=True, default="")
    # The worker's last sign of life for this run; the reaper ends runs whose worker went quiet.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # Set when publishing began: from then on a stop is refused (409) and a timeout lets it finish.
    publishing_at = models.DateTimeField(null=True, blank=True)
    error = models.JSONField(null=True, blank=True)
    outputs = models.JSONField(default=dict, blank=True)
    rows_out = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["job", "state"], name="jobrun_job_state")]

    def __str__(self) -> str:
        return f"run {self.pk} of {self.job_id} ({self.state})"

    @property
    def waiting_seconds(self) -> float | None:
        end = self.started_at or self.completed_at
        return (end - self.created_at).total_seconds() if end else None

    @property
    def execution_seconds(self) -> float | None:
        if self.started_at and self.completed_at:
            return (self.completed_at - self.started_at).total_seconds()
        return None


class NodeRun(models.Model):
    """One node of one run: its state, rows and timing (docs/runs.md "Per node")."""

    class State(models.TextChoices):
        WAITING = "WAITING"
        RUNNING = "RUNNING"
        SUCCEEDED = "SUCCEEDED"
        FAILED = "FAILED"
        STOPPED = "STOPPED"

    run = models.ForeignKey(JobRun, on_delete=models.CASCADE, related_name="nodes")
    node = models.CharField(max_length=255)
    type = models.CharField(max_length=64)
    state = models.CharField(max_length=16, choices=State.choices, default=State.WAITING)
    rows_out = models.BigIntegerField(null=True, blank=True)
    rows_out_by_port = models.JSONField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.BigIntegerField(null=True, blank=True)
    # Why rows_out is null although the run counted rows (e.g. "not counted: inside a join pipeline").
    # Null, not "", when there is none: the API and the node.state events say null alike.
    rows_note = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001
    error = models.JSONField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["run_id", "position"]
        constraints = [models.UniqueConstraint(fields=["run", "node"], name="node_run_unique")]

    def __str__(self) -> str:
        return f"{self.node} of run {self.run_id} ({self.state})"
