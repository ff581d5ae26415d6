"""OpenAPI descriptions of the crawler API's bodies, for drf-spectacular (/api/schema/, /api/docs/).

The views build their JSON by hand (crawlers/api/common.py `crawler_json`, `run_summary`,
`run_detail`) and the services check what comes in; these serializers only describe those
shapes and are never used to parse or render. Keep them in step with common.py and
docs/crawlers.md ("API").
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

from crawlers.models import CrawlerRunState, CrawlerState, DeleteBehavior, RecrawlBehavior, UpdateBehavior


class CrawlerTargetSerializer(serializers.Serializer[Any]):
    path = serializers.CharField(help_text='A folder under a data root, or "s3://bucket/prefix".')
    connection = serializers.CharField(allow_blank=True, help_text="An s3 connection's name; empty for local paths.")


class CustomClassifierSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    kind = serializers.CharField(
        help_text="One of GET /api/crawlers/classifiers/ `custom_kinds`; the other keys are the kind's options."
    )


class CrawlerRunSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    crawler = serializers.CharField(help_text="The crawler's name.")
    dry_run = serializers.BooleanField()
    state = serializers.ChoiceField(CrawlerRunState.choices)
    started_by = serializers.CharField(help_text='A user name, or "schedule".')
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)
    files_total = serializers.IntegerField(help_text="Files listed.")
    files_scanned = serializers.IntegerField(help_text="Files whose contents were read.")
    files_skipped = serializers.IntegerField(help_text="Excluded, unchanged, sampled-away or links.")
    tables_created = serializers.IntegerField()
    tables_updated = serializers.IntegerField()
    tables_deprecated = serializers.IntegerField()
    tables_deleted = serializers.IntegerField()
    partitions_added = serializers.IntegerField()
    partitions_removed = serializers.IntegerField()
    error = serializers.CharField(allow_blank=True)


class CrawlerRunDetailSerializer(CrawlerRunSerializer):
    changes = serializers.ListField(
        child=serializers.DictField(),
        help_text="The plan: {action, table, decision: apply|log, reason, ...} (docs/crawlers.md).",
    )
    tables = serializers.ListField(
        child=serializers.DictField(),
        help_text="Every table found: reason, level, folder, files, sample_files, partition_keys, ...",
    )
    file_errors = serializers.ListField(child=serializers.DictField(child=serializers.CharField()))
    log = serializers.ListField(child=serializers.DictField(), help_text="[{at, level, message}]")


class CrawlerSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    targets = CrawlerTargetSerializer(many=True)
    exclusions = serializers.ListField(child=serializers.CharField(), help_text="Globs relative to each target.")
    database = serializers.CharField()
    table_prefix = serializers.CharField(allow_blank=True)
    classifiers = CustomClassifierSerializer(many=True)
    sample_size = serializers.IntegerField()
    update_behavior = serializers.ChoiceField(UpdateBehavior.choices)
    delete_behavior = serializers.ChoiceField(DeleteBehavior.choices)
    recrawl_behavior = serializers.ChoiceField(RecrawlBehavior.choices)
    combine_compatible_schemas = serializers.BooleanField()
    table_level = serializers.IntegerField(allow_null=True)
    table_threshold = serializers.IntegerField(allow_null=True)
    schedule = serializers.CharField(allow_blank=True, help_text="cron: minute hour day month weekday")
    state = serializers.ChoiceField(CrawlerState.choices)
    created_by = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    last_run = CrawlerRunSerializer(allow_null=True, help_text="Null when the crawler never ran.")


class CrawlerWriteSerializer(serializers.Serializer[Any]):
    """What POST (name, targets and database required) and PATCH (any subset) accept; unknown keys are a 400."""

    name = serializers.CharField()
    description = serializers.CharField(required=False, allow_blank=True)
    targets = serializers.ListField(
        child=CrawlerTargetSerializer(), help_text="At least one; a bare string is taken as {path}."
    )
    exclusions = serializers.ListField(child=serializers.CharField(), required=False)
    database = serializers.CharField()
    table_prefix = serializers.CharField(required=False, allow_blank=True)
    classifiers = CustomClassifierSerializer(many=True, required=False)
    sample_size = serializers.IntegerField(required=False, min_value=1, max_value=10_000)
    update_behavior = serializers.ChoiceField(UpdateBehavior.choices, required=False)
    delete_behavior = serializers.ChoiceField(DeleteBehavior.choices, required=False)
    recrawl_behavior = serializers.ChoiceField(RecrawlBehavior.choices, required=False)
    combine_compatible_schemas = serializers.BooleanField(required=False)
    table_level = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=100)
    table_threshold = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    schedule = serializers.CharField(required=False, allow_blank=True)


CRAWLER_LIST = inline_serializer(
    "CrawlerList", {"results": CrawlerSerializer(many=True), "count": serializers.IntegerField()}
)
RUN_LIST = inline_serializer(
    "CrawlerRunList", {"results": CrawlerRunSerializer(many=True, help_text="The last 100 runs, newest first.")}
)
CLASSIFIERS = inline_serializer(
    "CrawlerClassifiers",
    {
        "built_in_order": serializers.ListField(child=serializers.CharField()),
        "custom_kinds": serializers.ListField(child=serializers.CharField()),
    },
)
BROWSE = inline_serializer(
    "CrawlerBrowse",
    {
        "path": serializers.CharField(allow_blank=True, help_text="Empty when listing the data roots."),
        "parent": serializers.CharField(allow_null=True),
        "folders": serializers.ListField(child=serializers.CharField()),
    },
)
BROWSE_PATH = OpenApiParameter("path", OpenApiTypes.STR, description="A folder; empty or absent for the data roots.")

ERRORS = OpenApiResponse(
    inline_serializer("CrawlerFieldErrors", {"field": serializers.ListField(child=serializers.CharField())}),
    description="Bad input: an object mapping each offending field (e.g. `targets.0.path`) to its messages.",
)
DETAIL = inline_serializer("CrawlerDetailMessage", {"detail": serializers.CharField()})
NOT_FOUND = OpenApiResponse(DETAIL, description="No such crawler or run.")


def conflict(when: str) -> OpenApiResponse:
    return OpenApiResponse(DETAIL, description=when)
