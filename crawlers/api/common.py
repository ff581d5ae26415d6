"""What the crawler API modules share: lookups, JSON shapes, the permission for previews."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission

from crawlers.models import Crawler, CrawlerRun
from glueweb.roles import has_capability

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView


def iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def get_crawler(name: str) -> Crawler:
    crawler = Crawler.objects.filter(name=name.lower()).first()
    if crawler is None:
        raise NotFound(f'no crawler named "{name}"')
    return crawler


def crawler_json(crawler: Crawler, last_run: CrawlerRun | None = None) -> dict[str, Any]:
    return {
        "name": crawler.name,
        "description": crawler.description,
        "targets": crawler.targets,
        "exclusions": crawler.exclusions,
        "database": crawler.database,
        "table_prefix": crawler.table_prefix,
        "classifiers": crawler.classifiers,
        "sample_size": crawler.sample_size,
        "update_behavior": crawler.update_behavior,
        "delete_behavior": crawler.delete_behavior,
        "recrawl_behavior": crawler.recrawl_behavior,
        "combine_compatible_schemas": crawler.combine_compatible_schemas,
        "table_level": crawler.table_level,
        "table_threshold": crawler.table_threshold,
        "schedule": crawler.schedule,
        "state": crawler.state,
        "created_by": crawler.created_by,
        "created_at": iso(crawler.created_at),
        "updated_at": iso(crawler.updated_at),
        "last_run": run_summary(last_run) if last_run else None,
    }


def run_summary(run: CrawlerRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "crawler": run.crawler.name,
        "dry_run": run.dry_run,
        "state": run.state,
        "started_by": run.started_by,
        "created_at": iso(run.created_at),
        "started_at": iso(run.started_at),
        "ended_at": iso(run.ended_at),
        "files_total": run.files_total,
        "files_scanned": run.files_scanned,
        "files_skipped": run.files_skipped,
        "tables_created": run.tables_created,
        "tables_updated": run.tables_updated,
        "tables_deprecated": run.tables_deprecated,
        "tables_deleted": run.tables_deleted,
        "partitions_added": run.partitions_added,
        "partitions_removed": run.partitions_removed,
        "error": run.error,
    }


def run_detail(run: CrawlerRun) -> dict[str, Any]:
    return {
        **run_summary(run),
        "changes": run.changes,
        "tables": run.tables,
        "file_errors": run.file_errors,
        "log": run.log,
    }


class CanPreview(BasePermission):
    """A dry run changes nothing: editors (who design crawlers) and operators (who run them) may."""

    message = "A dry run needs the 'edit' or 'operate' capability."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return has_capability(request.user, "edit") or has_capability(request.user, "operate")
