"""What every catalog service shares: who made a change, and input checks that name the field."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError

from catalog.models import ChangedByKind

NAME_RE = re.compile(r"[a-z0-9_][a-z0-9_\-]{0,254}")


@dataclass(frozen=True)
class ChangedBy:
    """Who or what changed a catalog object: a user, a crawler run or a job run."""

    kind: str
    id: str = ""
    name: str = ""

    @classmethod
    def user(cls, user: AbstractBaseUser | AnonymousUser) -> ChangedBy:
        return cls(ChangedByKind.USER, str(user.pk or ""), user.get_username())

    @classmethod
    def crawler_run(cls, run_id: int, crawler_name: str) -> ChangedBy:
        return cls(ChangedByKind.CRAWLER_RUN, str(run_id), crawler_name)

    @classmethod
    def job_run(cls, run_id: int, job_name: str) -> ChangedBy:
        return cls(ChangedByKind.JOB_RUN, str(run_id), job_name)


SYSTEM = ChangedBy(ChangedByKind.SYSTEM, "", "system")


def check_name(value: Any, field: str = "name") -> str:
    """Names are lower-cased as Glue does, then must be letters, digits, `_` and `-`."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError({field: "a name is required"})
    name = value.strip().lower()
    if not NAME_RE.fullmatch(name):
        raise ValidationError(
            {field: f'"{value}" is not a valid name: use letters, digits, "_" and "-" (at most 255 characters)'}
        )
    return name


def check_unknown(data: Mapping[str, Any], allowed: Iterable[str], prefix: str = "") -> None:
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ValidationError({f"{prefix}{key}": "unknown field" for key in unknown})


def check_json_object(value: Any, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValidationError({field: "must be an object"})
    for key in value:
        if not isinstance(key, str) or not key:
            raise ValidationError({field: "keys must be non-empty strings"})
    return value


def check_text(value: Any, field: str, max_length: int | None = None) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError({field: "must be a string"})
    if max_length is not None and len(value) > max_length:
        raise ValidationError({field: f"must be at most {max_length} characters"})
    return value
