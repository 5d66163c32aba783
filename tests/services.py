"""Fixtures that start the real parts: an SMTP server, a Celery worker process, a browser.

On a bare machine a test that needs a missing service is skipped with the reason; with
CONSULT_REQUIRE_SERVICES=1 (set by .ci/run) it fails instead.
"""

import email
import email.policy
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from bench.services import free_port, wait_until
from config import celery_app

# CI sets this so that a test whose service is missing fails instead of being skipped.
REQUIRE_SERVICES = os.environ.get("CONSULT_REQUIRE_SERVICES") == "1"


def require(available: bool, reason: str) -> None:
    """Skip (on a bare machine) or fail (in CI) a test whose service is not there."""
    if available:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (CONSULT_REQUIRE_SERVICES=1 forbids skipping)")
    pytest.skip(reason)


ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")


class SMTPSink:
    """An aiosmtpd handler that keeps every message; `reply` makes it refuse mail (e.g. '451 ...')."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.reply: str | None = None
        self.delay = 0.0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.delay:
            import asyncio

            await asyncio.sleep(self.delay)
        if self.reply:
            return self.reply
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted"

    def wait_for(self, count: int, timeout: float = 30) -> list:
        """Wait until at least `count` messages arrived; return them all."""
        wait_until(lambda: len(self.messages) >= count, timeout)
        return list(self.messages)


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback; Django's email settings point at it."""
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command.
    sink = SMTPSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    sink.port = port
    yield sink
    controller.stop()


class ServiceProcess:
    """A subprocess of the project (worker, web server) in its own session, logged to var/."""

    start_timeout = 60.0

    def __init__(self, environment: dict, name: str) -> None:
        self.environment = environment
        self.process: subprocess.Popen | None = None
        self.log = ROOT / "var" / "test-logs" / f"{name}.log"
        self.log.parent.mkdir(parents=True, exist_ok=True)

    def command(self) -> list[str]:
        raise NotImplementedError

    def is_ready(self) -> bool:
        raise NotImplementedError

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                self.command(),
                cwd=ROOT,
                env=self.environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        if not wait_until(self.is_ready, timeout=self.start_timeout, interval=0.2):
            self.stop()
            raise RuntimeError(f"{type(self).__name__} did not start; see {self.log}")

    def kill(self) -> None:
        """SIGKILL the process and its children at once, as a crash would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


class WorkerProcess(ServiceProcess):
    """A `celery worker` subprocess consuming a queue of its own, against the test database."""

    def __init__(self, environment: dict, queue: str) -> None:
        super().__init__(environment, queue)
        self.queue = queue
        self.name = f"{queue}@localhost"

    def command(self) -> list[str]:
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel=INFO"]
        command += ["--pool=prefork", "--concurrency=2", "-Q", self.queue, "-n", self.name]
        return [*command, "--without-gossip", "--without-mingle", "--without-heartbeat"]

    def is_ready(self) -> bool:
        return bool(celery_app.control.ping(destination=[self.name], timeout=0.5))

    def restart(self) -> None:
        self.kill()
        self.start()


def test_database_url() -> str:
    settings_dict = connection.settings_dict
    user = settings_dict["USER"] or "postgres"
    host = settings_dict["HOST"] or "127.0.0.1"
    port = settings_dict["PORT"] or 5432
    return f"postgres://{user}@{host}:{port}/{settings_dict['NAME']}"


test_database_url.__test__ = False  # Not a test, whatever pytest thinks of its name.


@pytest.fixture
def celery_worker(transactional_db, smtp_server, settings):
    """A real worker process. Tasks queued by the test go to it through the real broker."""
    broker = os.environ.get("CELERY_BROKER_URL", "")
    require(broker.startswith("redis://"), "needs a Redis broker (CELERY_BROKER_URL=redis://...)")
    require(connection.vendor == "postgresql", "needs PostgreSQL, which the worker process shares")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    environment = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": test_database_url(),
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}",
        "SITE_URL": settings.SITE_URL,
    }
    previous_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    worker = WorkerProcess(environment, queue)
    worker.start()
    yield worker
    worker.stop()
    celery_app.conf.task_default_queue = previous_queue


@pytest.fixture(scope="session")
def browser():
    require(CHROMIUM.exists(), "needs Debian's Chromium (/usr/bin/chromium)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # around it are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    )
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def page(browser):
    """A fresh browser page (own cookies). `page.requested_urls` lists every URL it asked for."""
    context = browser.new_context()
    new_page = context.new_page()
    new_page.set_default_timeout(15_000)
    new_page.requested_urls = []
    new_page.on("request", lambda request: new_page.requested_urls.append(request.url))
    yield new_page
    context.close()


class WebServer(ServiceProcess):
    """gunicorn serving the site from a subprocess, as in production, against the test database."""

    def __init__(self, environment: dict) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        super().__init__(environment, f"gunicorn-{self.port}")

    def command(self) -> list[str]:
        # The production configuration, with its access log (redacted) going to this process's log.
        command = [sys.executable, "-m", "gunicorn", "config.wsgi", "-c", "config/gunicorn.py"]
        command += ["--bind", f"127.0.0.1:{self.port}", "--access-logfile", "-"]
        return [*command, "--workers", "2", "--timeout", "60", "--no-control-socket"]

    def is_ready(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False

    def get(self, path: str, timeout: float = 60) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()


@pytest.fixture
def web_server(transactional_db, settings):
    """The site under gunicorn with production settings, sharing the test's PostgreSQL database."""
    yield from serve_site()


@pytest.fixture
def web_server_with_redis(transactional_db, settings):
    """`web_server`, also using the real Redis named in the environment as its cache and broker."""
    redis_url = os.environ.get("REDIS_URL", "")
    broker = os.environ.get("CELERY_BROKER_URL", "")
    require(redis_url.startswith("redis://"), "needs Redis as the cache (REDIS_URL=redis://...)")
    require(broker.startswith("redis://"), "needs a Redis broker (CELERY_BROKER_URL=redis://...)")
    yield from serve_site({"REDIS_URL": redis_url, "CELERY_BROKER_URL": broker})


def serve_site(extra_environment: dict | None = None):
    require(connection.vendor == "postgresql", "needs PostgreSQL, which the web server process shares")
    environment = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "test-only-key-for-the-gunicorn-process-0123456789abcdef",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "EMAIL_URL": "dummymail://",
        "DATABASE_URL": test_database_url(),
        "SITE_URL": "http://127.0.0.1",
        **(extra_environment or {}),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=environment,
        check=True,
    )
    server = WebServer(environment)
    server.start()
    yield server
    server.stop()
