"""/api/catalog/databases/: list, create, read, change, delete."""

from __future__ import annotations

from typing import Any

from django.db.models import IntegerField, OuterRef, Subquery
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api.common import body, get_database, iso
from catalog.api.pagination import paginate
from catalog.api.schema import ERRORS, NOT_FOUND, PAGE_PARAMETERS, DatabaseSerializer, DatabaseWriteSerializer, page_of
from catalog.models import Database, Table
from catalog.services import databases as service
from catalog.services.common import check_unknown


def database_json(database: Database) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": database.name,
        "description": database.description,
        "location_uri": database.location_uri,
        "parameters": database.parameters,
        "created_at": iso(database.created_at),
        "updated_at": iso(database.updated_at),
    }
    if hasattr(database, "table_count"):
        data["table_count"] = database.table_count
    return data


class _CountRows(Subquery):
    """COUNT(*) of a correlated subquery, evaluated for each listed row only.

    Not Count() with GROUP BY, and counting `database_id` rather than `id`, so that PostgreSQL
    answers from the (database_id) index alone instead of visiting every table row.
    """

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS counted)"
    output_field = IntegerField()


def _table_count() -> _CountRows:
    return _CountRows(Table.objects.filter(database=OuterRef("pk")).order_by().values("database"))


class DatabaseListView(APIView):
    @extend_schema(
        operation_id="catalog_databases_list",
        parameters=[OpenApiParameter("prefix", str, description="Names starting with this."), *PAGE_PARAMETERS],
        responses={200: page_of("DatabasePage", DatabaseSerializer()), 400: ERRORS},
    )
    def get(self, request: Request) -> Response:
        databases = Database.objects.annotate(table_count=_table_count())
        prefix = request.query_params.get("prefix", "").lower()
        if prefix:
            databases = databases.filter(name__startswith=prefix)
        return paginate(request, databases, ("name",), database_json)

    @extend_schema(
        operation_id="catalog_databases_create",
        request=DatabaseWriteSerializer,
        responses={201: DatabaseSerializer, 400: ERRORS},
    )
    def post(self, request: Request) -> Response:
        database = service.create_database(_checked(body(request)))
        return Response(database_json(database), status=status.HTTP_201_CREATED)


class DatabaseDetailView(APIView):
    @extend_schema(responses={200: DatabaseSerializer, 404: NOT_FOUND})
    def get(self, request: Request, database: str) -> Response:
        found = get_database(database)
        found.table_count = found.tables.count()  # type: ignore[attr-defined]
        return Response(database_json(found))

    @extend_schema(
        request=DatabaseWriteSerializer(partial=True), responses={200: DatabaseSerializer, 400: ERRORS, 404: NOT_FOUND}
    )
    def patch(self, request: Request, database: str) -> Response:
        return Response(database_json(service.update_database(get_database(database), _checked(body(request)))))

    @extend_schema(request=None, responses={204: None, 404: NOT_FOUND})
    def delete(self, request: Request, database: str) -> Response:
        service.delete_database(get_database(database))
        return Response(status=status.HTTP_204_NO_CONTENT)


def _checked(data: dict[str, Any]) -> dict[str, Any]:
    check_unknown(data, service.FIELDS)
    return data
