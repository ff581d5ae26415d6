"""/api/catalog/databases/<db>/tables/: list, create, read, change, delete; and their versions."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api.common import body, changed_by, get_database, get_table, iso
from catalog.api.pagination import paginate
from catalog.api.schema import (
    ERRORS,
    NOT_FOUND,
    PAGE_PARAMETERS,
    TableSerializer,
    TableVersionSerializer,
    TableWriteSerializer,
    VersionDiffSerializer,
    page_of,
)
from catalog.models import Table, TableVersion
from catalog.services import tables as service
from catalog.services.versions import diff_versions


def table_json(table: Table) -> dict[str, Any]:
    data: dict[str, Any] = {
        "database": table.database.name,
        "name": table.name,
        "description": table.description,
        "table_type": table.table_type,
        "view_text": table.view_text,
        "location": table.location,
        "classification": table.classification,
        "format_options": table.format_options,
        "columns": table.columns,
        "partition_keys": table.partition_keys,
        "parameters": table.parameters,
        "owner": table.owner,
        "deprecated": table.deprecated,
        "version": table.version,
        "created_at": iso(table.created_at),
        "updated_at": iso(table.updated_at),
    }
    if hasattr(table, "partition_count"):
        data["partition_count"] = table.partition_count
    return data


def version_json(version: TableVersion) -> dict[str, Any]:
    return {
        "version": version.number,
        "table_type": version.table_type,
        "columns": version.columns,
        "partition_keys": version.partition_keys,
        "location": version.location,
        "classification": version.classification,
        "format_options": version.format_options,
        "changed": version.changed,
        "changed_by": {"kind": version.changed_by_kind, "id": version.changed_by_id, "name": version.changed_by_name},
        "created_at": iso(version.created_at),
    }


class TableListView(APIView):
    @extend_schema(
        operation_id="catalog_tables_list",
        parameters=[
            OpenApiParameter("prefix", str, description="Names starting with this."),
            OpenApiParameter("classification", str),
            OpenApiParameter("deprecated", bool),
            *PAGE_PARAMETERS,
        ],
        responses={200: page_of("TablePage", TableSerializer()), 400: ERRORS, 404: NOT_FOUND},
    )
    def get(self, request: Request, database: str) -> Response:
        tables = Table.objects.filter(database=get_database(database)).select_related("database")
        prefix = request.query_params.get("prefix", "").lower()
        if prefix:
            tables = tables.filter(name__startswith=prefix)
        classification = request.query_params.get("classification", "").lower()
        if classification:
            tables = tables.filter(classification=classification)
        deprecated = request.query_params.get("deprecated")
        if deprecated in ("true", "false"):
            tables = tables.filter(deprecated=deprecated == "true")
        return paginate(request, tables, ("name",), table_json)

    @extend_schema(
        operation_id="catalog_tables_create",
        request=TableWriteSerializer,
        responses={201: TableSerializer, 400: ERRORS, 404: NOT_FOUND},
    )
    def post(self, request: Request, database: str) -> Response:
        table = service.create_table(get_database(database), body(request), changed_by(request))
        return Response(table_json(table), status=status.HTTP_201_CREATED)


class TableDetailView(APIView):
    @extend_schema(responses={200: TableSerializer, 404: NOT_FOUND})
    def get(self, request: Request, database: str, table: str) -> Response:
        found = get_table(database, table)
        found.partition_count = found.partitions.count()  # type: ignore[attr-defined]
        return Response(table_json(found))

    @extend_schema(
        request=TableWriteSerializer(partial=True), responses={200: TableSerializer, 400: ERRORS, 404: NOT_FOUND}
    )
    def patch(self, request: Request, database: str, table: str) -> Response:
        updated = service.update_table(get_table(database, table), body(request), changed_by(request))
        return Response(table_json(updated))

    @extend_schema(request=None, responses={204: None, 404: NOT_FOUND})
    def delete(self, request: Request, database: str, table: str) -> Response:
        service.delete_table(get_table(database, table))
        return Response(status=status.HTTP_204_NO_CONTENT)


class TableVersionListView(APIView):
    @extend_schema(
        operation_id="catalog_table_versions_list",
        parameters=PAGE_PARAMETERS,
        responses={200: page_of("TableVersionPage", TableVersionSerializer()), 400: ERRORS, 404: NOT_FOUND},
    )
    def get(self, request: Request, database: str, table: str) -> Response:
        versions = TableVersion.objects.filter(table=get_table(database, table))
        return paginate(request, versions, ("-number",), version_json)


def _version(table: Table, number: Any, field: str) -> TableVersion:
    try:
        wanted = int(number)
    except (TypeError, ValueError):
        raise ValidationError({field: "must be a version number"}) from None
    version = TableVersion.objects.filter(table=table, number=wanted).first()
    if version is None:
        raise NotFound(f"table {table.name} has no version {wanted}")
    return version


class TableVersionDetailView(APIView):
    @extend_schema(responses={200: TableVersionSerializer, 404: NOT_FOUND})
    def get(self, request: Request, database: str, table: str, number: int) -> Response:
        return Response(version_json(_version(get_table(database, table), number, "version")))


class TableVersionDiffView(APIView):
    """?from=<n>&to=<m> (to defaults to the latest): columns added, removed, retyped; other fields changed."""

    @extend_schema(
        parameters=[
            OpenApiParameter("from", int, required=True, description="The older version number."),
            OpenApiParameter("to", int, description="The newer version number (default: the latest)."),
        ],
        responses={200: VersionDiffSerializer, 400: ERRORS, 404: NOT_FOUND},
    )
    def get(self, request: Request, database: str, table: str) -> Response:
        found = get_table(database, table)
        old = _version(found, request.query_params.get("from"), "from")
        new = _version(found, request.query_params.get("to", found.version), "to")
        return Response(diff_versions(old, new))
