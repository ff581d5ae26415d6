"""Builds the demo retail lake atomically and recognises one that exists.

Layout under ``lake_dir``::

    retail/_GLUEWEB_DEMO                                   marker (JSON)
    retail/orders/year=YYYY/month=MM/part-00000.parquet    orders, hive-partitioned
    retail/customers/customers.csv                         CRM customers
    retail/social/interactions.ndjson                      social interactions

Everything is first written to a hidden sibling ``.retail-tmp-*`` and renamed
into place, so a crash mid-way never leaves half a lake where crawlers look.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from glueweb.demo.customers import build_customers, lifetime_values, write_customers_csv
from glueweb.demo.dice import Dice
from glueweb.demo.orders import build_orders, revenue_by_customer, write_orders
from glueweb.demo.social import build_interactions, write_ndjson

try:  # POSIX only; elsewhere concurrent generators are simply not serialised.
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

DEFAULT_SEED = 20261123
# Bump when the generated data changes shape or content, so a marker tells which data a lake holds.
GENERATOR_VERSION = 1
RETAIL_DIR = "retail"
MARKER_NAME = "_GLUEWEB_DEMO"
_TMP_PREFIX = ".retail-tmp-"
_OLD_PREFIX = ".retail-old-"
_LOCK_NAME = ".retail.lock"


class DemoLakeConflict(Exception):
    """``retail/`` exists but was not made by the demo generator; it is never overwritten."""


@dataclass(frozen=True)
class DemoSummary:
    root: Path  # the retail folder
    files: int  # data files, not counting the marker
    rows: dict[str, int]  # {"orders": ..., "customers": ..., "social": ...}


def demo_lake_exists(lake_dir: Path) -> bool:
    """True when ``lake_dir/retail`` holds a complete demo lake (its marker is written last)."""
    return (Path(lake_dir) / RETAIL_DIR / MARKER_NAME).is_file()


def read_demo_summary(lake_dir: Path) -> DemoSummary:
    """The summary recorded in an existing demo lake's marker."""
    root = Path(lake_dir) / RETAIL_DIR
    marker = json.loads((root / MARKER_NAME).read_text(encoding="utf-8"))
    return DemoSummary(root=root, files=int(marker["files"]), rows={k: int(v) for k, v in marker["rows"].items()})


def generate_demo_lake(lake_dir: Path, *, seed: int = DEFAULT_SEED) -> DemoSummary:
    """(Re)generate ``lake_dir/retail``, replacing an earlier demo lake but never other data.

    Raises DemoLakeConflict if ``retail/`` exists without the demo marker.
    """
    lake_dir = Path(lake_dir)
    with _generation_lock(lake_dir):
        return _generate(lake_dir, seed)


def ensure_demo_lake(lake_dir: Path, *, force: bool = False, seed: int = DEFAULT_SEED) -> tuple[DemoSummary, bool]:
    """Generate the demo lake unless one exists (or ``force``); returns the summary and whether it generated.

    What the ``demo_data`` command runs on every start, so the check happens
    under the lock: two processes starting at once generate it only once.
    """
    lake_dir = Path(lake_dir)
    with _generation_lock(lake_dir):
        if not force and demo_lake_exists(lake_dir):
            return read_demo_summary(lake_dir), False
        return _generate(lake_dir, seed), True


def _generate(lake_dir: Path, seed: int) -> DemoSummary:
    retail = lake_dir / RETAIL_DIR
    _refuse_foreign(retail)
    token = uuid.uuid4().hex[:12]  # only names the scratch folders; the data never sees it
    # mkdir (not tempfile.mkdtemp) so the folder gets the usual umask permissions,
    # not 0700, since it becomes the lake other processes read.
    staging = lake_dir / f"{_TMP_PREFIX}{token}"
    staging.mkdir()
    retired = lake_dir / f"{_OLD_PREFIX}{token}"
    try:
        files, rows = _write_datasets(staging, seed)
        # The marker goes last: its presence means every data file is complete.
        marker = {"generator": "glueweb.demo", "version": GENERATOR_VERSION, "seed": seed, "files": files, "rows": rows}
        (staging / MARKER_NAME).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
        _refuse_foreign(retail)  # again: someone may have put data there while we wrote
        if retail.exists() or retail.is_symlink():
            retail.rename(retired)
        staging.rename(retail)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if retired.exists() and not retail.exists():
            retired.rename(retail)  # put the previous demo lake back
        raise
    _remove(retired)
    return DemoSummary(root=retail, files=files, rows=rows)


def _write_datasets(root: Path, seed: int) -> tuple[int, dict[str, int]]:
    customers = build_customers(Dice(seed, "customers"))
    orders = build_orders(Dice(seed, "orders"), customers)
    interactions = build_interactions(Dice(seed, "social"), customers)
    values = lifetime_values(customers, revenue_by_customer(orders), Dice(seed, "lifetime_value"))

    order_files = write_orders(orders, root / "orders")
    write_customers_csv(customers, values, root / "customers" / "customers.csv")
    write_ndjson(interactions, root / "social" / "interactions.ndjson")
    rows = {"orders": len(orders), "customers": len(customers), "social": len(interactions)}
    return len(order_files) + 2, rows


def _refuse_foreign(retail: Path) -> None:
    if (retail.exists() or retail.is_symlink()) and not (retail / MARKER_NAME).is_file():
        raise DemoLakeConflict(
            f"{retail} exists but was not made by the glueweb demo generator (no {MARKER_NAME} marker); "
            "refusing to overwrite it. Move it away or point --lake at another folder."
        )


def _remove(path: Path) -> None:
    """Delete a scratch folder; a retired ``retail`` may be a symlink, which rmtree refuses."""
    if path.is_symlink():
        path.unlink()
    else:
        shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def _generation_lock(lake_dir: Path) -> Iterator[None]:
    """Serialise generators on this lake, and clear scratch folders that crashed runs left behind."""
    lake_dir.mkdir(parents=True, exist_ok=True)
    if fcntl is None:  # pragma: no cover - Windows
        yield
        return
    with (lake_dir / _LOCK_NAME).open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            # Holding the lock, no other generator is running, so any scratch folder is stale.
            for stale in (*lake_dir.glob(f"{_TMP_PREFIX}*"), *lake_dir.glob(f"{_OLD_PREFIX}*")):
                _remove(stale)
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
