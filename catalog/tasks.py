"""Celery tasks of the catalog: thin, each loads by id and calls one service."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="catalog.compute_column_statistics", acks_late=True)
def compute_column_statistics(run_id: int) -> None:
    from catalog.services.statistics import compute_statistics

    compute_statistics(run_id)
