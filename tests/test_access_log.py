"""gunicorn's access log, as production runs it (config/gunicorn.py), holds no token and no email."""

import urllib.error
import urllib.request

import pytest

from consult.emails import unsubscribe_token
from consult.models.signing import SignatureToken
from tests.factories import SignatureFactory, StatementFactory
from tests.services import wait_until

pytestmark = pytest.mark.services

EMAIL = "jo.private+tag@example.org"


def request(url: str, **headers) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_access_log_redacts_tokens_and_emails(web_server, settings):
    settings.SECRET_KEY = web_server.environment["SECRET_KEY"]  # Unsubscribe links are signed with it.
    signature = SignatureFactory(statement=StatementFactory(), email=EMAIL, email_normalised=EMAIL)
    confirm = SignatureToken.issue(signature, SignatureToken.Purpose.CONFIRM)
    manage = SignatureToken.issue(signature, SignatureToken.Purpose.MANAGE)
    unsubscribe = unsubscribe_token(signature)
    site = web_server.url
    start = web_server.log.stat().st_size  # The log file is appended to: read only this test's lines.
    visits = {
        f"/signatures/confirm/{confirm}/": "/signatures/confirm/[token]/",
        f"/signatures/{manage}/": "/signatures/[token]/",
        f"/signatures/{manage}/data/": "/signatures/[token]/data/",
        f"/unsubscribe/{unsubscribe}/": "/unsubscribe/[token]/",
        "/signatures/resend/?email=jo.private%2Btag%40example.org": "/signatures/resend/?email=[email]",
    }
    for path in visits:
        assert request(site + path) == 200, path
    # A page opened from a manage link sends that link as its referrer.
    assert request(f"{site}/privacy/?from={EMAIL}", Referer=f"{site}/signatures/{manage}/") == 200

    def logged() -> str:
        return web_server.log.read_bytes()[start:].decode(errors="replace")

    assert wait_until(lambda: "/privacy/" in logged(), timeout=10), "gunicorn wrote no access log"
    log = logged()
    for shown in visits.values():
        assert f'"GET {shown} HTTP/1.1" 200' in log
    assert '"GET /privacy/?from=[email] HTTP/1.1" 200' in log
    assert f'"{site}/signatures/[token]/"' in log  # The referrer, redacted.
    for secret in (confirm, manage, unsubscribe, EMAIL, "jo.private", "jo.private%2Btag%40example.org"):
        assert secret not in log
