"""catalog API routes, mounted under /api/ by glueweb/urls.py."""

from django.urls import URLPattern, URLResolver, path

from catalog.api import connections, data, databases, partitions, search, tables

T = "catalog/databases/<str:database>/tables/<str:table>/"

urlpatterns: list[URLPattern | URLResolver] = [
    path("catalog/databases/", databases.DatabaseListView.as_view(), name="catalog-databases"),
    path("catalog/databases/<str:database>/", databases.DatabaseDetailView.as_view(), name="catalog-database"),
    path("catalog/databases/<str:database>/tables/", tables.TableListView.as_view(), name="catalog-tables"),
    path(T, tables.TableDetailView.as_view(), name="catalog-table"),
    path(T + "versions/", tables.TableVersionListView.as_view(), name="catalog-table-versions"),
    path(T + "versions/diff/", tables.TableVersionDiffView.as_view(), name="catalog-table-version-diff"),
    path(T + "versions/<int:number>/", tables.TableVersionDetailView.as_view(), name="catalog-table-version"),
    path(T + "partitions/", partitions.PartitionListView.as_view(), name="catalog-partitions"),
    path(
        T + "partitions/batch-create/",
        partitions.PartitionBatchCreateView.as_view(),
        name="catalog-partitions-batch-create",
    ),
    path(
        T + "partitions/batch-delete/",
        partitions.PartitionBatchDeleteView.as_view(),
        name="catalog-partitions-batch-delete",
    ),
    path(T + "partitions/<int:partition_id>/", partitions.PartitionDetailView.as_view(), name="catalog-partition"),
    path(T + "preview/", data.TablePreviewView.as_view(), name="catalog-table-preview"),
    path(T + "statistics/", data.ColumnStatisticsView.as_view(), name="catalog-table-statistics"),
    path(T + "statistics/compute/", data.ComputeStatisticsView.as_view(), name="catalog-table-statistics-compute"),
    path(T + "statistics/runs/<int:run_id>/", data.StatisticsRunView.as_view(), name="catalog-table-statistics-run"),
    path("catalog/search/", search.SearchView.as_view(), name="catalog-search"),
    path("catalog/connection-types/", connections.ConnectionTypesView.as_view(), name="catalog-connection-types"),
    path("catalog/connections/", connections.ConnectionListView.as_view(), name="catalog-connections"),
    path("catalog/connections/<str:name>/", connections.ConnectionDetailView.as_view(), name="catalog-connection"),
    path(
        "catalog/connections/<str:name>/test/", connections.ConnectionTestView.as_view(), name="catalog-connection-test"
    ),
]
