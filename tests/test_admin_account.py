"""The first admin account: from the environment, or a random password shown once."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User

from glueweb.accounts import ensure_admin
from glueweb.env import ConfigError

pytestmark = pytest.mark.django_db


def test_the_admin_takes_its_name_and_password_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "grace")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "correct-horse-battery")
    account = ensure_admin()
    assert (account.username, account.created, account.generated_password) == ("grace", True, None)
    assert authenticate(username="grace", password="correct-horse-battery") is not None


def test_without_a_password_the_admin_gets_a_random_one_that_works(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DJANGO_SUPERUSER_USERNAME", raising=False)
    monkeypatch.delenv("DJANGO_SUPERUSER_PASSWORD", raising=False)
    account = ensure_admin()
    assert account.created and account.username == "admin"
    assert account.generated_password and len(account.generated_password) >= 16
    assert authenticate(username="admin", password=account.generated_password) is not None
    User.objects.all().delete()
    assert ensure_admin().generated_password != account.generated_password


def test_a_second_start_leaves_the_admin_alone_and_shows_no_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DJANGO_SUPERUSER_PASSWORD", raising=False)
    first = ensure_admin()
    second = ensure_admin()
    assert (second.username, second.created, second.generated_password) == (first.username, False, None)
    assert User.objects.filter(is_superuser=True).count() == 1


def test_a_plain_user_with_the_admin_name_is_not_promoted(monkeypatch: pytest.MonkeyPatch) -> None:
    User.objects.create_user("admin", password="whatever-123")
    monkeypatch.delenv("DJANGO_SUPERUSER_USERNAME", raising=False)
    with pytest.raises(ConfigError, match=r"^DJANGO_SUPERUSER_USERNAME: a user named 'admin' exists"):
        ensure_admin()
    assert not User.objects.filter(is_superuser=True).exists()
