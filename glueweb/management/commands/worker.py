from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from glueweb import preflight
from glueweb.celery import app
from glueweb.env import env_int


class Command(BaseCommand):
    help = "Run a Celery worker for jobs and crawls. Start any number, on any machine sharing the database and Redis."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--concurrency", type=int, default=None, help="default: $GLUEWEB_WORKER_CONCURRENCY or 2")
        parser.add_argument("--name", default="worker@%h")
        parser.add_argument("--loglevel", default="INFO")

    def handle(self, *args: Any, **options: Any) -> None:
        preflight.run_all()
        concurrency = options["concurrency"] or env_int("GLUEWEB_WORKER_CONCURRENCY", 2, minimum=1)
        app.worker_main(
            [
                "worker",
                f"--loglevel={options['loglevel']}",
                f"--concurrency={concurrency}",
                "-n",
                options["name"],
                "--without-gossip",
                "--without-mingle",
            ]
        )
