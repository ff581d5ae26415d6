"""/api/catalog/databases/<db>/tables/<t>/partitions/: list (with a filter), create, batch create/delete, change."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api.common import body, get_table, iso
from catalog.api.pagination import paginate
from catalog.api.schema import (
    BATCH_CREATED,
    BATCH_DELETED,
    ERRORS,
    NOT_FOUND,
    PAGE_PARAMETERS,
    PartitionBatchSerializer,
    PartitionSerializer,
    PartitionWriteSerializer,
    page_of,
)
from catalog.filters import FilterError, parse_filter
from catalog.models import Partition, Table
from catalog.services import partitions as service
from catalog.services.common import check_unknown

MAX_PAGE = 1000


def partition_json(partition: Partition) -> dict[str, Any]:
    return {
        "id": partition.pk,
        "values": partition.values,
        "location": partition.location,
        "parameters": partition.parameters,
        "created_at": iso(partition.created_at),
        "updated_at": iso(partition.updated_at),
    }


def _get_partition(table: Table, partition_id: int) -> Partition:
    partition = Partition.objects.filter(table=table, pk=partition_id).first()
    if partition is None:
        raise NotFound(f"table {table.name} has no partition {partition_id}")
    return partition


def _batch_items(request: Request) -> list[Any]:
    data = body(request)
    check_unknown(data, ("partitions",))
    items = data.get("partitions")
    if not isinstance(items, list):
        raise ValidationError({"partitions": "must be a list"})
    if len(items) > service.MAX_BATCH:
        raise ValidationError({"partitions": f"at most {service.MAX_BATCH} partitions per call, not {len(items)}"})
    return items


class PartitionListView(APIView):
    """GET ?filter=<expression over the partition keys>&limit=&cursor=; POST one partition."""

    @extend_schema(
        operation_id="catalog_partitions_list",
        parameters=[
            OpenApiParameter("filter", str, description="An expression over the partition keys, e.g. year >= 2024."),
            *PAGE_PARAMETERS,
        ],
        responses={200: page_of("PartitionPage", PartitionSerializer()), 400: ERRORS, 404: NOT_FOUND},
    )
    def get(self, request: Request, database: str, table: str) -> Response:
        found = get_table(database, table)
        partitions = Partition.objects.filter(table=found)
        expression = request.query_params.get("filter", "")
        if expression.strip():
            try:
                partitions = partitions.filter(parse_filter(expression, found.partition_keys).to_q())
            except FilterError as exc:
                raise ValidationError({"filter": str(exc)}) from None
        return paginate(request, partitions, ("id",), partition_json, maximum=MAX_PAGE)

    @extend_schema(
        operation_id="catalog_partitions_create",
        request=PartitionWriteSerializer,
        responses={201: PartitionSerializer, 400: ERRORS, 404: NOT_FOUND},
    )
    def post(self, request: Request, database: str, table: str) -> Response:
        partition = service.create_partition(get_table(database, table), body(request))
        return Response(partition_json(partition), status=status.HTTP_201_CREATED)


class PartitionBatchCreateView(APIView):
    """{"partitions": [{values, location?, parameters?}, ...]} (at most 1,000) -> created and per-item errors."""

    @extend_schema(request=PartitionBatchSerializer, responses={200: BATCH_CREATED, 400: ERRORS, 404: NOT_FOUND})
    def post(self, request: Request, database: str, table: str) -> Response:
        created, errors = service.batch_create_partitions(get_table(database, table), _batch_items(request))
        return Response(
            {"created": [partition_json(p) for p in created], "errors": errors},
            status=status.HTTP_200_OK,
        )


class PartitionBatchDeleteView(APIView):
    """{"partitions": [{values}, ...]} (at most 1,000) -> deleted count and per-item errors."""

    @extend_schema(request=PartitionBatchSerializer, responses={200: BATCH_DELETED, 400: ERRORS, 404: NOT_FOUND})
    def post(self, request: Request, database: str, table: str) -> Response:
        deleted, errors = service.batch_delete_partitions(get_table(database, table), _batch_items(request))
        return Response({"deleted": deleted, "errors": errors})


class PartitionDetailView(APIView):
    @extend_schema(responses={200: PartitionSerializer, 404: NOT_FOUND})
    def get(self, request: Request, database: str, table: str, partition_id: int) -> Response:
        return Response(partition_json(_get_partition(get_table(database, table), partition_id)))

    @extend_schema(
        request=PartitionWriteSerializer(partial=True),
        responses={200: PartitionSerializer, 400: ERRORS, 404: NOT_FOUND},
    )
    def patch(self, request: Request, database: str, table: str, partition_id: int) -> Response:
        partition = _get_partition(get_table(database, table), partition_id)
        return Response(partition_json(service.update_partition(partition, body(request))))

    @extend_schema(request=None, responses={204: None, 404: NOT_FOUND})
    def delete(self, request: Request, database: str, table: str, partition_id: int) -> Response:
        service.delete_partition(_get_partition(get_table(database, table), partition_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
