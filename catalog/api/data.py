"""Reading a table: preview rows, column statistics and the requests that compute them."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api.common import body, get_table, iso
from catalog.api.pagination import read_limit
from catalog.api.schema import (
    ERRORS,
    LIMIT,
    NOT_FOUND,
    PREVIEW,
    STATISTICS,
    ComputeStatisticsSerializer,
    StatisticsRunSerializer,
)
from catalog.models import ColumnStatistics, StatisticsRun
from catalog.services.common import check_unknown
from catalog.services.data import preview
from catalog.services.statistics import request_statistics

MAX_PREVIEW_ROWS = 1000


def statistics_json(stats: ColumnStatistics) -> dict[str, Any]:
    return {
        "column": stats.column_name,
        "type": stats.column_type,
        "partition": stats.partition_id,
        "row_count": stats.row_count,
        "null_count": stats.null_count,
        "distinct_count": stats.distinct_count,
        "min": stats.min_value,
        "max": stats.max_value,
        "avg_length": stats.avg_length,
        "max_length": stats.max_length,
        "true_count": stats.true_count,
        "false_count": stats.false_count,
        "computed_at": iso(stats.computed_at),
    }


def run_json(run: StatisticsRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "state": run.state,
        "partition": run.partition_id,
        "columns": run.columns,
        "error": run.error,
        "requested_by": run.requested_by,
        "created_at": iso(run.created_at),
        "started_at": iso(run.started_at),
        "finished_at": iso(run.finished_at),
    }


class TablePreviewView(APIView):
    """GET ?limit=<1..1000, default 50>&partition_filter=<expression>: the first rows, read with Polars."""

    @extend_schema(
        parameters=[
            LIMIT,
            OpenApiParameter("partition_filter", str, description="Read only the partitions this expression matches."),
        ],
        responses={200: PREVIEW, 400: ERRORS, 404: NOT_FOUND},
    )
    def get(self, request: Request, database: str, table: str) -> Response:
        found = get_table(database, table)
        limit = read_limit(request, MAX_PREVIEW_ROWS)
        return Response(preview(found, limit, request.query_params.get("partition_filter", "").strip()))


class ColumnStatisticsView(APIView):
    """GET ?partition=<id>: the stored statistics of the table (or of one partition)."""

    @extend_schema(
        parameters=[OpenApiParameter("partition", int, description="A partition id; default: the whole table.")],
        responses={200: STATISTICS, 400: ERRORS, 404: NOT_FOUND},
    )
    def get(self, request: Request, database: str, table: str) -> Response:
        found = get_table(database, table)
        stats = ColumnStatistics.objects.filter(table=found)
        partition = request.query_params.get("partition")
        if partition:
            if not partition.isdigit():
                raise ValidationError({"partition": "must be a partition id"})
            stats = stats.filter(partition_id=int(partition))
        else:
            stats = stats.filter(partition__isnull=True)
        order = {c["name"]: i for i, c in enumerate(found.columns + found.partition_keys)}
        rows = sorted(stats, key=lambda s: order.get(s.column_name, len(order)))
        return Response({"results": [statistics_json(s) for s in rows]})


class ComputeStatisticsView(APIView):
    """POST {"columns"?: [names], "partition"?: id} -> 202 with the run; a worker computes it."""

    @extend_schema(
        request=ComputeStatisticsSerializer, responses={202: StatisticsRunSerializer, 400: ERRORS, 404: NOT_FOUND}
    )
    def post(self, request: Request, database: str, table: str) -> Response:
        found = get_table(database, table)
        data = body(request)
        check_unknown(data, ("columns", "partition"))
        columns = data.get("columns", [])
        if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
            raise ValidationError({"columns": "must be a list of column names"})
        partition = data.get("partition")
        if partition is not None and (not isinstance(partition, int) or isinstance(partition, bool)):
            raise ValidationError({"partition": "must be a partition id"})
        run = request_statistics(found, columns, partition, request.user.get_username())
        return Response(run_json(run), status=status.HTTP_202_ACCEPTED)


class StatisticsRunView(APIView):
    @extend_schema(responses={200: StatisticsRunSerializer, 404: NOT_FOUND})
    def get(self, request: Request, database: str, table: str, run_id: int) -> Response:
        run = StatisticsRun.objects.filter(table=get_table(database, table), pk=run_id).first()
        if run is None:
            raise NotFound(f"no statistics run {run_id} for this table")
        return Response(run_json(run))
