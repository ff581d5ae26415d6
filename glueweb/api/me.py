from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from glueweb.roles import capabilities_of, roles_of


class MeView(APIView):
    """Who is signed in, their roles and what those roles allow."""

    required_capability = None  # any signed-in user may ask who they are

    def get_permissions(self):  # type: ignore[no-untyped-def]
        from rest_framework.permissions import IsAuthenticated

        return [IsAuthenticated()]

    @extend_schema(
        responses=inline_serializer(
            "Me",
            {
                "username": serializers.CharField(),
                "display_name": serializers.CharField(),
                "roles": serializers.ListField(child=serializers.CharField()),
                "capabilities": serializers.DictField(child=serializers.BooleanField()),
            },
        )
    )
    def get(self, request: Request) -> Response:
        user = request.user
        return Response(
            {
                "username": user.get_username(),
                "display_name": user.get_full_name() or user.get_username(),  # type: ignore[union-attr]
                "roles": roles_of(user),
                "capabilities": capabilities_of(user),
            }
        )
