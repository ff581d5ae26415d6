from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rest_framework.test import APIClient

from catalog.models import Database, Table
from catalog.services.common import SYSTEM
from catalog.services.databases import create_database
from catalog.services.tables import create_table


@pytest.fixture
def editor(api: Callable[..., APIClient]) -> APIClient:
    return api("editor")


@pytest.fixture
def viewer(api: Callable[..., APIClient]) -> APIClient:
    return api("viewer")


@pytest.fixture
def lake(settings: Any, tmp_path: Path) -> Path:
    """A data root of the test's own; settings.DATA_ROOTS holds only it."""
    root = tmp_path / "lake"
    root.mkdir()
    settings.DATA_ROOTS = [root.resolve()]
    return root.resolve()


@pytest.fixture
def sales(db: None) -> Database:
    return create_database({"name": "sales", "description": "what we sold"})


@pytest.fixture
def make_table(sales: Database) -> Callable[..., Table]:
    def make(name: str = "orders", **fields: Any) -> Table:
        data: dict[str, Any] = {
            "name": name,
            "columns": [{"name": "id", "type": "bigint"}, {"name": "total", "type": "double"}],
            **fields,
        }
        return create_table(sales, data, SYSTEM)

    return make
