"""jobs API routes, mounted under /api/ by glueweb/urls.py."""

from django.urls import URLPattern, URLResolver, path

from jobs.api.dashboard import DashboardRunList
from jobs.api.graphs import ExportView, NodeTypesView, PreviewView, SchemaView, ValidateView
from jobs.api.jobs import JobDetail, JobList, JobVersionDetail, JobVersionList, StartRun
from jobs.api.runs import RunDetail, RunEvents, RunList, RunLog, StopRun

urlpatterns: list[URLPattern | URLResolver] = [
    path("node-types/", NodeTypesView.as_view(), name="node-types"),
    path("graphs/validate/", ValidateView.as_view(), name="graph-validate"),
    path("graphs/schema/", SchemaView.as_view(), name="graph-schema"),
    path("graphs/preview/", PreviewView.as_view(), name="graph-preview"),
    path("graphs/export/", ExportView.as_view(), name="graph-export"),
    path("jobs/", JobList.as_view(), name="job-list"),
    path("jobs/<int:pk>/", JobDetail.as_view(), name="job-detail"),
    path("jobs/<int:pk>/versions/", JobVersionList.as_view(), name="job-versions"),
    path("jobs/<int:pk>/versions/<int:number>/", JobVersionDetail.as_view(), name="job-version"),
    path("jobs/<int:pk>/runs/", StartRun.as_view(), name="job-start-run"),
    path("runs/", RunList.as_view(), name="run-list"),
    path("dashboard/runs/", DashboardRunList.as_view(), name="dashboard-runs"),
    path("runs/<int:pk>/", RunDetail.as_view(), name="run-detail"),
    path("runs/<int:pk>/stop/", StopRun.as_view(), name="run-stop"),
    path("runs/<int:pk>/events/", RunEvents.as_view(), name="run-events"),
    path("runs/<int:pk>/logs/", RunLog.as_view(), name="run-log"),
]
