"""Settings for the test suite: the real settings, with a private GLUEWEB_HOME and channel prefix.

The mode (embedded, or PostgreSQL + Redis) comes from the environment exactly
as in production; scripts/test runs the suite once per mode.
"""

import atexit
import os
import secrets
import shutil
import tempfile


def _remove_home(home: str, creator: int) -> None:
    # Only the process that made the home removes it, not a forked child exiting through Python.
    if os.getpid() == creator:
        shutil.rmtree(home, ignore_errors=True)


if "GLUEWEB_HOME" not in os.environ:
    os.environ["GLUEWEB_HOME"] = tempfile.mkdtemp(prefix="glueweb-test-")
    atexit.register(_remove_home, os.environ["GLUEWEB_HOME"], os.getpid())
os.environ.setdefault("GLUEWEB_CHANNEL_PREFIX", f"glueweb-test-{secrets.token_hex(4)}")
# Its own queue, so a glueweb running against the same Redis never takes the tests' tasks.
os.environ.setdefault("GLUEWEB_QUEUE", f"glueweb-test-{secrets.token_hex(4)}")

from glueweb.settings import *  # noqa: E402, F403  (after the environment above, which it reads)

# Hashing passwords slowly protects real accounts; tests only need it correct.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405  (WhiteNoise warns when it is missing)

if not DATABASE_URL:  # noqa: F405
    # A file rather than SQLite's shared in-memory database: tests that run a real worker in a
    # thread write from several connections at once, and shared-cache locks fail at once
    # ("database table is locked") where a file's locks wait (the busy timeout), as in production.
    DATABASES["default"]["TEST"] = {"NAME": str(GLUEWEB_HOME / "test.sqlite3")}  # noqa: F405
