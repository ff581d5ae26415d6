from __future__ import annotations

from celery import Task, shared_task


@shared_task(bind=True, name="glueweb.diagnostic_ping")
def diagnostic_ping(self: Task, ping_id: int, sent_at: str, requested_by: str) -> None:
    from django.utils import timezone

    from glueweb.diagnostics import record_pong

    started_at = timezone.now()  # splits the latency figures: broker + pool, then the store
    record_pong(ping_id, sent_at, requested_by, worker=self.request.hostname, started_at=started_at.isoformat())
