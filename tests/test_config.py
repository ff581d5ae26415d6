"""Bad settings stop start-up with one clear line naming the setting."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from glueweb.env import ConfigError, database_config, env_bool, env_int, redact_url

ROOT = Path(__file__).resolve().parent.parent


def run_manage(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    clean.update({"GLUEWEB_HOME": str(tmp_path / "home"), "DJANGO_SETTINGS_MODULE": "glueweb.settings", **env})
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        check=False,
        capture_output=True,
        text=True,
        env=clean,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("env", "setting"),
    [
        ({"DATABASE_URL": "mysql://root@localhost/db"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgres://user:hunter2@db:notaport/glue"}, "DATABASE_URL"),
        ({"REDIS_URL": "http://localhost:6379"}, "REDIS_URL"),
        ({"GLUEWEB_DEBUG": "maybe"}, "GLUEWEB_DEBUG"),
        ({"GLUEWEB_SECRET_KEY": "short"}, "GLUEWEB_SECRET_KEY"),
    ],
)
def test_a_malformed_setting_stops_start_up_with_one_line_naming_it(
    tmp_path: Path, env: dict[str, str], setting: str
) -> None:
    result = run_manage(tmp_path, "check", **env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"glueweb: configuration error: {setting}:")
    assert "Traceback" not in result.stderr
    assert "hunter2" not in result.stderr  # passwords never printed


def test_an_unreachable_redis_stops_preflight_with_one_line(tmp_path: Path) -> None:
    result = run_manage(tmp_path, "preflight", REDIS_URL="redis://127.0.0.1:1/0")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith("glueweb: configuration error: REDIS_URL: cannot reach redis://127.0.0.1:1/0")


def test_an_unreachable_database_stops_preflight_with_one_line_and_no_password(tmp_path: Path) -> None:
    result = run_manage(tmp_path, "preflight", DATABASE_URL="postgres://glue:s3cret@127.0.0.1:1/glue")
    assert result.returncode == 2
    assert result.stderr.startswith(
        "glueweb: configuration error: DATABASE_URL: cannot connect to postgres://glue:***@127.0.0.1:1/glue"
    )
    assert "s3cret" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_preflight_passes_on_the_embedded_default(tmp_path: Path) -> None:
    result = run_manage(tmp_path, "preflight")
    assert result.returncode == 0, result.stderr
    assert "look good" in result.stdout
    assert (tmp_path / "home" / "broker" / "queue").is_dir()


def test_env_bool_accepts_the_usual_spellings(monkeypatch: pytest.MonkeyPatch) -> None:
    for raw, expected in [("1", True), ("Yes", True), ("on", True), ("0", False), ("FALSE", False), ("off", False)]:
        monkeypatch.setenv("X_FLAG", raw)
        assert env_bool("X_FLAG") is expected
    monkeypatch.setenv("X_FLAG", "")
    assert env_bool("X_FLAG", True) is True


def test_env_int_names_the_variable_and_the_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "eighty")
    with pytest.raises(ConfigError, match=r"^PORT: expected a whole number, got 'eighty'$"):
        env_int("PORT", 8000)
    monkeypatch.setenv("PORT", "70000")
    with pytest.raises(ConfigError, match=r"^PORT: must be at most 65535"):
        env_int("PORT", 8000, maximum=65535)


def test_redact_url_hides_only_the_password() -> None:
    assert redact_url("postgres://glue:pw@db:5432/x") == "postgres://glue:***@db:5432/x"
    assert redact_url("redis://localhost:6379/0") == "redis://localhost:6379/0"


def test_database_config_reads_a_postgres_url() -> None:
    config = database_config("postgresql://glue:pw@db.internal:6543/catalog", conn_max_age=60)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"], config["USER"]) == ("db.internal", 6543, "catalog", "glue")


def test_database_config_requires_a_database_name() -> None:
    with pytest.raises(ConfigError, match=r"^DATABASE_URL: no database name"):
        database_config("postgres://glue@db:5432/", conn_max_age=0)
