"""Saving jobs: every save records an immutable JobVersion, which runs pin."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import timezone

from jobs.models import Job, JobVersion

# The fields a version copies from its job; a run is governed by the version it pins.
VERSIONED = (
    "name",
    "description",
    "graph",
    "default_parameters",
    "max_retries",
    "timeout_minutes",
    "max_concurrent_runs",
    "node_metrics",
    "tags",
)


def declared_parameters(graph: Any) -> set[str]:
    """Names the graph declares in its `parameters` list (what runs may set)."""
    declared = graph.get("parameters") if isinstance(graph, dict) else None
    if not isinstance(declared, list):
        return set()
    return {p["name"] for p in declared if isinstance(p, dict) and isinstance(p.get("name"), str)}


def save_job(job: Job | None, values: Mapping[str, Any], user: AbstractBaseUser | AnonymousUser | None = None) -> Job:
    """Create or change a job (values already validated) and record the new version, in one transaction."""
    with transaction.atomic():
        job = Job() if job is None else Job.objects.select_for_update().get(pk=job.pk)
        for name, value in values.items():
            setattr(job, name, value)
        job.version += 1
        job.updated_at = timezone.now()
        job.save()
        JobVersion.objects.create(
            job=job,
            number=job.version,
            created_by=user if user is not None and user.is_authenticated else None,  # type: ignore[misc]
            **{name: getattr(job, name) for name in VERSIONED},
        )
        return job


def current_version(job: Job) -> JobVersion:
    return JobVersion.objects.get(job=job, number=job.version)
