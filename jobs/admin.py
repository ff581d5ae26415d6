from __future__ import annotations

from django.contrib import admin

from jobs.models import Job, JobRun, JobVersion, NodeRun


class NodeRunInline(admin.TabularInline):
    model = NodeRun
    extra = 0
    can_delete = False
    fields = ("node", "type", "state", "rows_out", "duration_ms", "started_at", "completed_at", "error")
    readonly_fields = fields


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    # Jobs are saved through the API (jobs.runs.jobs.save_job records versions); the admin only reads.
    list_display = ["name", "version", "max_concurrent_runs", "max_retries", "timeout_minutes", "updated_at"]
    search_fields = ["name", "description"]
    readonly_fields = ["version", "created_at", "updated_at"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(JobVersion)
class JobVersionAdmin(admin.ModelAdmin):
    list_display = ["job", "number", "created_at", "created_by"]
    list_filter = ["job"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = ["id", "job", "state", "attempt", "trigger", "created_at", "completed_at", "worker"]
    list_filter = ["state", "trigger", "job"]
    inlines = [NodeRunInline]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
