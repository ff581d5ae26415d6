"""A throwaway GLUEWEB_HOME whose lake/ is the only data root, with Django set up on it (engine benchmarks)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def lake_home(prefix: str) -> Path:
    """Make the home, point glueweb's settings at it, set Django up; the caller removes it."""
    home = Path(tempfile.mkdtemp(prefix=prefix))
    (home / "lake").mkdir()
    os.environ["GLUEWEB_HOME"] = str(home)
    os.environ["GLUEWEB_DATA_ROOTS"] = str(home / "lake")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "glueweb.settings")
    import django

    django.setup()
    return home
