"""Security headers and request checks that every page gets."""

import pytest
from csp.decorators import csp_replace
from csp.exceptions import CSPNonceError
from csp.utils import build_policy
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import reverse

from config.middleware import ContentSecurityPolicyMiddleware
from tests.test_settings import PRODUCTION, run_manage

pytestmark = pytest.mark.django_db


def test_pages_send_a_strict_content_security_policy(client):
    policy = client.get(reverse("home")).headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    for directive in ["script-src", "style-src"]:
        # Inline code runs only with the page's nonce (added when a page uses one), never freely.
        assert "'unsafe-inline'" not in directives[directive]
        assert directives[directive].startswith("'self'")
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"


def served(middleware: ContentSecurityPolicyMiddleware, view) -> tuple[HttpRequest, HttpResponse]:
    request = RequestFactory().get("/")
    middleware.process_request(request)
    return request, middleware.process_response(request, view(request))


def page_with_a_nonce(request: HttpRequest) -> HttpResponse:
    return HttpResponse(str(request.csp_nonce))


def page_without_a_nonce(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


def test_the_policy_built_once_is_django_csps_own_with_each_pages_nonce():
    middleware = ContentSecurityPolicyMiddleware(page_with_a_nonce)
    nonces = set()
    for _ in range(2):
        _request, response = served(middleware, page_with_a_nonce)
        nonce = response.content.decode()
        assert response.headers["Content-Security-Policy"] == build_policy(nonce=nonce)
        nonces.add(nonce)
    assert len(nonces) == 2


def test_a_page_without_a_nonce_gets_the_policy_without_one_and_cannot_ask_for_one_after():
    middleware = ContentSecurityPolicyMiddleware(page_without_a_nonce)
    for _ in range(2):
        request, response = served(middleware, page_without_a_nonce)
        assert response.headers["Content-Security-Policy"] == build_policy()
        assert "nonce-" not in response.headers["Content-Security-Policy"]
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)


def test_the_policy_built_once_follows_a_changed_setting():
    middleware = ContentSecurityPolicyMiddleware(page_without_a_nonce)
    served(middleware, page_without_a_nonce)
    with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"default-src": ["'none'"]}}):
        _request, response = served(middleware, page_without_a_nonce)
    assert response.headers["Content-Security-Policy"] == "default-src 'none'"


def test_a_view_that_changes_the_policy_gets_its_own():
    view = csp_replace({"frame-ancestors": ["*"]})(page_without_a_nonce)
    middleware = ContentSecurityPolicyMiddleware(view)
    served(middleware, page_without_a_nonce)
    _request, response = served(middleware, view)
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]


def test_pages_send_the_privacy_and_hardening_headers(client):
    headers = client.get(reverse("home")).headers
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    permissions = headers["Permissions-Policy"]
    for feature in ["camera=()", "microphone=()", "geolocation=()", "browsing-topics=()"]:
        assert feature in permissions


def test_unknown_host_headers_are_refused(client):
    response = client.get(reverse("home"), HTTP_HOST="evil.example")
    assert response.status_code == 400


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_login_never_redirects_off_the_site(client, user, target):
    response = client.post(
        reverse("account_login") + f"?next={target}",
        {"login": user.email, "password": "a-long-test-password"},
    )
    assert response.status_code == 302
    assert response.url.startswith("/") and not response.url.startswith("//")
    assert "evil.example" not in response.url and "javascript" not in response.url


def test_login_follows_a_next_on_this_site(client, user):
    response = client.post(
        reverse("account_login") + "?next=/privacy/",
        {"login": user.email, "password": "a-long-test-password"},
    )
    assert response.url == "/privacy/"


def test_production_cookies_are_secure_httponly_and_same_site():
    code = (
        "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, s.SECURE_HSTS_SECONDS)"
    )
    output = run_manage("shell", "--no-imports", "-c", code, **PRODUCTION).stdout.split()
    assert output == ["True", "True", "True", "True", "Lax", "31536000"]
