"""The first admin account: from the environment, or a random password printed once."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from glueweb.env import ConfigError


@dataclass(frozen=True)
class AdminAccount:
    username: str
    created: bool
    # Only set when glueweb chose the password; shown once, never stored in clear.
    generated_password: str | None


def ensure_admin() -> AdminAccount:
    """Create the admin account on first start; later starts leave accounts alone."""
    User = get_user_model()
    username = os.environ.get("DJANGO_SUPERUSER_USERNAME", "").strip() or "admin"
    password = os.environ.get("DJANGO_SUPERUSER_PASSWORD", "")
    with transaction.atomic():
        existing = User.objects.filter(is_superuser=True).order_by("id").first()
        if existing is not None:
            return AdminAccount(existing.get_username(), created=False, generated_password=None)
        if User.objects.filter(username=username).exists():
            raise ConfigError(
                "DJANGO_SUPERUSER_USERNAME",
                f"a user named {username!r} exists but is not an admin; choose another name",
            )
        generated = None
        if not password:
            generated = password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
    return AdminAccount(username, created=True, generated_password=generated)
