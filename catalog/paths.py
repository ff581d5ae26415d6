"""Table and partition locations: local paths confined to settings.DATA_ROOTS, or s3:// URIs."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError

REMOTE_SCHEMES = ("s3://",)


def is_s3(location: str) -> bool:
    return location.startswith(REMOTE_SCHEMES)


def data_roots() -> list[Path]:
    return [Path(root).resolve() for root in settings.DATA_ROOTS]


def _inside(path: Path, roots: list[Path]) -> bool:
    return any(path == root or path.is_relative_to(root) for root in roots)


def check_location(location: str, field: str = "location") -> str:
    """Refuse a location that could never be read; return it stripped. Empty means "no location"."""
    location = location.strip()
    if not location or is_s3(location):
        if is_s3(location) and len(location) <= len("s3://"):
            raise ValidationError({field: "an s3:// location needs a bucket"})
        return location
    if "://" in location:
        raise ValidationError({field: f'"{location}": only local paths and s3:// URIs are supported'})
    resolve_local(location, field)
    return location


def resolve_local(location: str, field: str = "location") -> Path:
    """The real path of a local location, or ValidationError at `field` when it lies outside the data roots.

    Relative paths are read against GLUEWEB_HOME (as the job engine does). `..` is refused outright,
    and symbolic links are resolved before the check, so a link inside a root cannot lead outside.
    """
    if ".." in Path(location).parts:
        raise ValidationError({field: f'path "{location}" may not contain ".."'})
    candidate = Path(location).expanduser()
    if not candidate.is_absolute():
        candidate = Path(settings.GLUEWEB_HOME) / candidate
    real = Path(os.path.realpath(candidate))
    roots = data_roots()
    if not _inside(real, roots):
        shown = ", ".join(str(r) for r in roots)
        raise ValidationError({field: f'path "{location}" is outside the data roots ({shown})'})
    return real
