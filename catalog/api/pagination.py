"""Keyset (cursor) pagination for every catalog list: stable under inserts, fast at any depth.

A list answers {"results": [...], "next_cursor": "..." | null, "next": "<url>" | null}; pass
`cursor` back to get the next page, and `limit` (1..max, default 50) to size it.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import Model, Q, QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

DEFAULT_LIMIT = 50


def encode_cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, size: int) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ValidationError({"cursor": "not a cursor this list gave out"}) from None
    if not isinstance(values, list) or len(values) != size or not all(isinstance(v, str | int) for v in values):
        raise ValidationError({"cursor": "not a cursor this list gave out"})
    return values


def read_limit(request: Request, maximum: int) -> int:
    raw = request.query_params.get("limit", str(DEFAULT_LIMIT))
    try:
        limit = int(raw)
    except ValueError:
        raise ValidationError({"limit": f"must be a whole number from 1 to {maximum}"}) from None
    if not 1 <= limit <= maximum:
        raise ValidationError({"limit": f"must be a whole number from 1 to {maximum}"})
    return limit


def _after(ordering: Sequence[str], values: list[Any]) -> Q:
    """Rows after `values` in `ordering`: (a > x) OR (a = x AND b > y) ..., each field in its direction."""
    condition = Q()
    for i in reversed(range(len(ordering))):
        field = ordering[i].lstrip("-")
        op = "lt" if ordering[i].startswith("-") else "gt"
        step = Q(**{f"{field}__{op}": values[i]})
        condition = step if i == len(ordering) - 1 else step | (Q(**{field: values[i]}) & condition)
    return condition


def paginate[M: Model](
    request: Request,
    queryset: QuerySet[M],
    ordering: Sequence[str],
    serialize: Callable[[M], dict[str, Any]],
    maximum: int = 500,
) -> Response:
    """One page of `queryset` in `ordering` (whose last field must be unique, e.g. id)."""
    limit = read_limit(request, maximum)
    cursor = request.query_params.get("cursor")
    rows = queryset.order_by(*ordering)
    if cursor:
        rows = rows.filter(_after(ordering, decode_cursor(cursor, len(ordering))))
    page = list(rows[: limit + 1])
    next_cursor = None
    if len(page) > limit:
        page = page[:limit]
        next_cursor = encode_cursor([getattr(page[-1], f.lstrip("-")) for f in ordering])
    results = [serialize(row) for row in page]
    return Response({"results": results, "next_cursor": next_cursor, "next": next_url(request, next_cursor)})


def next_url(request: Request, next_cursor: str | None) -> str | None:
    if not next_cursor:
        return None
    params = request.query_params.copy()
    params["cursor"] = next_cursor
    return request.build_absolute_uri(request.path) + "?" + params.urlencode()
