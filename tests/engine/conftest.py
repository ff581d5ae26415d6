from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def lake(settings: Any, tmp_path: Path) -> Path:
    """A private GLUEWEB_HOME whose lake/ is the only data root."""
    root = tmp_path / "lake"
    root.mkdir()
    settings.GLUEWEB_HOME = tmp_path
    settings.DATA_ROOTS = [root.resolve()]
    return root
