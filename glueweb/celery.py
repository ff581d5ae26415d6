"""The Celery application. Configuration comes from Django settings (CELERY_*)."""

from __future__ import annotations

import os

from celery import Celery

from glueweb import broker

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "glueweb.settings")

# The embedded default's broker URL (glueweb-fs://) must be known before Celery connects.
broker.register()

app = Celery("glueweb")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Imported for their signal handlers: worker heartbeats for /healthz; the scheduler's reapers.
import glueweb.beat  # noqa: E402
import glueweb.workers  # noqa: E402,F401
