"""Runs out of the API (docs/runs.md "What a run records"), and the start request in."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from jobs.api.job_serializers import MAX_TIMEOUT_MINUTES
from jobs.models import JobRun, NodeRun


class NodeRunSerializer(serializers.ModelSerializer[NodeRun]):
    class Meta:
        model = NodeRun
        fields = [
            "node", "type", "state", "rows_out", "rows_out_by_port", "started_at", "completed_at", "duration_ms",
            "rows_note", "error",
        ]  # fmt: skip
        read_only_fields = fields


class RunSerializer(serializers.ModelSerializer[JobRun]):
    job_name = serializers.CharField(source="job.name", read_only=True)
    job_version = serializers.IntegerField(source="job_version.number", read_only=True)
    waiting_seconds = serializers.FloatField(read_only=True)
    execution_seconds = serializers.FloatField(read_only=True)

    class Meta:
        model = JobRun
        fields = [
            "id", "job", "job_name", "job_version", "parameters", "attempt", "previous_run", "started_by",
            "trigger", "state", "timeout_minutes", "created_at", "started_at", "completed_at", "waiting_seconds",
            "execution_seconds", "worker", "error", "rows_out",
        ]  # fmt: skip
        read_only_fields = fields


class RunDetailSerializer(RunSerializer):
    nodes = NodeRunSerializer(many=True, read_only=True)

    class Meta(RunSerializer.Meta):
        fields = [*RunSerializer.Meta.fields, "outputs", "nodes"]
        read_only_fields = fields


class StartSerializer(serializers.Serializer[Any]):
    parameters = serializers.DictField(required=False, default=dict)
    timeout_minutes = serializers.FloatField(required=False, min_value=0.01, max_value=MAX_TIMEOUT_MINUTES)
