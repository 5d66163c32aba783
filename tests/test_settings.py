"""The settings module, run in a fresh process with the environment an operator would give it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-production-secret-key-of-sufficient-length-and-randomness-0123456789",
    "ALLOWED_HOSTS": "consult.example.org",
    "SITE_URL": "https://consult.example.org",
    "EMAIL_URL": "smtp://mail.example.org:587",
}


def run_manage(*args: str, **environment: str) -> subprocess.CompletedProcess:
    keep = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "LANG"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**keep, **environment},
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_value(name: str, **environment: str) -> str:
    code = f"from django.conf import settings; print(settings.{name})"
    return run_manage("shell", "--no-imports", "-c", code, **environment).stdout.strip()


def test_check_deploy_is_clean_under_production_variables():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_secret_key_is_required_when_debug_is_off():
    environment = {key: value for key, value in PRODUCTION.items() if key != "SECRET_KEY"}
    result = run_manage("check", **environment)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_email_url_is_required_when_debug_is_off():
    environment = {key: value for key, value in PRODUCTION.items() if key != "EMAIL_URL"}
    result = run_manage("check", **environment)
    assert result.returncode != 0
    assert "EMAIL_URL must be set" in result.stderr


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("DATABASES['default']['ENGINE']", "django.db.backends.sqlite3"),
        ("CACHES['default']['BACKEND']", "django.core.cache.backends.locmem.LocMemCache"),
        ("CELERY_TASK_ALWAYS_EAGER", "True"),
        ("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"),
        ("SECURE_SSL_REDIRECT", "False"),
        ("SIGN_RATE_LIMIT", "10/h"),
        ("SITE_URL", "http://127.0.0.1:8000"),
    ],
)
def test_embedded_defaults_need_no_service(name, expected):
    assert settings_value(name, DEBUG="1") == expected


def test_services_are_read_from_the_environment():
    environment = {
        **PRODUCTION,
        "DATABASE_URL": "postgres://user@db.example.org:5432/consult",
        "REDIS_URL": "redis://cache.example.org:6379/0",
        "CELERY_BROKER_URL": "redis://cache.example.org:6379/1",
        "SECURE_SSL_REDIRECT": "0",
        "PORT": "9000",
    }
    code = (
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['HOST'], s.CACHES['default']['BACKEND'], "
        "s.CELERY_TASK_ALWAYS_EAGER, s.SECURE_SSL_REDIRECT, s.SITE_URL)"
    )
    output = run_manage("shell", "--no-imports", "-c", code, **environment).stdout.split()
    assert output == [
        "db.example.org",
        "consult.cache.RedisCache",
        "False",
        "False",
        "https://consult.example.org",
    ]


def test_filemail_keeps_an_absolute_folder(tmp_path):
    folder = tmp_path / "mail"
    value = settings_value("EMAIL_FILE_PATH", **{**PRODUCTION, "EMAIL_URL": f"filemail://{folder}"})
    assert value == str(folder)


def test_ssl_redirect_is_on_by_default_in_production():
    assert settings_value("SECURE_SSL_REDIRECT", **PRODUCTION) == "True"
