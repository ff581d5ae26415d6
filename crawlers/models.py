"""Crawlers and their runs.

A Crawler is a definition (targets, exclusions, classifiers, policies); a CrawlerRun is one
crawl of it, with the plan of catalog changes it made (or, for a dry run, would make) and
the reason for each. Catalog rows are written only through catalog.services.
"""

from __future__ import annotations

from django.db import models


class UpdateBehavior(models.TextChoices):
    UPDATE_IN_DATABASE = "UPDATE_IN_DATABASE"
    LOG = "LOG"


class DeleteBehavior(models.TextChoices):
    DEPRECATE_IN_DATABASE = "DEPRECATE_IN_DATABASE"
    DELETE_FROM_DATABASE = "DELETE_FROM_DATABASE"
    LOG = "LOG"


class RecrawlBehavior(models.TextChoices):
    CRAWL_EVERYTHING = "CRAWL_EVERYTHING"
    CRAWL_NEW_FOLDERS_ONLY = "CRAWL_NEW_FOLDERS_ONLY"


class CrawlerState(models.TextChoices):
    READY = "READY"
    RUNNING = "RUNNING"
    STOPPING = "STOPPING"


class Crawler(models.Model):
    name = models.CharField(max_length=255, unique=True)
    description = models.TextField(blank=True, default="")
    # [{"path": "lake/sales" | "s3://bucket/prefix", "connection": "" | connection name}]
    targets = models.JSONField(default=list)
    exclusions = models.JSONField(default=list, blank=True)  # globs relative to each target
    database = models.CharField(max_length=255)  # the catalog database tables go to
    table_prefix = models.CharField(max_length=64, blank=True, default="")
    # Ordered custom classifiers, tried before the built-in ones: [{"name", "kind", ...options}]
    classifiers = models.JSONField(default=list, blank=True)
    sample_size = models.PositiveIntegerField(default=10)  # files read per leaf folder
    update_behavior = models.CharField(
        max_length=32, choices=UpdateBehavior.choices, default=UpdateBehavior.UPDATE_IN_DATABASE
    )
    delete_behavior = models.CharField(
        max_length=32, choices=DeleteBehavior.choices, default=DeleteBehavior.DEPRECATE_IN_DATABASE
    )
    recrawl_behavior = models.CharField(
        max_length=32, choices=RecrawlBehavior.choices, default=RecrawlBehavior.CRAWL_EVERYTHING
    )
    combine_compatible_schemas = models.BooleanField(default=False)
    table_level = models.PositiveSmallIntegerField(null=True, blank=True)  # 1 = the target folder itself
    table_threshold = models.PositiveIntegerField(null=True, blank=True)
    schedule = models.CharField(max_length=128, blank=True, default="")  # cron: minute hour day month weekday
    state = models.CharField(max_length=16, choices=CrawlerState.choices, default=CrawlerState.READY)
    # What earlier crawls learned: folders seen and the schema of each file read (path -> size,
    # mtime, schema), so a recrawl of an unchanged tree reads no file contents.
    memory = models.JSONField(default=dict, blank=True)
    created_by = models.CharField(max_length=255, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class CrawlerRunState(models.TextChoices):
    WAITING = "WAITING"
    RUNNING = "RUNNING"
    STOPPING = "STOPPING"
    STOPPED = "STOPPED"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"  # the crawl itself failed: fix the targets or the data
    ERROR = "ERROR"  # glueweb could not carry the crawl: its worker died (as for job runs, docs/runs.md)


FINISHED_STATES = (
    CrawlerRunState.STOPPED,
    CrawlerRunState.SUCCEEDED,
    CrawlerRunState.FAILED,
    CrawlerRunState.ERROR,
)


class CrawlerRun(models.Model):
    crawler = models.ForeignKey(Crawler, on_delete=models.CASCADE, related_name="runs")
    dry_run = models.BooleanField(default=False)
    state = models.CharField(max_length=16, choices=CrawlerRunState.choices, default=CrawlerRunState.WAITING)
    started_by = models.CharField(max_length=255, blank=True, default="")  # a user name, or "schedule"
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    files_total = models.PositiveIntegerField(default=0)
    files_scanned = models.PositiveIntegerField(default=0)  # files whose contents were read
    files_skipped = models.PositiveIntegerField(default=0)  # excluded, unchanged, or in folders seen before
    tables_created = models.PositiveIntegerField(default=0)
    tables_updated = models.PositiveIntegerField(default=0)
    tables_deprecated = models.PositiveIntegerField(default=0)
    tables_deleted = models.PositiveIntegerField(default=0)
    partitions_added = models.PositiveIntegerField(default=0)
    partitions_removed = models.PositiveIntegerField(default=0)
    # [{"action", "table", "applied", "reason", ...}]: what the crawl decided, and why.
    changes = models.JSONField(default=list, blank=True)
    tables = models.JSONField(default=list, blank=True)  # every table found, with why it exists
    file_errors = models.JSONField(default=list, blank=True)  # [{"path", "error"}]
    log = models.JSONField(default=list, blank=True)  # [{"at", "level", "message"}]
    error = models.TextField(blank=True, default="")
    # The worker carrying the run, and when it last said so (crawlers/reaper.py ends runs gone quiet).
    worker = models.CharField(max_length=255, blank=True, default="")
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-id",)

    def __str__(self) -> str:
        return f"{self.crawler_id} run {self.pk}: {self.state}"
