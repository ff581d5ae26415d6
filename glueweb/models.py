from __future__ import annotations

from django.db import models


class Access(models.Model):
    """Holds glueweb's role permissions; it has no table of its own.

    Django permissions need a content type, and these four belong to no one
    domain model, so an unmanaged model carries them (glueweb/roles.py).
    """

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view", "View catalog, crawlers, jobs and runs"),
            ("edit", "Change definitions: catalog, crawlers, jobs"),
            ("operate", "Start and stop runs and crawls"),
            ("administer", "Manage users and settings"),
        ]

    def __str__(self) -> str:
        return "glueweb access"


class WorkerHeartbeat(models.Model):
    """A Celery worker's last sign of life; /healthz reads these."""

    hostname = models.CharField(max_length=255, unique=True)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.hostname
