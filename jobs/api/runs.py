"""/api/runs/: the runs of every job, filtered and paged by cursor; one run with its nodes; stop; events; log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jobs.api.run_serializers import RunDetailSerializer, RunSerializer
from jobs.models import JobRun, RunEvent
from jobs.runs.logs import log_lines
from jobs.runs.stop import StopRefused, request_stop

EVENTS_PAGE = 1000
TRIGGERS = {"user", "schedule", "trigger", "retry"}

DETAIL = inline_serializer("RunDetailMessage", {"detail": serializers.CharField()})
NOT_FOUND = OpenApiResponse(DETAIL, description="No such run.")
FIELD_ERRORS = OpenApiResponse(
    inline_serializer("RunFieldErrors", {"field": serializers.ListField(child=serializers.CharField())}),
    description="A bad filter: an object mapping the query parameter to its messages.",
)


class RunCursor(CursorPagination):
    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


def _datetime(field: str, raw: str) -> datetime:
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise serializers.ValidationError({field: [f"{raw!r} is not an ISO 8601 date or time"]}) from None
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _int(field: str, raw: str, minimum: int = 0) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise serializers.ValidationError({field: [f"{raw!r} is not a whole number"]}) from None
    if value < minimum:
        raise serializers.ValidationError({field: [f"must be at least {minimum}"]})
    return value


@extend_schema(
    parameters=[
        OpenApiParameter("job", int, description="a job id"),
        OpenApiParameter("state", str, description="one state or several, comma separated"),
        OpenApiParameter("trigger", str, description="user, schedule, trigger or retry"),
        OpenApiParameter("since", str, description="created at or after (ISO 8601)"),
        OpenApiParameter("until", str, description="created before (ISO 8601)"),
    ],
    responses={200: RunSerializer(many=True), 400: FIELD_ERRORS},
)
class RunList(generics.ListAPIView[JobRun]):
    serializer_class = RunSerializer
    pagination_class = RunCursor

    def get_queryset(self) -> QuerySet[JobRun]:
        runs = JobRun.objects.select_related("job", "job_version")
        query = self.request.query_params
        if query.get("job"):
            runs = runs.filter(job_id=_int("job", query["job"], 1))
        if query.get("state"):
            states = [s.strip().upper() for s in query["state"].split(",") if s.strip()]
            bad = [s for s in states if s not in JobRun.State.values]
            if bad:
                raise serializers.ValidationError({"state": [f"unknown state {s!r}" for s in bad]})
            runs = runs.filter(state__in=states)
        if query.get("trigger"):
            if query["trigger"] not in TRIGGERS:
                raise serializers.ValidationError({"trigger": [f"must be one of {', '.join(sorted(TRIGGERS))}"]})
            runs = runs.filter(trigger=query["trigger"])
        if query.get("since"):
            runs = runs.filter(created_at__gte=_datetime("since", query["since"]))
        if query.get("until"):
            runs = runs.filter(created_at__lt=_datetime("until", query["until"]))
        return runs


@extend_schema_view(get=extend_schema(responses={200: RunDetailSerializer, 404: NOT_FOUND}))
class RunDetail(generics.RetrieveAPIView[JobRun]):
    serializer_class = RunDetailSerializer
    queryset = JobRun.objects.select_related("job", "job_version").prefetch_related("nodes")


class StopRun(APIView):
    """POST /api/runs/<id>/stop/: 202 with the run (STOPPING or STOPPED); 409 when it ended or is publishing."""

    required_capability = "operate"

    @extend_schema(
        request=None,
        responses={
            202: RunDetailSerializer,
            404: NOT_FOUND,
            409: OpenApiResponse(DETAIL, description="The run has ended, or is publishing its outputs."),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        run = get_object_or_404(JobRun, pk=pk)
        try:
            run = request_stop(run)
        except StopRefused as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        return Response(RunDetailSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class RunEvents(APIView):
    """GET /api/runs/<id>/events/?after=<seq>: the stored events, as the WebSocket sends them."""

    @extend_schema(
        parameters=[
            OpenApiParameter("after", int, description="The last sequence number the client has (default 0)."),
            OpenApiParameter("limit", int, description=f"At most this many events (1 to {EVENTS_PAGE})."),
        ],
        responses={
            400: FIELD_ERRORS,
            404: NOT_FOUND,
            200: inline_serializer(
                "RunEvents",
                {
                    "events": serializers.ListField(child=serializers.DictField()),
                    "last": serializers.IntegerField(),
                    "more": serializers.BooleanField(),
                },
            ),
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        run = get_object_or_404(JobRun, pk=pk)
        after = _int("after", request.query_params.get("after", "0"))
        limit = min(_int("limit", request.query_params.get("limit", str(EVENTS_PAGE)), 1), EVENTS_PAGE)
        events = list(
            RunEvent.objects.filter(kind=RunEvent.Kind.JOB, run_id=run.pk, seq__gt=after).order_by("seq")[:limit]
        )
        return Response(
            {
                "events": [e.to_message() for e in events],
                "last": events[-1].seq if events else after,
                "more": len(events) == limit,
            }
        )


class RunLog(APIView):
    """GET /api/runs/<id>/logs/: the run's log as a text file."""

    @extend_schema(responses={(200, "text/plain"): str, 404: NOT_FOUND})
    def get(self, request: Request, pk: int) -> Any:
        run = get_object_or_404(JobRun, pk=pk)
        response = StreamingHttpResponse(log_lines(run.pk), content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="run-{run.pk}.log"'
        return response
