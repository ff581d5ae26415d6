"""jobs API routes, mounted under /api/ by glueweb/urls.py."""

from django.urls import URLPattern, URLResolver, path

from jobs.api.graphs import ExportView, NodeTypesView, PreviewView, SchemaView, ValidateView

urlpatterns: list[URLPattern | URLResolver] = [
    path("node-types/", NodeTypesView.as_view(), name="node-types"),
    path("graphs/validate/", ValidateView.as_view(), name="graph-validate"),
    path("graphs/schema/", SchemaView.as_view(), name="graph-schema"),
    path("graphs/preview/", PreviewView.as_view(), name="graph-preview"),
    path("graphs/export/", ExportView.as_view(), name="graph-export"),
]
