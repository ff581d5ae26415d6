"""OpenAPI descriptions of the catalog API's bodies, for drf-spectacular (/api/schema/, /api/docs/).

The views build their JSON by hand (catalog/api/*.py `*_json`); these serializers only describe
those shapes and are never used to parse or render. Keep them in step with the `*_json` functions
and docs/catalog.md.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

# --- shared pieces -----------------------------------------------------------------


class ColumnSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    type = serializers.CharField(help_text="Glue/Hive type string, e.g. bigint, decimal(10,2), array<string>")
    comment = serializers.CharField(required=False, allow_blank=True)


class ColumnsDiffSerializer(serializers.Serializer[Any]):
    added = ColumnSerializer(many=True)
    removed = ColumnSerializer(many=True)
    retyped = serializers.ListField(child=serializers.DictField(child=serializers.CharField()))
    recommented = serializers.ListField(child=serializers.DictField(child=serializers.CharField()))
    reordered = serializers.BooleanField(required=False)


class ChangedBySerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(["user", "crawler_run", "job_run", "system"])
    id = serializers.CharField(allow_null=True)
    name = serializers.CharField()


ERRORS = OpenApiResponse(
    inline_serializer("CatalogFieldErrors", {"field": serializers.ListField(child=serializers.CharField())}),
    description="Bad input: an object mapping each offending field (e.g. `columns.2.type`) to its messages.",
)
NOT_FOUND = OpenApiResponse(
    inline_serializer("CatalogNotFound", {"detail": serializers.CharField()}), description="No such object."
)

LIMIT = OpenApiParameter("limit", OpenApiTypes.INT, description="Page size, 1 to the list's maximum (default 50).")
CURSOR = OpenApiParameter("cursor", OpenApiTypes.STR, description="`next_cursor` of the previous page.")
PAGE_PARAMETERS = [LIMIT, CURSOR]


def page_of(name: str, item: serializers.Serializer[Any]) -> serializers.Serializer[Any]:
    """A cursor-paginated list answer: {results, next_cursor, next}."""
    return inline_serializer(
        name,
        {
            "results": serializers.ListField(child=item),
            "next_cursor": serializers.CharField(allow_null=True),
            "next": serializers.URLField(allow_null=True),
        },
    )


# --- databases and tables --------------------------------------------------------


class DatabaseSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    location_uri = serializers.CharField(allow_blank=True)
    parameters = serializers.DictField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    table_count = serializers.IntegerField(required=False, help_text="In lists and on the detail view.")


class DatabaseWriteSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(help_text="Required when creating; lower-cased.")
    description = serializers.CharField(required=False, allow_blank=True)
    location_uri = serializers.CharField(required=False, allow_blank=True)
    parameters = serializers.DictField(required=False)


class TableSerializer(serializers.Serializer[Any]):
    database = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    table_type = serializers.ChoiceField(["EXTERNAL_TABLE", "VIEW"])
    view_text = serializers.CharField(allow_blank=True)
    location = serializers.CharField(allow_blank=True)
    classification = serializers.CharField(allow_blank=True)
    format_options = serializers.DictField()
    columns = ColumnSerializer(many=True)
    partition_keys = ColumnSerializer(many=True)
    parameters = serializers.DictField()
    owner = serializers.CharField(allow_blank=True)
    deprecated = serializers.BooleanField()
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    partition_count = serializers.IntegerField(required=False, help_text="On the detail view only.")


class SearchHitSerializer(TableSerializer):
    score = serializers.IntegerField()


class TableWriteSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(help_text="Required when creating; lower-cased.")
    description = serializers.CharField(required=False, allow_blank=True)
    table_type = serializers.ChoiceField(["EXTERNAL_TABLE", "VIEW"], required=False)
    view_text = serializers.CharField(required=False, allow_blank=True)
    location = serializers.CharField(required=False, allow_blank=True)
    classification = serializers.CharField(required=False, allow_blank=True)
    format_options = serializers.DictField(required=False)
    columns = ColumnSerializer(many=True, required=False)
    partition_keys = ColumnSerializer(many=True, required=False)
    parameters = serializers.DictField(required=False)
    owner = serializers.CharField(required=False, allow_blank=True)
    deprecated = serializers.BooleanField(required=False)


class TableVersionSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField()
    table_type = serializers.CharField()
    columns = ColumnSerializer(many=True)
    partition_keys = ColumnSerializer(many=True)
    location = serializers.CharField(allow_blank=True)
    classification = serializers.CharField(allow_blank=True)
    format_options = serializers.DictField()
    changed = serializers.ListField(child=serializers.CharField())
    changed_by = ChangedBySerializer()
    created_at = serializers.DateTimeField()


class VersionDiffSerializer(serializers.Serializer[Any]):
    from_version = serializers.IntegerField()
    to_version = serializers.IntegerField()
    columns = ColumnsDiffSerializer()
    partition_keys = ColumnsDiffSerializer()
    changed = serializers.DictField(help_text="field -> {from, to}")


# --- partitions -------------------------------------------------------------------


class PartitionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    values = serializers.ListField(child=serializers.CharField(allow_null=True))
    location = serializers.CharField(allow_blank=True)
    parameters = serializers.DictField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class PartitionWriteSerializer(serializers.Serializer[Any]):
    values = serializers.ListField(
        child=serializers.CharField(allow_null=True), help_text="One per partition key; not changed by PATCH."
    )
    location = serializers.CharField(required=False, allow_blank=True)
    parameters = serializers.DictField(required=False)


class PartitionBatchSerializer(serializers.Serializer[Any]):
    partitions = PartitionWriteSerializer(many=True, help_text="At most 1,000.")


class PartitionItemErrorSerializer(serializers.Serializer[Any]):
    """Per-item error of a batch call: {index, values, errors: {field: [message]}}."""

    index = serializers.IntegerField()
    values = serializers.ListField(child=serializers.CharField(allow_null=True))

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        # Added here, not as an attribute: a field named `errors` would shadow Serializer.errors.
        fields = super().get_fields()
        fields["errors"] = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
        return fields


def item_errors() -> PartitionItemErrorSerializer:
    return PartitionItemErrorSerializer(many=True)


BATCH_CREATED = inline_serializer(
    "PartitionBatchCreated", {"created": PartitionSerializer(many=True), "errors": item_errors()}
)
BATCH_DELETED = inline_serializer(
    "PartitionBatchDeleted", {"deleted": serializers.IntegerField(), "errors": item_errors()}
)

# --- reading data -----------------------------------------------------------------

PREVIEW = inline_serializer(
    "TablePreview",
    {
        "columns": ColumnSerializer(many=True),
        "rows": serializers.ListField(child=serializers.ListField(child=serializers.JSONField())),
        "row_count": serializers.IntegerField(),
    },
)


class ColumnStatisticsSerializer(serializers.Serializer[Any]):
    column = serializers.CharField()
    type = serializers.CharField()
    partition = serializers.IntegerField(allow_null=True)
    row_count = serializers.IntegerField()
    null_count = serializers.IntegerField(allow_null=True)
    distinct_count = serializers.IntegerField(allow_null=True)
    min = serializers.CharField(allow_null=True)
    max = serializers.CharField(allow_null=True)
    avg_length = serializers.FloatField(allow_null=True)
    max_length = serializers.IntegerField(allow_null=True)
    true_count = serializers.IntegerField(allow_null=True)
    false_count = serializers.IntegerField(allow_null=True)
    computed_at = serializers.DateTimeField()


STATISTICS = inline_serializer("ColumnStatisticsList", {"results": ColumnStatisticsSerializer(many=True)})


class StatisticsRunSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    # Text rather than an enum: crawler runs name a different "state" enum in the same schema.
    state = serializers.CharField(help_text="WAITING, RUNNING, SUCCEEDED or FAILED")
    partition = serializers.IntegerField(allow_null=True)
    columns = serializers.ListField(child=serializers.CharField())
    error = serializers.CharField(allow_blank=True)
    requested_by = serializers.CharField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)


class ComputeStatisticsSerializer(serializers.Serializer[Any]):
    columns = serializers.ListField(child=serializers.CharField(), required=False, help_text="Default: every column.")
    partition = serializers.IntegerField(required=False, help_text="A partition id; default: the whole table.")


# --- connections --------------------------------------------------------------------


class ConnectionSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    connection_type = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    properties = serializers.DictField()
    secrets_set = serializers.ListField(
        child=serializers.CharField(), help_text="Which secret fields hold a value; secrets are never returned."
    )
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class ConnectionWriteSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(help_text="Required when creating.")
    connection_type = serializers.ChoiceField(
        ["postgresql", "mysql", "s3", "jdbc"], help_text="Required when creating."
    )
    description = serializers.CharField(required=False, allow_blank=True)
    properties = serializers.DictField(required=False)
    secrets = serializers.DictField(
        child=serializers.CharField(allow_null=True),
        required=False,
        help_text="Write-only. On PATCH a value replaces, null removes, an absent key keeps.",
    )


class ConnectionTypeSerializer(serializers.Serializer[Any]):
    connection_type = serializers.CharField()
    properties = serializers.ListField(child=serializers.DictField())
    secrets = serializers.ListField(child=serializers.CharField())
    defaults = serializers.DictField()


CONNECTION_TYPES = inline_serializer("ConnectionTypeList", {"results": ConnectionTypeSerializer(many=True)})
CONNECTION_TEST = inline_serializer(
    "ConnectionTestResult", {"ok": serializers.BooleanField(), "message": serializers.CharField()}
)
