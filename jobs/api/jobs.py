"""/api/jobs/: job definitions (edit capability to change), their versions, and starting runs (operate)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jobs.api.job_serializers import JobSerializer, JobVersionSerializer
from jobs.api.run_serializers import RunDetailSerializer, StartSerializer
from jobs.engine.validate import analyze
from jobs.models import Job, JobRun, JobVersion, RunEvent
from jobs.runs.jobs import current_version, declared_parameters, save_job
from jobs.runs.start import admit_waiting, start_run
from jobs.runs.states import ACTIVE


class JobList(generics.ListCreateAPIView[Job]):
    queryset = Job.objects.all()
    serializer_class = JobSerializer

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = save_job(None, serializer.validated_data, self.request.user)


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


class JobVersionList(generics.ListAPIView[JobVersion]):
    serializer_class = JobVersionSerializer
    pagination_class = None

    def get_queryset(self) -> Any:
        job = get_object_or_404(Job, pk=self.kwargs["pk"])
        return JobVersion.objects.filter(job=job).order_by("-number")


class JobVersionDetail(generics.RetrieveAPIView[JobVersion]):
    serializer_class = JobVersionSerializer

    def get_object(self) -> JobVersion:
        return get_object_or_404(JobVersion, job_id=self.kwargs["pk"], number=self.kwargs["number"])


class StartRun(APIView):
    """POST /api/jobs/<id>/runs/: start a run with parameter overrides; the graph is checked first."""

    required_capability = "operate"

    @extend_schema(request=StartSerializer, responses={201: RunDetailSerializer})
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
