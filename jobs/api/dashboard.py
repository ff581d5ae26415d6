"""/api/dashboard/runs/: job runs and crawls in one list, newest first, for the dashboard (docs/runs.md).

Crawler runs are carried by the same machinery as job runs (docs/runs.md "Crawler runs"), so the
dashboard's tiles, charts and table show both. The two live in two tables with ids of their own,
so this list pages by keyset over (created_at, kind, id), newest first: each page is the newest
`page_size` rows of both tables after the cursor, two indexed queries merged here.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from crawlers.models import CrawlerRun, CrawlerRunState
from jobs.api.runs import FIELD_ERRORS, TRIGGERS, RunCursor, _datetime, _int
from jobs.models import JobRun

KINDS = ("job", "crawl")
# The order of the two kinds among rows created at the same instant (newest first: jobs, then crawls).
KIND_RANK = {"job": 1, "crawl": 0}
STATES = sorted({*JobRun.State.values, *CrawlerRunState.values})
# A crawl started by the scheduler says so in started_by; every other crawl was started by a user.
SCHEDULE = "schedule"


class StartedBySerializer(serializers.Serializer[Any]):
    kind = serializers.CharField()
    name = serializers.CharField(allow_null=True)


class DashboardRunSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=KINDS, help_text="job: a job run (/api/runs/<id>/); crawl: a crawler run.")
    id = serializers.IntegerField(help_text="The run's id among runs of its kind.")
    name = serializers.CharField(help_text="The job's or the crawler's name.")
    job = serializers.IntegerField(allow_null=True, help_text="The job's id (job runs).")
    crawler = serializers.CharField(allow_null=True, help_text="The crawler's name (crawls).")
    dry_run = serializers.BooleanField(help_text="A crawl that only reported what it would change.")
    state = serializers.CharField()
    trigger = serializers.CharField(help_text="user, schedule, trigger or retry.")
    started_by = StartedBySerializer()
    attempt = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    execution_seconds = serializers.FloatField(allow_null=True)
    rows_out = serializers.IntegerField(allow_null=True, help_text="Rows the job run's targets wrote.")
    tables_changed = serializers.IntegerField(allow_null=True, help_text="Tables the crawl created or updated.")
    error = serializers.CharField(allow_null=True, help_text="One line: why the run did not succeed.")


class DashboardRunPageSerializer(serializers.Serializer[Any]):
    results = DashboardRunSerializer(many=True)
    next_cursor = serializers.CharField(allow_null=True, help_text="Pass as `cursor` for the next page.")


@dataclass(frozen=True)
class Cursor:
    created_at: datetime
    kind: str
    id: int

    def encode(self) -> str:
        raw = json.dumps([self.created_at.isoformat(), self.kind, self.id]).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> Cursor:
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            at, kind, pk = json.loads(raw)
            if kind not in KINDS or not isinstance(pk, int):
                raise ValueError(kind)
            return cls(_datetime("cursor", str(at)), kind, pk)
        except (ValueError, TypeError, binascii.Error, serializers.ValidationError):
            raise serializers.ValidationError({"cursor": ["not a cursor this list gave out"]}) from None

    def after(self, kind: str) -> Q:
        """Rows of `kind` that come after this cursor, newest first."""
        later = Q(created_at__lt=self.created_at)
        if KIND_RANK[kind] < KIND_RANK[self.kind]:
            return later | Q(created_at=self.created_at)
        if kind == self.kind:
            return later | Q(created_at=self.created_at, id__lt=self.id)
        return later


def _sort_key(item: dict[str, Any]) -> tuple[datetime, int, int]:
    return (item["created_at"], KIND_RANK[item["kind"]], item["id"])


def _job_item(run: JobRun) -> dict[str, Any]:
    error = run.error.get("message") if isinstance(run.error, dict) else None
    started_by = run.started_by if isinstance(run.started_by, dict) else {}
    return {
        "kind": "job", "id": run.pk, "name": run.job.name, "job": run.job_id, "crawler": None, "dry_run": False,
        "state": run.state, "trigger": run.trigger,
        "started_by": {"kind": started_by.get("kind", run.trigger), "name": started_by.get("name")},
        "attempt": run.attempt, "created_at": run.created_at, "started_at": run.started_at,
        "completed_at": run.completed_at, "execution_seconds": run.execution_seconds, "rows_out": run.rows_out,
        "tables_changed": None, "error": error or None,
    }  # fmt: skip


def _crawl_item(run: CrawlerRun) -> dict[str, Any]:
    scheduled = run.started_by == SCHEDULE
    by = {"kind": SCHEDULE, "name": None} if scheduled else {"kind": "user", "name": run.started_by or None}
    seconds = (run.ended_at - run.started_at).total_seconds() if run.started_at and run.ended_at else None
    return {
        "kind": "crawl", "id": run.pk, "name": run.crawler.name, "job": None, "crawler": run.crawler.name,
        "dry_run": run.dry_run, "state": run.state, "trigger": SCHEDULE if scheduled else "user",
        "started_by": by,
        "attempt": 0, "created_at": run.created_at, "started_at": run.started_at, "completed_at": run.ended_at,
        "execution_seconds": seconds, "rows_out": None,
        "tables_changed": run.tables_created + run.tables_updated, "error": run.error or None,
    }  # fmt: skip


@dataclass(frozen=True)
class Filters:
    kinds: tuple[str, ...]
    job: int | None
    crawler: str | None
    states: list[str]
    trigger: str | None
    since: datetime | None
    until: datetime | None
    run: int | None

    @classmethod
    def parse(cls, query: Any) -> Filters:
        kind = query.get("kind") or ""
        if kind and kind not in KINDS:
            raise serializers.ValidationError({"kind": ["must be job or crawl"]})
        job = _int("job", query["job"], 1) if query.get("job") else None
        crawler = query.get("crawler") or None
        if job is not None and crawler is not None:
            raise serializers.ValidationError({"crawler": ["give a job or a crawler, not both"]})
        if (job is not None and kind == "crawl") or (crawler is not None and kind == "job"):
            field = "job" if job is not None else "crawler"
            raise serializers.ValidationError({field: [f"does not go with kind={kind}"]})
        kinds: tuple[str, ...] = (kind,) if kind else ("job",) if job else ("crawl",) if crawler else KINDS
        run = _int("run", query["run"], 1) if query.get("run") else None
        if run is not None and len(kinds) != 1:
            raise serializers.ValidationError({"run": ["needs kind=job or kind=crawl: ids are per kind"]})
        states = [s.strip().upper() for s in (query.get("state") or "").split(",") if s.strip()]
        bad = [s for s in states if s not in STATES]
        if bad:
            raise serializers.ValidationError({"state": [f"unknown state {s!r}" for s in bad]})
        trigger = query.get("trigger") or None
        if trigger is not None and trigger not in TRIGGERS:
            raise serializers.ValidationError({"trigger": [f"must be one of {', '.join(sorted(TRIGGERS))}"]})
        since = _datetime("since", query["since"]) if query.get("since") else None
        until = _datetime("until", query["until"]) if query.get("until") else None
        return cls(kinds, job, crawler, states, trigger, since, until, run)

    def common(self, rows: QuerySet[Any]) -> QuerySet[Any]:
        if self.states:
            rows = rows.filter(state__in=self.states)
        if self.since is not None:
            rows = rows.filter(created_at__gte=self.since)
        if self.until is not None:
            rows = rows.filter(created_at__lt=self.until)
        if self.run is not None:
            rows = rows.filter(pk=self.run)
        return rows

    def jobs(self) -> QuerySet[JobRun]:
        rows = self.common(JobRun.objects.select_related("job"))
        if self.job is not None:
            rows = rows.filter(job_id=self.job)
        if self.trigger is not None:
            rows = rows.filter(trigger=self.trigger)
        return rows

    def crawls(self) -> QuerySet[CrawlerRun]:
        rows = self.common(CrawlerRun.objects.select_related("crawler"))
        if self.crawler is not None:
            rows = rows.filter(crawler__name=self.crawler)
        if self.trigger == SCHEDULE:
            rows = rows.filter(started_by=SCHEDULE)
        elif self.trigger == "user":
            rows = rows.exclude(started_by=SCHEDULE)
        elif self.trigger is not None:
            rows = rows.none()  # crawls are not started by triggers or retries
        return rows


def newest(filters: Filters, cursor: Cursor | None, size: int) -> tuple[list[dict[str, Any]], bool]:
    """The `size` newest rows after `cursor`, and whether more follow."""
    items: list[dict[str, Any]] = []
    sources: Iterable[tuple[str, QuerySet[Any], Any]] = (
        ("job", filters.jobs(), _job_item),
        ("crawl", filters.crawls(), _crawl_item),
    )
    for kind, rows, item in sources:
        if kind not in filters.kinds:
            continue
        after = rows.filter(cursor.after(kind)) if cursor is not None else rows
        items.extend(item(row) for row in after.order_by("-created_at", "-id")[: size + 1])
    items.sort(key=_sort_key, reverse=True)
    return items[:size], len(items) > size


class DashboardRunList(APIView):
    """GET /api/dashboard/runs/: job runs and crawls, newest first; every filter optional."""

    @extend_schema(
        operation_id="api_dashboard_runs_list",
        parameters=[
            OpenApiParameter("kind", str, enum=list(KINDS), description="job or crawl (default both)"),
            OpenApiParameter("job", int, description="a job id (job runs only)"),
            OpenApiParameter("crawler", str, description="a crawler name (crawls only)"),
            OpenApiParameter("state", str, description="one state or several, comma separated"),
            OpenApiParameter("trigger", str, description="user, schedule, trigger or retry"),
            OpenApiParameter("since", str, description="created at or after (ISO 8601)"),
            OpenApiParameter("until", str, description="created before (ISO 8601)"),
            OpenApiParameter("run", int, description="one run's id (with kind)"),
            OpenApiParameter("page_size", int, description=f"rows per page, 1 to {RunCursor.max_page_size}"),
            OpenApiParameter("cursor", str, description="the next_cursor of the previous page"),
        ],
        responses={200: DashboardRunPageSerializer, 400: FIELD_ERRORS},
    )
    def get(self, request: Request) -> Response:
        query = request.query_params
        filters = Filters.parse(query)
        size = RunCursor.page_size
        if query.get("page_size"):
            size = min(_int("page_size", query["page_size"], 1), RunCursor.max_page_size)
        cursor = Cursor.decode(query["cursor"]) if query.get("cursor") else None
        items, more = newest(filters, cursor, size)
        last = items[-1] if items else None
        token = Cursor(last["created_at"], last["kind"], last["id"]).encode() if more and last else None
        return Response({"results": DashboardRunSerializer(items, many=True).data, "next_cursor": token})
