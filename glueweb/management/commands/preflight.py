from typing import Any

from django.core.management.base import BaseCommand

from glueweb import preflight


class Command(BaseCommand):
    help = "Check the settings, the database and Redis; exit non-zero with one clear line when one is wrong."

    def handle(self, *args: Any, **options: Any) -> None:
        preflight.run_all()  # a ConfigError is printed as one line by manage.py
        self.stdout.write("glueweb: settings, database and broker look good.")
