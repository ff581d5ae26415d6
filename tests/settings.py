"""Settings for the test suite: the real settings, with a private GLUEWEB_HOME and channel prefix.

The mode (embedded, or PostgreSQL + Redis) comes from the environment exactly
as in production; scripts/test runs the suite once per mode.
"""

import atexit
import os
import secrets
import shutil
import tempfile

if "GLUEWEB_HOME" not in os.environ:
    os.environ["GLUEWEB_HOME"] = tempfile.mkdtemp(prefix="glueweb-test-")
    _creator = os.getpid()
    # Removed by the process that made it, not by a forked child that exits through Python.
    atexit.register(lambda: os.getpid() == _creator and shutil.rmtree(os.environ["GLUEWEB_HOME"], ignore_errors=True))
os.environ.setdefault("GLUEWEB_CHANNEL_PREFIX", f"glueweb-test-{secrets.token_hex(4)}")
# Its own queue, so a glueweb running against the same Redis never takes the tests' tasks.
os.environ.setdefault("GLUEWEB_QUEUE", f"glueweb-test-{secrets.token_hex(4)}")

from glueweb.settings import *  # noqa: F403

# Hashing passwords slowly protects real accounts; tests only need it correct.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405  (WhiteNoise warns when it is missing)

if not DATABASE_URL:  # noqa: F405
    # A file rather than SQLite's shared in-memory database: tests that run a real worker in a
    # thread write from several connections at once, and shared-cache locks fail at once
    # ("database table is locked") where a file's locks wait (the busy timeout), as in production.
    DATABASES["default"]["TEST"] = {"NAME": str(GLUEWEB_HOME / "test.sqlite3")}  # noqa: F405
