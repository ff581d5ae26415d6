"""/api/crawlers/: definitions (edit), start and stop (operate), dry runs, run history (view)."""

from __future__ import annotations

import os
from typing import Any

from django.db.models import Max
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.paths import data_roots, resolve_local
from crawlers import services
from crawlers.api import schema
from crawlers.api.common import CanPreview, crawler_json, get_crawler, run_detail, run_summary
from crawlers.classifiers import BUILT_IN_ORDER
from crawlers.classifiers.custom import KINDS
from crawlers.models import Crawler, CrawlerRun
from crawlers.sources import hidden

MAX_RUNS = 100
MAX_FOLDERS = 1000


def _body(request: Request) -> dict[str, Any]:
    if not isinstance(request.data, dict):
        raise ValidationError({"detail": "the request body must be a JSON object"})
    return dict(request.data)


def _conflict(exc: services.Conflict) -> Response:
    return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)


def _last_run(crawler: Crawler) -> CrawlerRun | None:
    return crawler.runs.order_by("-id").first()


class CrawlerListView(APIView):
    @extend_schema(operation_id="api_crawlers_list", responses={200: schema.CRAWLER_LIST})
    def get(self, request: Request) -> Response:
        last_ids = CrawlerRun.objects.values("crawler_id").annotate(last=Max("id")).values_list("last", flat=True)
        last_runs = {
            run.crawler_id: run for run in CrawlerRun.objects.filter(id__in=last_ids).select_related("crawler")
        }
        results = [crawler_json(crawler, last_runs.get(crawler.pk)) for crawler in Crawler.objects.all()]
        return Response({"results": results, "count": len(results)})

    @extend_schema(
        operation_id="api_crawlers_create",
        request=schema.CrawlerWriteSerializer,
        responses={201: schema.CrawlerSerializer, 400: schema.ERRORS},
    )
    def post(self, request: Request) -> Response:
        crawler = services.create_crawler(_body(request), request.user.get_username())
        return Response(crawler_json(crawler), status=status.HTTP_201_CREATED)


class CrawlerDetailView(APIView):
    @extend_schema(responses={200: schema.CrawlerSerializer, 404: schema.NOT_FOUND})
    def get(self, request: Request, name: str) -> Response:
        crawler = get_crawler(name)
        return Response(crawler_json(crawler, _last_run(crawler)))

    @extend_schema(
        request=schema.CrawlerWriteSerializer(partial=True),
        responses={200: schema.CrawlerSerializer, 400: schema.ERRORS, 404: schema.NOT_FOUND},
    )
    def patch(self, request: Request, name: str) -> Response:
        crawler = services.update_crawler(get_crawler(name), _body(request))
        return Response(crawler_json(crawler, _last_run(crawler)))

    @extend_schema(responses={204: None, 404: schema.NOT_FOUND, 409: schema.conflict("The crawler is running.")})
    def delete(self, request: Request, name: str) -> Response:
        try:
            services.delete_crawler(get_crawler(name))
        except services.Conflict as exc:
            return _conflict(exc)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CrawlerStartView(APIView):
    required_capability = "operate"

    @extend_schema(
        request=None,
        responses={
            202: schema.CrawlerRunSerializer,
            404: schema.NOT_FOUND,
            409: schema.conflict("A run of this crawler has not ended."),
        },
    )
    def post(self, request: Request, name: str) -> Response:
        try:
            run = services.start_run(get_crawler(name), request.user.get_username())
        except services.Conflict as exc:
            return _conflict(exc)
        return Response(run_summary(run), status=status.HTTP_202_ACCEPTED)


class CrawlerStopView(APIView):
    required_capability = "operate"

    @extend_schema(
        request=None,
        responses={
            202: schema.CrawlerRunSerializer,
            404: schema.NOT_FOUND,
            409: schema.conflict("No run of this crawler is going."),
        },
    )
    def post(self, request: Request, name: str) -> Response:
        try:
            run = services.stop_run(get_crawler(name))
        except services.Conflict as exc:
            return _conflict(exc)
        return Response(run_summary(run), status=status.HTTP_202_ACCEPTED)


class CrawlerDryRunView(APIView):
    """Preview: a dry run, carried by a worker like a real one (state events, progress, the plan on
    the run); answered at once with the waiting run, whose detail (GET .../runs/<id>/) holds the
    plan once it ends. Nothing in the catalog changes."""

    permission_classes = [CanPreview]

    @extend_schema(
        request=None,
        responses={
            202: schema.CrawlerRunDetailSerializer,
            404: schema.NOT_FOUND,
            409: schema.conflict("A run of this crawler has not ended."),
        },
    )
    def post(self, request: Request, name: str) -> Response:
        crawler = get_crawler(name)
        try:
            run = services.start_run(crawler, request.user.get_username(), dry_run=True)
        except services.Conflict as exc:
            return _conflict(exc)
        return Response(run_detail(run), status=status.HTTP_202_ACCEPTED)


class CrawlerRunListView(APIView):
    @extend_schema(operation_id="api_crawlers_runs_list", responses={200: schema.RUN_LIST, 404: schema.NOT_FOUND})
    def get(self, request: Request, name: str) -> Response:
        crawler = get_crawler(name)
        runs = crawler.runs.select_related("crawler").order_by("-id")[:MAX_RUNS]
        return Response({"results": [run_summary(r) for r in runs]})


class CrawlerRunDetailView(APIView):
    @extend_schema(responses={200: schema.CrawlerRunDetailSerializer, 404: schema.NOT_FOUND})
    def get(self, request: Request, name: str, run_id: int) -> Response:
        run = CrawlerRun.objects.select_related("crawler").filter(pk=run_id, crawler__name=name.lower()).first()
        if run is None:
            raise NotFound(f"crawler {name} has no run {run_id}")
        return Response(run_detail(run))


class ClassifiersView(APIView):
    @extend_schema(responses={200: schema.CLASSIFIERS})
    def get(self, request: Request) -> Response:
        return Response({"built_in_order": BUILT_IN_ORDER, "custom_kinds": list(KINDS)})


class BrowseView(APIView):
    """The path picker: the data roots, or the folders inside one (never anything outside them)."""

    capability_by_method = {"GET": "edit"}

    @extend_schema(parameters=[schema.BROWSE_PATH], responses={200: schema.BROWSE, 400: schema.ERRORS})
    def get(self, request: Request) -> Response:
        path = request.query_params.get("path", "")
        if not path:
            return Response({"path": "", "parent": None, "folders": [str(root) for root in data_roots()]})
        real = resolve_local(path, "path")
        if not real.is_dir():
            raise ValidationError({"path": f'"{path}" is not a folder'})
        folders = sorted(
            str(real / entry.name)
            for entry in os.scandir(real)
            if entry.is_dir(follow_symlinks=False) and not hidden(entry.name)
        )
        parent = None if real in data_roots() else str(real.parent)
        return Response({"path": str(real), "parent": parent, "folders": folders[:MAX_FOLDERS]})
