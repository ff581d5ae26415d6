"""Preloaded by the run forkserver: Django and the engine imported once, so each run's child forks ready."""

from __future__ import annotations

import django

django.setup()

import jobs.engine.compiler  # noqa: E402
import jobs.runs.child  # noqa: E402,F401
from jobs.engine.registry import all_types  # noqa: E402

all_types()  # imports the node type modules (~30 ms) once here, not in every run's child; runs no Polars
