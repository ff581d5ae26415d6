"""Every page, API and document needs a signed-in user; roles decide what they may do."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.views import APIView

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/dashboard", "/catalog", "/jobs/42", "/runs", "/no/such/page"])
def test_an_anonymous_visit_to_any_page_is_sent_to_sign_in(client: Client, settings_frontend: Any, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(f"/accounts/login/?next={path}")


@pytest.mark.parametrize("path", ["/api/me", "/api/schema/", "/api/docs/", "/healthz"])
def test_an_anonymous_request_to_the_api_is_refused(path: str) -> None:
    response = APIClient().get(path)
    assert response.status_code in (401, 403)


def test_a_signed_in_user_gets_the_app_at_every_front_end_route(
    client: Client, make_user: Callable[..., User], settings_frontend: Any
) -> None:
    client.force_login(make_user("viewer"))
    for path in ["/", "/dashboard", "/catalog", "/crawlers", "/jobs", "/runs"]:
        response = client.get(path)
        assert response.status_code == 200
        assert b"<div id=root>" in response.content


def test_the_app_says_how_to_build_the_front_end_when_it_is_missing(
    client: Client, make_user: Callable[..., User], settings: Any, tmp_path: Any
) -> None:
    settings.FRONTEND_DIST = tmp_path / "nothing-here"
    client.force_login(make_user("viewer"))
    response = client.get("/dashboard")
    assert response.status_code == 503
    assert b"make run" in response.content


def test_signing_in_with_a_wrong_password_shows_an_error(client: Client, make_user: Callable[..., User]) -> None:
    make_user("viewer", username="ada", password="right-password-1")
    response = client.post("/accounts/login/", {"username": "ada", "password": "wrong"})
    assert response.status_code == 200
    assert b'data-testid="login-error"' in response.content


def test_signing_in_needs_the_csrf_token(make_user: Callable[..., User]) -> None:
    make_user("viewer", username="ada", password="right-password-1")
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/accounts/login/", {"username": "ada", "password": "right-password-1"})
    assert response.status_code == 403


def test_signing_in_and_out(client: Client, make_user: Callable[..., User], settings_frontend: Any) -> None:
    make_user("viewer", username="ada", password="right-password-1")
    response = client.post("/accounts/login/", {"username": "ada", "password": "right-password-1", "next": "/jobs"})
    assert response.status_code == 302 and response["Location"] == "/jobs"
    assert client.get("/jobs").status_code == 200
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert client.get("/jobs").status_code == 302


def test_signing_in_never_redirects_to_another_site(client: Client, make_user: Callable[..., User]) -> None:
    make_user("viewer", username="ada", password="right-password-1")
    response = client.post(
        "/accounts/login/", {"username": "ada", "password": "right-password-1", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_me_describes_the_user_their_roles_and_capabilities(make_user: Callable[..., User]) -> None:
    user = make_user("operator", username="olga")
    client = APIClient()
    client.force_authenticate(user)
    body = client.get("/api/me").json()
    assert body["username"] == "olga"
    assert body["roles"] == ["operator"]
    assert body["capabilities"] == {"view": True, "edit": False, "operate": True, "administer": False}


def test_a_superuser_holds_every_capability() -> None:
    admin = User.objects.create_superuser("root", password="x-long-password")
    client = APIClient()
    client.force_authenticate(admin)
    body = client.get("/api/me").json()
    assert body["roles"] == ["admin"]
    assert all(body["capabilities"].values())


def test_an_api_token_authenticates(make_user: Callable[..., User]) -> None:
    token = Token.objects.create(user=make_user("viewer", username="bot"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/me").json()["username"] == "bot"
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get("/api/me").status_code == 401


def test_the_role_groups_carry_their_capabilities(db: None) -> None:
    def caps(role: str) -> set[str]:
        return set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))

    assert caps("viewer") == {"view"}
    assert caps("editor") == {"view", "edit"}
    assert caps("operator") == {"view", "operate"}
    assert caps("admin") == {"view", "edit", "operate", "administer"}


class _Definitions(APIView):
    """A stand-in resource: reads need view, writes need edit, POST .../run needs operate."""

    capability_by_method = {"PUT": "operate"}

    def get(self, request: Request) -> Response:
        return Response({"ok": True})

    def post(self, request: Request) -> Response:
        return Response({"ok": True}, status=201)

    def put(self, request: Request) -> Response:
        return Response({"ok": True})


@pytest.mark.parametrize(
    ("role", "method", "allowed"),
    [
        ("viewer", "get", True),
        ("viewer", "post", False),
        ("viewer", "put", False),
        ("editor", "post", True),
        ("editor", "put", False),
        ("operator", "put", True),
        ("operator", "post", False),
        (None, "get", False),
        ("admin", "post", True),
    ],
)
def test_roles_decide_who_may_read_change_and_run(
    make_user: Callable[..., User], role: str | None, method: str, allowed: bool
) -> None:
    from rest_framework.test import force_authenticate

    request = getattr(APIRequestFactory(), method)("/x")
    force_authenticate(request, make_user(role))
    response = _Definitions.as_view()(request)
    assert (response.status_code < 400) is allowed
    if not allowed:
        assert response.status_code == 403
        assert "capability" in str(response.data["detail"])


def test_the_api_docs_load_their_assets_locally(make_user: Callable[..., User]) -> None:
    client = APIClient()
    client.force_authenticate(make_user("viewer"))
    html = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower()
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert "/api/me" in schema["paths"]
    assert "/api/diagnostics/ping/" in schema["paths"]


def test_the_app_page_sets_the_csrf_cookie_its_forms_need(
    client: Client, make_user: Callable[..., User], settings_frontend: Any
) -> None:
    client.force_login(make_user("viewer"))
    response = client.get("/dashboard")
    assert response.cookies["csrftoken"].value
