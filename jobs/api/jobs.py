"""/api/jobs/: job definitions (edit capability to change), their versions, and starting runs (operate)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jobs.api.graph_serializers import GRAPH_ERRORS_BODY
from jobs.api.job_serializers import JobSerializer, JobVersionSerializer, JobWithLastRunSerializer
from jobs.api.run_serializers import RunDetailSerializer, StartSerializer
from jobs.engine.validate import analyze
from jobs.models import Job, JobRun, JobVersion, RunEvent
from jobs.runs.jobs import current_version, declared_parameters, save_job
from jobs.runs.start import admit_waiting, start_run
from jobs.runs.states import ACTIVE

FIELD_ERRORS_BODY = inline_serializer("JobFieldErrors", {"field": serializers.ListField(child=serializers.CharField())})
FIELD_ERRORS = OpenApiResponse(
    FIELD_ERRORS_BODY,
    description="Bad input: an object mapping each offending field (e.g. `parameters.max_n`) to its messages.",
)
DETAIL = inline_serializer("JobDetailMessage", {"detail": serializers.CharField()})
NOT_FOUND = OpenApiResponse(DETAIL, description="No such job.")


def with_last_run(jobs: QuerySet[Job]) -> QuerySet[Job]:
    """Annotate each job's newest run as last_run_{id,state,created_at,completed_at}, in the one query.

    The newest run's id is found once per job; its other fields are then looked up by primary key,
    rather than repeating the newest-run search for each field.
    """
    newest = JobRun.objects.filter(job=OuterRef("pk")).order_by("-id").values("id")[:1]

    def field(name: str) -> Subquery:
        return Subquery(JobRun.objects.filter(pk=OuterRef("last_run_id")).values(name)[:1])

    return jobs.annotate(last_run_id=Subquery(newest)).annotate(
        last_run_state=field("state"),
        last_run_created_at=field("created_at"),
        last_run_completed_at=field("completed_at"),
    )


@extend_schema_view(post=extend_schema(request=JobSerializer, responses={201: JobSerializer, 400: FIELD_ERRORS}))
class JobList(generics.ListCreateAPIView[Job]):
    queryset = Job.objects.all()

    def get_queryset(self) -> QuerySet[Job]:
        return with_last_run(super().get_queryset())

    def get_serializer_class(self) -> type[JobSerializer]:
        return JobWithLastRunSerializer if self.request.method == "GET" else JobSerializer

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = save_job(None, serializer.validated_data, self.request.user)


@extend_schema_view(
    get=extend_schema(responses={200: JobSerializer, 404: NOT_FOUND}),
    put=extend_schema(responses={200: JobSerializer, 400: FIELD_ERRORS, 404: NOT_FOUND}),
    patch=extend_schema(responses={200: JobSerializer, 400: FIELD_ERRORS, 404: NOT_FOUND}),
    delete=extend_schema(
        responses={204: None, 404: NOT_FOUND, 409: OpenApiResponse(DETAIL, description="The job has runs going.")}
    ),
)
class JobDetail(generics.RetrieveUpdateDestroyAPIView[Job]):
    queryset = Job.objects.all()
    serializer_class = JobSerializer

    def perform_update(self, serializer: Any) -> None:
        job = save_job(serializer.instance, serializer.validated_data, self.request.user)
        serializer.instance = job
        admit_waiting(job.pk)  # a higher max_concurrent_runs may free slots now

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        job = self.get_object()
        with transaction.atomic():
            if JobRun.objects.filter(job=job, state__in=[*ACTIVE, "WAITING"]).exists():
                return Response(
                    {"detail": "the job has runs that have not ended; stop them first"}, status=status.HTTP_409_CONFLICT
                )
            # Runs go first (they protect the versions they pinned), and their events with them.
            run_ids = list(JobRun.objects.filter(job=job).values_list("id", flat=True))
            RunEvent.objects.filter(kind=RunEvent.Kind.JOB, run_id__in=run_ids).delete()
            JobRun.objects.filter(job=job).delete()
            job.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(get=extend_schema(responses={200: JobVersionSerializer(many=True), 404: NOT_FOUND}))
class JobVersionList(generics.ListAPIView[JobVersion]):
    serializer_class = JobVersionSerializer
    pagination_class = None

    def get_queryset(self) -> Any:
        job = get_object_or_404(Job, pk=self.kwargs["pk"])
        return JobVersion.objects.filter(job=job).order_by("-number")


@extend_schema_view(get=extend_schema(responses={200: JobVersionSerializer, 404: NOT_FOUND}))
class JobVersionDetail(generics.RetrieveAPIView[JobVersion]):
    serializer_class = JobVersionSerializer

    def get_object(self) -> JobVersion:
        return get_object_or_404(JobVersion, job_id=self.kwargs["pk"], number=self.kwargs["number"])


class StartRun(APIView):
    """POST /api/jobs/<id>/runs/: start a run with parameter overrides; the graph is checked first."""

    required_capability = "operate"

    @extend_schema(
        request=StartSerializer,
        responses={
            201: RunDetailSerializer,
            400: OpenApiResponse(
                PolymorphicProxySerializer(
                    component_name="StartRunErrors",
                    serializers=[FIELD_ERRORS_BODY, GRAPH_ERRORS_BODY],
                    resource_type_field_name=None,
                ),
                description="Bad fields (`parameters.<name>`, `timeout_minutes`), or the graph errors at these values.",
            ),
            404: NOT_FOUND,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        job = get_object_or_404(Job, pk=pk)
        body = StartSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        overrides: dict[str, Any] = body.validated_data["parameters"]
        version = current_version(job)
        unknown = sorted(set(overrides) - declared_parameters(version.graph))
        if unknown:
            return Response(
                {f"parameters.{name}": ["the job's graph declares no parameter of this name"] for name in unknown},
                status=status.HTTP_400_BAD_REQUEST,
            )
        analysis = analyze(version.graph, {**version.default_parameters, **overrides})
        if analysis.errors:
            return Response({"errors": analysis.errors_as_dicts()}, status=status.HTTP_400_BAD_REQUEST)
        run = start_run(
            job,
            version=version,
            started_by={"kind": "user", "name": request.user.get_username()},
            parameters=dict(analysis.values),
            timeout_minutes=body.validated_data.get("timeout_minutes"),
        )
        return Response(RunDetailSerializer(run).data, status=status.HTTP_201_CREATED)
