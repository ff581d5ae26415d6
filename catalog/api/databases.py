"""/api/catalog/databases/: list, create, read, change, delete."""

from __future__ import annotations

from typing import Any

from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api.common import body, get_database, iso
from catalog.api.pagination import paginate
from catalog.models import Database
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


class DatabaseListView(APIView):
    def get(self, request: Request) -> Response:
        databases = Database.objects.all()
        prefix = request.query_params.get("prefix", "").lower()
        if prefix:
            databases = databases.filter(name__startswith=prefix)
        return paginate(request, databases, ("name",), database_json)

    def post(self, request: Request) -> Response:
        database = service.create_database(_checked(body(request)))
        return Response(database_json(database), status=status.HTTP_201_CREATED)


class DatabaseDetailView(APIView):
    def get(self, request: Request, database: str) -> Response:
        found = get_database(database)
        found.table_count = found.tables.count()  # type: ignore[attr-defined]
        return Response(database_json(found))

    def patch(self, request: Request, database: str) -> Response:
        return Response(database_json(service.update_database(get_database(database), _checked(body(request)))))

    def delete(self, request: Request, database: str) -> Response:
        service.delete_database(get_database(database))
        return Response(status=status.HTTP_204_NO_CONTENT)


def _checked(data: dict[str, Any]) -> dict[str, Any]:
    check_unknown(data, service.FIELDS)
    return data
