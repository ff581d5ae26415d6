"""Design-time graph API: node types, validation, schemas, previews and code export.

These endpoints compute and change nothing, so reading (`view`) is enough even
though they are POSTs: the graph travels in the body.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from glueweb.roles import Capability
from jobs.api import graph_serializers as doc
from jobs.engine import registry
from jobs.engine.export import ExportError, export_script
from jobs.engine.graph import FORMAT
from jobs.engine.preview import DEFAULT_LIMIT, DEFAULT_SAMPLE_ROWS, MAX_LIMIT, PreviewError, preview
from jobs.engine.schema import graph_schemas
from jobs.engine.validate import validate

MAX_GRAPH_BYTES = 2 * 1024 * 1024  # the one place that limits a graph document's size


class BadRequest(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message

    def response(self) -> Response:
        return Response({"errors": [{"node": None, "field": self.field, "message": self.message}]}, status=400)


def read_body(request: Request) -> dict[str, Any]:
    """The JSON body as an object, refusing what is too large or not JSON with a clear 400."""
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > MAX_GRAPH_BYTES:
        raise BadRequest("", f"the request is larger than {MAX_GRAPH_BYTES // (1024 * 1024)} MB")
    raw = request.body
    if len(raw) > MAX_GRAPH_BYTES:
        raise BadRequest("", f"the request is larger than {MAX_GRAPH_BYTES // (1024 * 1024)} MB")
    try:
        body = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest("", f"the body is not valid JSON: {exc}") from None
    if not isinstance(body, dict):
        raise BadRequest("", "the body must be a JSON object")
    return body


def split_body(body: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """(graph document, other keys): the body is either the document or {"graph": document, ...}."""
    if "graph" in body and "format" not in body:
        document, rest = body["graph"], {k: v for k, v in body.items() if k != "graph"}
    else:
        document, rest = body, {}
    fmt = document.get("format") if isinstance(document, dict) else None
    if fmt != FORMAT:
        shown = "missing" if fmt is None else f"{fmt!r} is not supported"
        raise BadRequest("format", f'format {shown}; expected "{FORMAT}"')
    parameters = rest.get("parameters")
    if parameters is not None and not isinstance(parameters, dict):
        raise BadRequest("parameters", "run parameters must be an object {name: value}")
    return document, rest


class GraphView(APIView):
    required_capability: ClassVar[Capability] = "view"

    def handle(self, document: Any, rest: dict[str, Any]) -> Response:
        raise NotImplementedError

    def post(self, request: Request) -> Response:
        try:
            document, rest = split_body(read_body(request))
        except BadRequest as exc:
            return exc.response()
        return self.handle(document, rest)


class NodeTypesView(APIView):
    @extend_schema(responses={200: doc.NodeTypeSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response([t.describe() for t in registry.all_types()])


@extend_schema(request=doc.GRAPH_REQUEST, responses={200: doc.VALIDATION, 400: doc.GRAPH_ERRORS})
class ValidateView(GraphView):
    """POST a graph document -> {"valid": bool, "errors": [...]}."""

    def handle(self, document: Any, rest: dict[str, Any]) -> Response:
        errors = validate(document, rest.get("parameters"))
        return Response({"valid": not errors, "errors": errors})


@extend_schema(request=doc.GRAPH_REQUEST, responses={200: doc.SCHEMAS, 400: doc.GRAPH_ERRORS})
class SchemaView(GraphView):
    """POST a graph document -> {"nodes": {id: {"ports": {port: [{name, type, comment}]}}}, "errors": [...]}."""

    def handle(self, document: Any, rest: dict[str, Any]) -> Response:
        return Response(graph_schemas(document, rest.get("parameters")))


def _bounded(rest: dict[str, Any], key: str, default: int, maximum: int) -> int:
    value = rest.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= maximum:
        raise BadRequest(key, f"{key} must be an integer from 1 to {maximum}")
    return value


@extend_schema(request=doc.PreviewRequestSerializer, responses={200: doc.PREVIEW, 400: doc.GRAPH_ERRORS})
class PreviewView(GraphView):
    """POST {graph, node, port?, limit?, sample_rows?} -> {node, port, columns, rows, sample}."""

    def handle(self, document: Any, rest: dict[str, Any]) -> Response:
        try:
            node = rest.get("node")
            if not isinstance(node, str):
                raise BadRequest("node", "give the id of the node to preview")
            limit = _bounded(rest, "limit", DEFAULT_LIMIT, MAX_LIMIT)
            sample_rows = _bounded(rest, "sample_rows", DEFAULT_SAMPLE_ROWS, 1_000_000)
            port = rest.get("port")
            if port is not None and not isinstance(port, str):
                raise BadRequest("port", "port must be a port name")
        except BadRequest as exc:
            return exc.response()
        try:
            result = preview(document, node, port=port, limit=limit, sample_rows=sample_rows,
                             run_parameters=rest.get("parameters"))  # fmt: skip
        except PreviewError as exc:
            return Response({"errors": exc.errors}, status=400)
        return Response(result)


@extend_schema(request=doc.EXPORT_REQUEST, responses={200: doc.EXPORT, 400: doc.GRAPH_ERRORS})
class ExportView(GraphView):
    """POST {graph, title?} -> {"filename": "job.py", "script": "..."}."""

    def handle(self, document: Any, rest: dict[str, Any]) -> Response:
        title = rest["title"] if isinstance(rest.get("title"), str) else "glueweb job"
        try:
            script = export_script(document, title=title, parameters=rest.get("parameters"))
        except ExportError as exc:
            return Response({"errors": exc.errors}, status=400)
        return Response({"filename": "job.py", "script": script})
