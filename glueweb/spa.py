"""Serves the single-page app's index.html at every front-end route, to signed-in users."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import ensure_csrf_cookie


@login_required
@ensure_csrf_cookie  # the app reads the csrftoken cookie for its POSTs and for signing out
def index(request: HttpRequest) -> HttpResponse:
    page = settings.FRONTEND_DIST / "index.html"
    try:
        html = page.read_text(encoding="utf-8")
    except FileNotFoundError:
        return HttpResponse(
            "The front end is not built: run `make run` (or `cd frontend && npm ci && npm run build`).",
            status=503,
            content_type="text/plain",
        )
    response = HttpResponse(html)
    # The page is tiny and changes with each build; assets have hashed names.
    response["Cache-Control"] = "no-cache"
    return response
