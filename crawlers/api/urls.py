"""crawler API routes, mounted under /api/ by glueweb/urls.py."""

from django.urls import URLPattern, URLResolver, path

from crawlers.api import crawlers

C = "crawlers/<str:name>/"

urlpatterns: list[URLPattern | URLResolver] = [
    path("crawlers/", crawlers.CrawlerListView.as_view(), name="crawlers"),
    path("crawlers/classifiers/", crawlers.ClassifiersView.as_view(), name="crawler-classifiers"),
    path("crawlers/browse/", crawlers.BrowseView.as_view(), name="crawler-browse"),
    path(C, crawlers.CrawlerDetailView.as_view(), name="crawler"),
    path(C + "start/", crawlers.CrawlerStartView.as_view(), name="crawler-start"),
    path(C + "stop/", crawlers.CrawlerStopView.as_view(), name="crawler-stop"),
    path(C + "dry-run/", crawlers.CrawlerDryRunView.as_view(), name="crawler-dry-run"),
    path(C + "runs/", crawlers.CrawlerRunListView.as_view(), name="crawler-runs"),
    path(C + "runs/<int:run_id>/", crawlers.CrawlerRunDetailView.as_view(), name="crawler-run"),
]
