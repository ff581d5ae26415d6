"""Local paths of sources and targets, confined to settings.DATA_ROOTS (docs/security.md)."""

from __future__ import annotations

import glob
import os
import time
from pathlib import Path

from django.conf import settings

from jobs.engine.registry import NodeProblem

GLOB_CHARS = set("*?[")


def is_remote(path: str) -> bool:
    return "://" in path


def data_roots() -> list[Path]:
    return [Path(root).resolve() for root in settings.DATA_ROOTS]


ROOTS_KEPT_SECONDS = 5.0
_real_roots: dict[tuple[str, ...], tuple[float, list[str]]] = {}


def real_roots() -> list[str]:
    """The data roots with their links followed.

    resolve_local runs several times per source in every run, and resolving the roots each time
    was most of its cost; they are kept a few seconds (a root re-linked by an admin counts from then).
    """
    configured = tuple(str(root) for root in settings.DATA_ROOTS)
    now = time.monotonic()
    kept = _real_roots.get(configured)
    if kept is None or now - kept[0] > ROOTS_KEPT_SECONDS:
        kept = _real_roots[configured] = (now, [os.path.realpath(root) for root in configured])
    return kept[1]


def forget_roots() -> None:
    _real_roots.clear()


def _inside(real: str, roots: list[str]) -> bool:
    # String tests on real paths: pathlib's is_relative_to cost more than the file system calls.
    return any(real == root or real.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def _static_prefix(path: str) -> str:
    """The part of a glob before its first wildcard segment: that is what must lie inside a root."""
    parts = Path(path).parts
    kept: list[str] = []
    for part in parts:
        if GLOB_CHARS & set(part):
            break
        kept.append(part)
    return str(Path(*kept)) if kept else "."


def resolve_local(path: str, field: str = "params.path") -> Path:
    """Absolute path for a local source or target; NodeProblem at `field` when outside the data roots.

    Relative paths are read against GLUEWEB_HOME. `..` is refused outright, and symbolic links
    are followed before checking, so a link inside a root cannot lead outside it.
    """
    if not path:
        raise NodeProblem(field, "the path is empty")
    if ".." in Path(path).parts:
        raise NodeProblem(field, f'path "{path}" may not contain ".."')
    candidate = Path(path).expanduser()
    if not candidate.is_absolute():
        candidate = Path(settings.GLUEWEB_HOME) / candidate
    text = str(candidate)
    roots = real_roots()
    is_glob = bool(GLOB_CHARS & set(text))
    real = os.path.realpath(_static_prefix(text) if is_glob else text)
    if not _inside(real, roots):
        shown = ", ".join(roots)
        raise NodeProblem(field, f'path "{path}" is outside the data roots ({shown})')
    if is_glob:
        # Every match of a glob must stay inside too (a link below the prefix could point out).
        for match in glob.glob(text, recursive=True):
            if not _inside(os.path.realpath(match), roots):
                raise NodeProblem(field, f'path "{path}" matches "{match}", which lies outside the data roots')
        return candidate
    return Path(real)
