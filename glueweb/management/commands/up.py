from __future__ import annotations

import signal
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from glueweb import preflight
from glueweb.accounts import ensure_admin
from glueweb.env import env_int
from glueweb.supervisor import Child, Supervisor, manage_argv, port_in_use, wait_for_port


class Command(BaseCommand):
    help = "Prepare glueweb (migrate, admin account, demo data) and run web, worker and scheduler until Ctrl-C."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=None, help="default: $PORT or 8000")
        parser.add_argument("--no-demo", action="store_true", help="do not generate the demo lake")

    def handle(self, *args: Any, **options: Any) -> None:
        host = options["host"]
        port = options["port"] or env_int("PORT", 8000, minimum=1, maximum=65535)
        if port_in_use(host, port):
            raise CommandError(
                f"PORT: {host}:{port} is already in use; stop what runs there or set PORT to another port."
            )

        preflight.run_all()
        mode = "production (PostgreSQL + Redis)" if settings.REDIS_URL else "embedded (SQLite + file broker)"
        if settings.DATABASE_URL and not settings.REDIS_URL:
            mode = "PostgreSQL with the file broker (one machine)"
        self.stdout.write(f"glueweb: {mode}; home {settings.GLUEWEB_HOME}")
        call_command("migrate", interactive=False, verbosity=0)
        account = ensure_admin()
        if not options["no_demo"]:
            call_command("demo_data")
        connections.close_all()  # the children open their own

        log_dir = settings.LOG_DIR
        supervisor = Supervisor(
            [
                Child("web", manage_argv("web", "--host", host, "--port", str(port)), log_dir / "web.log"),
                Child("worker", manage_argv("worker"), log_dir / "worker.log"),
                Child("scheduler", manage_argv("scheduler"), log_dir / "scheduler.log"),
            ],
            echo=lambda line: print(line, flush=True),
        )

        def on_signal(signum: int, _frame: Any) -> None:
            print("\nglueweb: stopping…", flush=True)
            supervisor.stopping.set()

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        supervisor.start()
        web = supervisor.children[0].process
        assert web is not None
        if not wait_for_port(host, port, timeout=60, alive=lambda: web.poll() is None):
            supervisor.stop()
            raise CommandError(f"the web server did not start; see {log_dir / 'web.log'}")

        url = f"http://{host}:{port}/"
        print("", flush=True)
        print(f"  glueweb is running at {url}", flush=True)
        if account.generated_password:
            print(f"  Sign in as '{account.username}' with password: {account.generated_password}", flush=True)
            print(
                "  (shown only this once; set DJANGO_SUPERUSER_PASSWORD before the first start to choose it)",
                flush=True,
            )
        else:
            print(f"  Sign in as '{account.username}'.", flush=True)
        print("  Press Ctrl-C to stop.\n", flush=True)

        status = supervisor.wait()
        supervisor.stop()
        print("glueweb: stopped.", flush=True)
        sys.exit(status)
