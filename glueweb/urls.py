from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from glueweb import spa
from glueweb.health import HealthView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include("glueweb.api.urls")),
    path("api/", include("catalog.api.urls")),
    path("api/", include("jobs.api.urls")),
    path("api/", include("crawlers.api.urls")),
    path("healthz", HealthView.as_view(), name="healthz"),
    # Everything else is a front-end route, answered with the app's index.html.
    re_path(r"^(?!api/|static/|ws/|admin/|accounts/|healthz).*$", spa.index, name="spa"),
]
