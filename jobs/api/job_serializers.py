"""Jobs in and out of the API: what may be set, checked field by field (a 400 names the field)."""

from __future__ import annotations

import json
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from jobs.api.graph_serializers import GraphField
from jobs.engine.graph import FORMAT
from jobs.models import Job, JobRun, JobVersion, NodeMetrics
from jobs.runs.jobs import declared_parameters

MAX_GRAPH_BYTES = 2 * 1024 * 1024
MAX_TIMEOUT_MINUTES = 7 * 24 * 60.0


class JobSerializer(serializers.ModelSerializer[Job]):
    name = serializers.CharField(
        max_length=255, validators=[UniqueValidator(queryset=Job.objects.all(), message="a job with this name exists")]
    )
    description = serializers.CharField(required=False, allow_blank=True, default="")
    graph = GraphField()
    default_parameters = serializers.DictField(required=False, default=dict)
    max_retries = serializers.IntegerField(required=False, min_value=0, max_value=10, default=0)
    timeout_minutes = serializers.FloatField(required=False, min_value=0.01, max_value=MAX_TIMEOUT_MINUTES)
    max_concurrent_runs = serializers.IntegerField(required=False, min_value=1, max_value=1000, default=1)
    node_metrics = serializers.ChoiceField(
        NodeMetrics.choices, required=False, default=NodeMetrics.FAST,
        error_messages={"invalid_choice": '"{input}" is not a node metrics mode: use "fast" or "exact"'},
        help_text='"fast": per-node figures at a few percent, nodes inside join pipelines not counted; '
                  '"exact": every node counted and timed, much slower on join-heavy graphs (docs/runs.md).',
    )  # fmt: skip
    tags = serializers.ListField(
        child=serializers.CharField(max_length=64), required=False, default=list, max_length=50
    )

    class Meta:
        model = Job
        fields = [
            "id", "name", "description", "graph", "default_parameters", "max_retries", "timeout_minutes",
            "max_concurrent_runs", "node_metrics", "tags", "version", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "version", "created_at", "updated_at"]

    def validate_graph(self, graph: Any) -> Any:
        if not isinstance(graph, dict):
            raise serializers.ValidationError("the graph must be a JSON object")
        if graph.get("format") != FORMAT:
            raise serializers.ValidationError(f'graph.format must be "{FORMAT}"')
        if len(json.dumps(graph)) > MAX_GRAPH_BYTES:
            raise serializers.ValidationError("the graph is larger than 2 MB")
        return graph

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        graph = attrs.get("graph", self.instance.graph if self.instance else {})
        defaults = attrs.get("default_parameters", self.instance.default_parameters if self.instance else {})
        unknown = sorted(set(defaults) - declared_parameters(graph))
        if unknown:
            raise serializers.ValidationError(
                {"default_parameters": [f"the graph declares no parameter named {name!r}" for name in unknown]}
            )
        return attrs


class LastRunSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    state = serializers.ChoiceField(JobRun.State.choices)
    created_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)


class JobWithLastRunSerializer(JobSerializer):
    """A job as GET /api/jobs/ lists it: with its newest run, annotated by jobs.api.jobs.with_last_run."""

    last_run = serializers.SerializerMethodField()

    class Meta(JobSerializer.Meta):
        fields = [*JobSerializer.Meta.fields, "last_run"]

    @extend_schema_field(LastRunSerializer(allow_null=True, help_text="The newest run; null when it never ran."))
    def get_last_run(self, job: Job) -> dict[str, Any] | None:
        values = {field: getattr(job, f"last_run_{field}") for field in ("id", "state", "created_at", "completed_at")}
        return None if values["id"] is None else dict(LastRunSerializer(values).data)


class JobVersionSerializer(serializers.ModelSerializer[JobVersion]):
    created_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = JobVersion
        fields = [
            "number", "name", "description", "graph", "default_parameters", "max_retries", "timeout_minutes",
            "max_concurrent_runs", "node_metrics", "tags", "created_at", "created_by",
        ]  # fmt: skip
        read_only_fields = fields
