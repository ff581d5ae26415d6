from django.urls import path

from glueweb.api.diagnostics import PingView
from glueweb.api.me import MeView

urlpatterns = [
    path("me", MeView.as_view(), name="api-me"),
    path("diagnostics/ping/", PingView.as_view(), name="api-diagnostics-ping"),
]
