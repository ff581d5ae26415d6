"""/api/catalog/connections/: CRUD and test; secrets are write-only, responses say which are set."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api.common import body, iso
from catalog.api.pagination import paginate
from catalog.api.schema import (
    CONNECTION_TEST,
    CONNECTION_TYPES,
    ERRORS,
    NOT_FOUND,
    PAGE_PARAMETERS,
    ConnectionSerializer,
    ConnectionWriteSerializer,
    page_of,
)
from catalog.models import Connection
from catalog.services import connections as service


def connection_json(connection: Connection) -> dict[str, Any]:
    # Never the secrets themselves: only which of them hold a value.
    return {
        "name": connection.name,
        "connection_type": connection.connection_type,
        "description": connection.description,
        "properties": connection.properties,
        "secrets_set": connection.secret_fields_set,
        "created_at": iso(connection.created_at),
        "updated_at": iso(connection.updated_at),
    }


def _get(name: str) -> Connection:
    connection = Connection.objects.filter(name=name.lower()).first()
    if connection is None:
        raise NotFound(f'no connection named "{name}"')
    return connection


class ConnectionTypesView(APIView):
    """The connection types, their properties (required or not) and secret fields: what a form needs."""

    @extend_schema(responses={200: CONNECTION_TYPES})
    def get(self, request: Request) -> Response:
        return Response(
            {
                "results": [
                    {
                        "connection_type": name,
                        "properties": [
                            {"name": p, "type": "number" if t is int else "string", "required": p in kind.required}
                            for p, t in kind.properties.items()
                        ],
                        "secrets": list(kind.secrets),
                        "defaults": kind.defaults,
                    }
                    for name, kind in service.CONNECTION_TYPES.items()
                ]
            }
        )


class ConnectionListView(APIView):
    @extend_schema(
        operation_id="catalog_connections_list",
        parameters=[OpenApiParameter("connection_type", str), *PAGE_PARAMETERS],
        responses={200: page_of("ConnectionPage", ConnectionSerializer()), 400: ERRORS},
    )
    def get(self, request: Request) -> Response:
        connections = Connection.objects.all()
        kind = request.query_params.get("connection_type")
        if kind:
            connections = connections.filter(connection_type=kind)
        return paginate(request, connections, ("name",), connection_json)

    @extend_schema(
        operation_id="catalog_connections_create",
        request=ConnectionWriteSerializer,
        responses={201: ConnectionSerializer, 400: ERRORS},
    )
    def post(self, request: Request) -> Response:
        connection = service.create_connection(body(request), request.user)
        return Response(connection_json(connection), status=status.HTTP_201_CREATED)


class ConnectionDetailView(APIView):
    @extend_schema(responses={200: ConnectionSerializer, 404: NOT_FOUND})
    def get(self, request: Request, name: str) -> Response:
        return Response(connection_json(_get(name)))

    @extend_schema(
        request=ConnectionWriteSerializer(partial=True),
        responses={200: ConnectionSerializer, 400: ERRORS, 404: NOT_FOUND},
    )
    def patch(self, request: Request, name: str) -> Response:
        return Response(connection_json(service.update_connection(_get(name), body(request))))

    @extend_schema(request=None, responses={204: None, 404: NOT_FOUND})
    def delete(self, request: Request, name: str) -> Response:
        service.delete_connection(_get(name))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ConnectionTestView(APIView):
    """POST: try to reach the connection with its stored secrets; answers {ok, message} (200 either way)."""

    required_capability = "edit"  # it uses the stored secrets on the caller's behalf

    @extend_schema(request=None, responses={200: CONNECTION_TEST, 404: NOT_FOUND})
    def post(self, request: Request, name: str) -> Response:
        return Response(service.test_connection(_get(name)))
