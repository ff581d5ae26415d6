"""Local paths of sources and targets, confined to settings.DATA_ROOTS (docs/security.md)."""

from __future__ import annotations

import glob
import os
from pathlib import Path

from django.conf import settings

from jobs.engine.registry import NodeProblem

GLOB_CHARS = set("*?[")


def is_remote(path: str) -> bool:
    return "://" in path


def data_roots() -> list[Path]:
    return [Path(root).resolve() for root in settings.DATA_ROOTS]


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
    real = Path(os.path.realpath(_static_prefix(str(candidate))))
    roots = data_roots()
    if not any(real == root or real.is_relative_to(root) for root in roots):
        shown = ", ".join(str(r) for r in roots)
        raise NodeProblem(field, f'path "{path}" is outside the data roots ({shown})')
    if GLOB_CHARS & set(str(candidate)):
        # Every match of a glob must stay inside too (a link below the prefix could point out).
        for match in glob.glob(str(candidate), recursive=True):
            resolved = Path(os.path.realpath(match))
            if not any(resolved == r or resolved.is_relative_to(r) for r in roots):
                raise NodeProblem(field, f'path "{path}" matches "{match}", which lies outside the data roots')
        return candidate
    return Path(os.path.realpath(candidate))
