"""The data catalog: databases, tables and their versions, partitions, column statistics, connections.

Rows are written only by catalog.services; every change is one transaction.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Database(models.Model):
    name = models.CharField(max_length=255, unique=True)  # lower-case, checked by the services
    description = models.TextField(blank=True, default="")
    location_uri = models.CharField(max_length=1024, blank=True, default="")
    parameters = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class TableType(models.TextChoices):
    EXTERNAL_TABLE = "EXTERNAL_TABLE"
    VIEW = "VIEW"


class Table(models.Model):
    database = models.ForeignKey(Database, on_delete=models.CASCADE, related_name="tables")
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True, default="")
    table_type = models.CharField(max_length=32, choices=TableType.choices, default=TableType.EXTERNAL_TABLE)
    view_text = models.TextField(blank=True, default="")
    location = models.CharField(max_length=1024, blank=True, default="")
    classification = models.CharField(max_length=32, blank=True, default="")
    format_options = models.JSONField(default=dict, blank=True)
    # Ordered [{"name", "type", "comment"}] with canonical catalog types (catalog/types.py).
    columns = models.JSONField(default=list, blank=True)
    partition_keys = models.JSONField(default=list, blank=True)
    parameters = models.JSONField(default=dict, blank=True)
    owner = models.CharField(max_length=255, blank=True, default="")
    deprecated = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)  # number of the latest TableVersion
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("database_id", "name")
        constraints = [models.UniqueConstraint(fields=["database", "name"], name="catalog_table_unique_name")]

    def __str__(self) -> str:
        return f"{self.database.name}.{self.name}"


class SearchToken(models.Model):
    """One word a table can be found by, with what a match is worth; kept by the services.

    Words come from the table's name, its column and key names, comments, description,
    classification and parameters. A search term matches a word it equals or begins; the
    (token, table) index with text_pattern_ops serves that prefix match on PostgreSQL, so a
    search reads only the words that match instead of every table.
    """

    table = models.ForeignKey(Table, on_delete=models.CASCADE, related_name="search_tokens")
    token = models.CharField(max_length=255)
    weight = models.PositiveSmallIntegerField()  # when the term is the whole word
    prefix_weight = models.PositiveSmallIntegerField()  # when the term begins it

    class Meta:
        indexes = [
            models.Index(
                fields=["token", "table", "weight", "prefix_weight"],
                name="catalog_searchtoken_prefix",
                opclasses=["text_pattern_ops", "int8_ops", "int2_ops", "int2_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.token} -> {self.table_id}"


class ChangedByKind(models.TextChoices):
    USER = "user"
    CRAWLER_RUN = "crawler_run"
    JOB_RUN = "job_run"
    SYSTEM = "system"


class TableVersion(models.Model):
    """An immutable snapshot of a table's shape, written whenever schema, keys, location or format change."""

    table = models.ForeignKey(Table, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    table_type = models.CharField(max_length=32)
    columns = models.JSONField(default=list)
    partition_keys = models.JSONField(default=list)
    location = models.CharField(max_length=1024, blank=True, default="")
    classification = models.CharField(max_length=32, blank=True, default="")
    format_options = models.JSONField(default=dict)
    changed = models.JSONField(default=list)  # which of the tracked fields this version changed
    changed_by_kind = models.CharField(max_length=16, choices=ChangedByKind.choices)
    changed_by_id = models.CharField(max_length=64, blank=True, default="")
    changed_by_name = models.CharField(max_length=255, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("table_id", "-number")
        constraints = [models.UniqueConstraint(fields=["table", "number"], name="catalog_tableversion_unique")]

    def __str__(self) -> str:
        return f"{self.table_id} v{self.number}"


class Partition(models.Model):
    table = models.ForeignKey(Table, on_delete=models.CASCADE, related_name="partitions")
    values = models.JSONField()  # one string (or null) per partition key, in key order
    # The values as canonical JSON: what the uniqueness constraint compares.
    values_key = models.CharField(max_length=2000)
    location = models.CharField(max_length=1024, blank=True, default="")
    parameters = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("table_id", "id")
        constraints = [models.UniqueConstraint(fields=["table", "values_key"], name="catalog_partition_unique")]
        indexes = [models.Index(fields=["table", "id"], name="catalog_partition_table_id")]

    def __str__(self) -> str:
        return f"{self.table_id} {self.values_key}"


class StatisticsRunState(models.TextChoices):
    WAITING = "WAITING"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


class StatisticsRun(models.Model):
    """One request to compute column statistics; the Celery task reports into it."""

    table = models.ForeignKey(Table, on_delete=models.CASCADE, related_name="statistics_runs")
    partition = models.ForeignKey(Partition, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    columns = models.JSONField(default=list)  # empty: every column
    state = models.CharField(max_length=16, choices=StatisticsRunState.choices, default=StatisticsRunState.WAITING)
    error = models.TextField(blank=True, default="")
    requested_by = models.CharField(max_length=255, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"statistics {self.pk} of {self.table_id}: {self.state}"


class ColumnStatistics(models.Model):
    table = models.ForeignKey(Table, on_delete=models.CASCADE, related_name="column_statistics")
    partition = models.ForeignKey(
        Partition, on_delete=models.CASCADE, null=True, blank=True, related_name="column_statistics"
    )
    column_name = models.CharField(max_length=255)
    column_type = models.CharField(max_length=1024)
    row_count = models.BigIntegerField(default=0)
    null_count = models.BigIntegerField(null=True, blank=True)
    distinct_count = models.BigIntegerField(null=True, blank=True)
    min_value = models.TextField(null=True, blank=True)  # noqa: DJ001  (null: no value, "" is a value)
    max_value = models.TextField(null=True, blank=True)  # noqa: DJ001
    avg_length = models.FloatField(null=True, blank=True)
    max_length = models.BigIntegerField(null=True, blank=True)
    true_count = models.BigIntegerField(null=True, blank=True)
    false_count = models.BigIntegerField(null=True, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ("table_id", "partition_id", "id")
        constraints = [
            models.UniqueConstraint(
                fields=["table", "column_name"],
                condition=Q(partition__isnull=True),
                name="catalog_colstats_unique_table",
            ),
            models.UniqueConstraint(
                fields=["table", "partition", "column_name"],
                condition=Q(partition__isnull=False),
                name="catalog_colstats_unique_partition",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.table_id}.{self.column_name}"


class Connection(models.Model):
    name = models.CharField(max_length=255, unique=True)
    connection_type = models.CharField(max_length=32)
    description = models.TextField(blank=True, default="")
    properties = models.JSONField(default=dict, blank=True)  # never secret
    # Fernet token of a JSON object {field: value} (catalog/secrets.py); never leaves the server.
    secrets_encrypted = models.TextField(blank=True, default="")
    secret_fields_set = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name
