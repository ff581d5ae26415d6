"""OpenAPI descriptions of the graph document and the design-time graph API, for drf-spectacular.

The graph views (graphs.py) read their body by hand and answer what the engine returns; these
serializers only describe those shapes (docs/graph-format.md, docs/editor.md) and are never
used to parse or render. `GraphField` is the exception: the jobs serializer uses it, and it
behaves exactly as the JSONField it extends.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import (
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers

from jobs.engine.graph import FORMAT
from jobs.engine.preview import DEFAULT_LIMIT, DEFAULT_SAMPLE_ROWS, MAX_LIMIT

# --- the graph document (glueweb.graph/1) -------------------------------------------


class GraphParameterSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    type = serializers.CharField(help_text="string, number, integer, boolean, ...")
    default = serializers.JSONField(required=False)


class GraphPositionSerializer(serializers.Serializer[Any]):
    x = serializers.FloatField()
    y = serializers.FloatField()


# Fields named label, source or many shadow Field attributes for mypy only: DRF's serializer
# metaclass moves declared fields off the class, hence the ignores below.


class GraphNodeSerializer(serializers.Serializer[Any]):
    id = serializers.CharField(help_text="Unique in the graph, chosen by the client.")
    type = serializers.CharField(help_text="A node type key (GET /api/node-types/).")
    label = serializers.CharField(required=False, allow_blank=True)  # type: ignore[assignment]
    params = serializers.DictField(help_text="Checked against the type's params_schema.")
    position = GraphPositionSerializer(required=False)


class GraphEdgeSerializer(serializers.Serializer[Any]):
    source = serializers.CharField()  # type: ignore[assignment]
    target = serializers.CharField()
    source_port = serializers.CharField(required=False, help_text='Default "out".')
    target_port = serializers.CharField(required=False, help_text='Default "in".')


class GraphDocumentSerializer(serializers.Serializer[Any]):
    format = serializers.CharField(help_text=f'Always "{FORMAT}".')
    parameters = GraphParameterSerializer(many=True, required=False)
    nodes = GraphNodeSerializer(many=True)
    edges = GraphEdgeSerializer(many=True)


@extend_schema_field(GraphDocumentSerializer)
class GraphField(serializers.JSONField):
    """A JSONField, described in the schema as a graph document."""


# --- requests ----------------------------------------------------------------------


class GraphWithParametersSerializer(serializers.Serializer[Any]):
    graph = GraphDocumentSerializer()
    parameters = serializers.DictField(required=False, help_text="Run parameters {name: value}, over the defaults.")


GRAPH_REQUEST = PolymorphicProxySerializer(
    component_name="GraphRequest",
    serializers=[GraphDocumentSerializer, GraphWithParametersSerializer],
    resource_type_field_name=None,
)


class PreviewRequestSerializer(GraphWithParametersSerializer):
    node = serializers.CharField(help_text="The id of the node to preview.")
    port = serializers.CharField(required=False, help_text="An output port; default the node's first.")
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_LIMIT, help_text=f"Rows answered (default {DEFAULT_LIMIT})."
    )
    sample_rows = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=1_000_000,
        help_text=f"Rows read from each source (default {DEFAULT_SAMPLE_ROWS}).",
    )


class ExportRequestSerializer(GraphWithParametersSerializer):
    title = serializers.CharField(required=False, help_text='Default "glueweb job".')


EXPORT_REQUEST = PolymorphicProxySerializer(
    component_name="GraphExportRequest",
    serializers=[GraphDocumentSerializer, ExportRequestSerializer],
    resource_type_field_name=None,
)

# --- answers -----------------------------------------------------------------------


class GraphErrorSerializer(serializers.Serializer[Any]):
    node = serializers.CharField(allow_null=True, help_text="The node at fault; null for the graph as a whole.")
    field = serializers.CharField(help_text="A dotted path, e.g. params.condition or edges.2.target_port.")
    message = serializers.CharField()


GRAPH_ERRORS_BODY = inline_serializer("GraphErrors", {"errors": GraphErrorSerializer(many=True)})
GRAPH_ERRORS = OpenApiResponse(
    GRAPH_ERRORS_BODY,
    description="The graph or the request is not usable: each error names the node and the field.",
)


class GraphColumnSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    type = serializers.CharField(allow_null=True, help_text="Glue/Hive type string; null when there is none.")
    comment = serializers.CharField(allow_null=True, allow_blank=True)


class PortSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()


class InputPortSerializer(PortSerializer):
    many = serializers.BooleanField(help_text="Takes any number of inputs.")  # type: ignore[assignment]


class NodeTypeSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    category = serializers.CharField()
    inputs = InputPortSerializer(many=True)
    outputs = PortSerializer(many=True)
    params_schema = serializers.DictField(help_text="JSON Schema of the node's params.")
    glue = serializers.CharField(allow_null=True, help_text="The AWS Glue transform it stands for, if any.")
    enabled = serializers.BooleanField()
    dynamic_outputs = serializers.BooleanField(help_text="Output ports follow the params (route).")


VALIDATION = inline_serializer(
    "GraphValidation", {"valid": serializers.BooleanField(), "errors": GraphErrorSerializer(many=True)}
)
SCHEMAS = inline_serializer(
    "GraphSchemas",
    {
        "nodes": serializers.DictField(
            child=inline_serializer(
                "NodeSchema",
                {"ports": serializers.DictField(child=GraphColumnSerializer(many=True))},
            ),
            help_text="Node id -> output port -> columns, for every node whose schema is known.",
        ),
        "errors": GraphErrorSerializer(many=True),
    },
)
PREVIEW = inline_serializer(
    "GraphPreview",
    {
        "node": serializers.CharField(),
        "port": serializers.CharField(),
        "columns": GraphColumnSerializer(many=True),
        "rows": serializers.ListField(child=serializers.DictField(), help_text="One object per row."),
        "sample": inline_serializer(
            "PreviewSample",
            {
                "is_sample": serializers.BooleanField(),
                "rows_per_source": serializers.IntegerField(),
                "limit": serializers.IntegerField(),
                "returned": serializers.IntegerField(),
            },
        ),
    },
)
EXPORT = inline_serializer("GraphExport", {"filename": serializers.CharField(), "script": serializers.CharField()})
