from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from glueweb.demo import DemoLakeConflict, DemoSummary, ensure_demo_lake


class Command(BaseCommand):
    help = "Generate the demo retail lake (orders, customers, social) unless it exists already."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="regenerate even if the demo lake exists")
        parser.add_argument("--lake", type=Path, default=None, metavar="DIR", help="lake folder (default: LAKE_DIR)")

    def handle(self, *args: Any, **options: Any) -> None:
        lake_dir = Path(options["lake"] or settings.LAKE_DIR).expanduser()
        started = time.perf_counter()  # only to report how long it took
        try:
            summary, generated = ensure_demo_lake(lake_dir, force=options["force"])
        except DemoLakeConflict as exc:
            raise CommandError(str(exc)) from None
        from glueweb.demo.definitions import ensure_demo_definitions

        # The demo job reads the lake at its usual place (lake/ under GLUEWEB_HOME).
        for created in ensure_demo_definitions() if lake_dir == settings.LAKE_DIR else []:
            self.stdout.write(f"Created the demo {created}.")
        if generated:
            elapsed = time.perf_counter() - started
            self.stdout.write(f"Generated demo lake in {summary.root}: {_describe(summary)} ({elapsed:.2f} s).")
        else:
            self.stdout.write(
                f"Demo lake exists at {summary.root} ({_describe(summary)}); nothing to do. Use --force to regenerate."
            )


def _describe(summary: DemoSummary) -> str:
    rows = ", ".join(f"{name} {count:,} rows" for name, count in summary.rows.items())
    return f"{summary.files} files; {rows}"
