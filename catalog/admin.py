from django.contrib import admin

from catalog.models import ColumnStatistics, Connection, Database, Partition, Table, TableVersion


# Read-only: the services are the only writers (versions, search text and secrets stay consistent).
class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Database)
class DatabaseAdmin(ReadOnlyAdmin):
    list_display = ("name", "location_uri", "created_at")
    search_fields = ("name",)


@admin.register(Table)
class TableAdmin(ReadOnlyAdmin):
    list_display = ("name", "database", "classification", "version", "deprecated", "updated_at")
    list_filter = ("classification", "deprecated")
    search_fields = ("name",)


@admin.register(TableVersion)
class TableVersionAdmin(ReadOnlyAdmin):
    list_display = ("table", "number", "changed_by_kind", "changed_by_name", "created_at")


@admin.register(Partition)
class PartitionAdmin(ReadOnlyAdmin):
    list_display = ("table", "values_key", "location", "created_at")


@admin.register(ColumnStatistics)
class ColumnStatisticsAdmin(ReadOnlyAdmin):
    list_display = ("table", "partition", "column_name", "null_count", "distinct_count", "computed_at")


@admin.register(Connection)
class ConnectionAdmin(ReadOnlyAdmin):
    list_display = ("name", "connection_type", "updated_at")
    exclude = ("secrets_encrypted",)
