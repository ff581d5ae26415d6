from typing import Any

from django.core.management.base import BaseCommand

from glueweb import preflight
from glueweb.celery import app


class Command(BaseCommand):
    help = "Run the scheduler (Celery beat) that starts scheduled jobs and crawls. Run exactly one."

    def handle(self, *args: Any, **options: Any) -> None:
        preflight.run_all()
        app.start(["beat", "--loglevel=INFO", "--pidfile="])
