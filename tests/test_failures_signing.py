"""Signing against failing parts: Redis stopped, SMTP slow, two reconciliations at once.

Each test breaks a real service (or races real PostgreSQL transactions) and checks that the
promise in PRODUCT.md held: signing answers, nothing is lost, nothing is sent twice, counts exact.
"""

import re
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from consult.emails import send_outbound_email, send_unsent_emails
from consult.models import OutboundEmail, SignAttempt, Signature, SignatureCounter
from consult.signing import carry_out_waiting_attempts
from tests.factories import SignatureFactory, StatementFactory
from tests.services import require, wait_until

pytestmark = pytest.mark.services

REDIS_PING = ["redis-cli", "-h", "127.0.0.1", "-p", "6379", "ping"]
REDIS_START = (
    'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no '
    "--dir /var/lib/redis --logfile /var/log/redis/ci.log"
)


def redis_answers() -> bool:
    result = subprocess.run(REDIS_PING, capture_output=True, text=True, check=False)
    return result.stdout.strip() == "PONG"


@contextmanager
def redis_stopped():
    """Stop the real Redis for the body of the `with`, and always start it again."""
    require(bool(shutil.which("redis-server")) and redis_answers(), "needs a local Redis to stop")
    subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", "6379", "shutdown", "nosave"], check=False)
    try:
        assert wait_until(lambda: not redis_answers(), timeout=10)
        yield
    finally:
        subprocess.run("mkdir -p /var/lib/redis /var/log/redis && " + REDIS_START, shell=True, check=True)
        assert wait_until(redis_answers, timeout=30, interval=0.2)


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def request(url: str, data: dict | None = None, cookie: str = "") -> tuple[int, dict, str]:
    """One request without following redirects: status, headers and body."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    headers = {"Cookie": cookie} if cookie else {}
    opener = urllib.request.build_opener(NoRedirects)
    try:
        with opener.open(urllib.request.Request(url, data=body, headers=headers), timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def sign_form_fields(page: str) -> dict:
    """The hidden inputs of the sign form (CSRF and timing tokens) as a browser would send them."""
    form = page[page.index('id="sign"') :]
    form = form[: form.index("</form>")]
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))


def test_signing_answers_fast_and_its_email_goes_out_once_redis_is_back(web_server_with_redis, smtp_server):
    statement = StatementFactory()
    page_path = statement.get_absolute_url()
    with redis_stopped():
        status, headers, page = request(web_server_with_redis.url + page_path + "sign/")
        assert status == 200
        csrf_cookie = re.search(r"csrftoken=([^;]+)", headers["Set-Cookie"]).group(1)
        fields = sign_form_fields(page)
        assert "csrfmiddlewaretoken" in fields and "started" in fields
        time.sleep(2.1)  # A person takes a moment to fill in the form.
        started = time.monotonic()
        status, headers, _body = request(
            web_server_with_redis.url + f"{page_path}sign/",
            {**fields, "name": "Jo Bloggs", "email": "jo.redis@example.org", "postcode": "", "website": ""},
            cookie=f"csrftoken={csrf_cookie}",
        )
        elapsed = time.monotonic() - started
        assert status == 302 and headers["Location"].endswith(f"{page_path}sign/check-email/")
        assert elapsed < 2, f"signing took {elapsed:.2f}s with Redis down"
        # Nothing is lost: the attempt waits for a task that can act on it.
        assert SignAttempt.objects.count() == 1 and not Signature.objects.exists()
        assert request(web_server_with_redis.url + headers["Location"])[0] == 200
        # Pages that read the cache fall back to the database rather than fail.
        for path in (
            f"/api/v1/statements/{statement.slug}/",
            f"/embed/statements/{statement.slug}/",
            f"/embed/statements/{statement.slug}/badge.svg",
        ):
            assert request(web_server_with_redis.url + path)[0] == 200

    # Redis is back: the periodic sweep (older than a minute) acts on the attempt, once; the
    # signature it makes queues its email, which goes once.
    SignAttempt.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    assert carry_out_waiting_attempts() == 1
    assert carry_out_waiting_attempts() == 0
    signature = Signature.objects.get(statement=statement)
    assert signature.state == Signature.State.PENDING and signature.hold == Signature.Hold.NONE
    send_unsent_emails()
    messages = smtp_server.wait_for(1, timeout=10)
    assert OutboundEmail.objects.get(signature=signature).sent_at is not None
    assert len(messages) == 1 and "jo.redis@example.org" in messages[0]["To"]
    assert "/signatures/confirm/" in messages[0].get_body(("plain",)).get_content()


def test_two_reconciliations_at_once_while_people_confirm_keep_counts_exact(transactional_db):
    require(connection.vendor == "postgresql", "needs PostgreSQL's row locks")
    statement = StatementFactory()
    signatures = [SignatureFactory(statement=statement) for _ in range(40)]
    SignatureCounter.ensure_rows(statement.pk)
    SignatureCounter.objects.filter(statement=statement, shard=3).update(count=7)  # Drift to correct.
    start = threading.Barrier(6)
    errors: list[BaseException] = []

    def in_thread(work):
        def run():
            try:
                start.wait()
                work()
            except BaseException as error:  # Reported by the main thread below.
                errors.append(error)
            finally:
                close_old_connections()
                connection.close()

        return threading.Thread(target=run)

    def confirm(batch):
        return lambda: [Signature.objects.get(pk=each.pk).confirm() for each in batch]

    def reconcile():
        for _ in range(10):
            SignatureCounter.reconcile(statement.pk)

    threads = [in_thread(confirm(signatures[offset::4])) for offset in range(4)]
    threads += [in_thread(reconcile), in_thread(reconcile)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert statement.counts().total == 40
    assert SignatureCounter.reconcile(statement.pk) == 0
    assert statement.counts().total == 40


def test_slow_smtp_server_fails_the_attempt_and_a_later_sweep_sends_once(db, smtp_server, settings):
    settings.EMAIL_TIMEOUT = 1
    smtp_server.delay = 2.5
    signature = SignatureFactory(email="slow@example.org")
    outbound = OutboundEmail.objects.create(signature=signature, kind=OutboundEmail.Kind.CONFIRM)
    assert send_outbound_email(outbound.pk) is False  # Timed out: recorded, to be tried again.
    outbound.refresh_from_db()
    assert outbound.sent_at is None and outbound.attempts == 1 and "timed out" in outbound.last_error

    smtp_server.delay = 0
    time.sleep(3)  # Let the slow server finish with the abandoned message, if it would keep it.
    assert send_unsent_emails() == 0  # Its last attempt was a moment ago: the sweep waits.
    OutboundEmail.objects.filter(pk=outbound.pk).update(
        created_at=timezone.now() - timedelta(minutes=20), next_attempt_at=timezone.now()
    )
    assert send_unsent_emails() == 1
    assert send_unsent_emails() == 0
    time.sleep(0.5)
    messages = smtp_server.wait_for(1, timeout=10)
    assert [message["To"] for message in messages] == ["slow@example.org"]
    outbound.refresh_from_db()
    assert outbound.sent_at is not None and outbound.attempts == 2


def test_a_confirmation_email_goes_out_while_others_sign_the_same_statement(transactional_db, mailoutbox):
    """A signing in progress holds a lock on its statement's row: delivery must not skip for it."""
    from django.db import transaction

    require(connection.vendor == "postgresql", "needs PostgreSQL's row locks")
    signature = SignatureFactory()
    outbound = OutboundEmail.objects.create(signature=signature, kind=OutboundEmail.Kind.CONFIRM)
    locked, release = threading.Event(), threading.Event()

    def sign_in_progress() -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                # The lock inserting a signature takes on its statement (the foreign key's check).
                cursor.execute(
                    "SELECT 1 FROM consult_statement WHERE id = %s FOR KEY SHARE", [signature.statement_id]
                )
                locked.set()
                release.wait(timeout=10)
        finally:
            connection.close()

    other = threading.Thread(target=sign_in_progress)
    other.start()
    try:
        assert locked.wait(timeout=10)
        assert send_outbound_email(outbound.pk) is True
    finally:
        release.set()
        other.join(timeout=10)
    assert [message.to for message in mailoutbox] == [[signature.email]]


def test_a_confirmation_link_works_the_moment_its_email_leaves(transactional_db, monkeypatch):
    """The email's tokens are committed before it is sent: a link followed at once is found."""
    from django.core.mail.backends.locmem import EmailBackend

    from consult.models import SignatureToken

    require(connection.vendor == "postgresql", "needs PostgreSQL's transactions")
    signature = SignatureFactory()
    outbound = OutboundEmail.objects.create(signature=signature, kind=OutboundEmail.Kind.CONFIRM)
    found: list[bool] = []

    def send_and_follow_at_once(backend, messages) -> int:
        token = re.search(r"/signatures/confirm/([^/\s]+)/", messages[0].body).group(1)

        def follow() -> None:  # Another connection, as the web server's would be.
            try:
                found.append(SignatureToken.find(token, SignatureToken.Purpose.CONFIRM) is not None)
            finally:
                connection.close()

        other = threading.Thread(target=follow)
        other.start()
        other.join(timeout=10)
        return 1

    monkeypatch.setattr(EmailBackend, "send_messages", send_and_follow_at_once)
    assert send_outbound_email(outbound.pk) is True
    assert found == [True]
