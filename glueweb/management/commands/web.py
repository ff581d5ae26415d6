from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from glueweb.env import env_int


class Command(BaseCommand):
    help = "Serve glueweb over HTTP and WebSocket (daphne, ASGI)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=None, help="default: $PORT or 8000")

    def handle(self, *args: Any, **options: Any) -> None:
        from daphne.cli import CommandLineInterface

        port = options["port"] or env_int("PORT", 8000, minimum=1, maximum=65535)
        CommandLineInterface().run(
            ["-b", options["host"], "-p", str(port), "--proxy-headers", "glueweb.asgi:application"]
        )
