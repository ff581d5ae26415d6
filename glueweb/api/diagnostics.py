from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from glueweb.diagnostics import request_ping


class PingView(APIView):
    """Send a diagnostic event through a worker; it arrives on /ws/dashboard/ as `diagnostic.pong`."""

    # Any viewer may test the live channel: it changes nothing but one event row.
    required_capability = "view"

    @extend_schema(
        request=None,
        responses={
            202: inline_serializer("Ping", {"ping": serializers.IntegerField(), "sent_at": serializers.DateTimeField()})
        },
    )
    def post(self, request: Request) -> Response:
        ping = request_ping(request.user.get_username())
        return Response({"ping": ping.id, "sent_at": ping.sent_at.isoformat()}, status=status.HTTP_202_ACCEPTED)
