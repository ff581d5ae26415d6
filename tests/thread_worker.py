"""A real Celery worker in a thread of the test process, that stops as soon as its test is done.

Celery's test worker (celery.contrib.testing.worker) runs the solo pool's
synloop, which waits for messages in slices of 2 s and, once asked to stop,
waits out the slice it is in and then one more: 2 to 4 s per test worker spent
idle at teardown. On Redis, closing its channel also waits for the pending
BRPOP, which the server answers after kombu's brpop_timeout (1 s). Here both
are 0.1 s; everything else (the broker it consumes, the tasks it runs, how it
stops) is Celery's own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from celery.contrib.testing.worker import TestWorkController, start_worker

from glueweb import preflight
from glueweb.celery import app

# How long the worker's loop waits for a message before it looks again whether it should stop.
IDLE_SLICE_SECONDS = 0.1


def _shorten_idle_slices(connection: Any) -> None:
    drain = connection.drain_events

    def drain_events(timeout: float | None = None, **kwargs: Any) -> Any:
        # A finite wait only: an unbounded one (timeout None) keeps its meaning.
        return drain(timeout=None if timeout is None else min(timeout, IDLE_SLICE_SECONDS), **kwargs)

    connection.drain_events = drain_events


class QuickStoppingWorker(TestWorkController):
    def on_consumer_ready(self, consumer: Any) -> None:
        # Called in the worker's thread before its loop first waits for a message (and sends a BRPOP).
        _shorten_idle_slices(consumer.connection)
        channel = consumer.task_consumer.channel
        if hasattr(channel, "brpop_timeout"):  # Redis (6+ takes a fractional BRPOP timeout)
            channel.brpop_timeout = IDLE_SLICE_SECONDS
        super().on_consumer_ready(consumer)


@contextmanager
def thread_worker(hostname: str | None = None, shutdown_timeout: float = 10) -> Iterator[Any]:
    """A real worker consuming the configured broker (file broker or Redis), in a thread; yields the worker."""
    preflight.check_home()
    options: dict[str, Any] = {"hostname": hostname} if hostname else {}
    with start_worker(
        app,
        pool="solo",
        perform_ping_check=False,
        loglevel="WARNING",
        shutdown_timeout=shutdown_timeout,
        WorkController=QuickStoppingWorker,
        **options,
    ) as started:
        yield started
