from __future__ import annotations

from typing import Any

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
