"""The settings module, run in a fresh process with the environment an operator would give it."""

import pytest

from tests.commands import PRODUCTION, run_manage, run_python


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
        ("SIGN_RATE_LIMIT", "100/h"),
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
        "consult.redis_cache.RedisCache",
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


# One malformed value for each variable read from the environment, on top of PRODUCTION. Some
# cannot be read at all (config/environment.py), the rest are refused by a system check
# (config/checks.py): either way `manage.py check` stops and names the variable.
POSTGRES = {"DATABASE_URL": "postgres://consult@db.example.org:5432/consult"}
MALFORMED = [
    ("DEBUG", "ture", {}),
    ("SECURE_SSL_REDIRECT", "maybe", {}),
    ("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto", {}),
    ("BENCHMARK_BASELINES", "sometimes", {}),
    ("LOG_LEVEL", "VERBOSE", {}),
    ("DATABASE_URL", "postgress://consult:secret@db.example.org:5432/consult", {}),
    ("EMAIL_URL", "smtp://:587", {}),
    ("PORT", "eighty", {}),
    ("EMAIL_TIMEOUT", "0", {}),
    ("CONN_MAX_AGE", "-1", POSTGRES),
    ("SECURE_HSTS_SECONDS", "-1", {}),
    ("IP_HASH_RETENTION_DAYS", "0", {}),
    ("ANONYMISE_AFTER_CLOSE_DAYS", "-90", {}),
    ("SIGN_RATE_LIMIT", "10/hour", {}),
    ("FORM_RATE_LIMIT", "sixty", {}),
    ("SITE_URL", "consult.example.org", {}),
    ("ALLOWED_HOSTS", "", {}),
    ("DEFAULT_FROM_EMAIL", "no-reply", {}),
    ("CLIENT_IP_HEADER", "X-Forwarded-For", {}),
    ("REDIS_URL", "http://cache.example.org:6379/0", {}),
    ("CELERY_BROKER_URL", "rabbit://broker.example.org", {}),
    ("CELERY_TASK_DEFAULT_QUEUE", " ", {}),
    ("OPERATOR_EMAIL", "Example Trust <hello@consult.example.org>", {}),
    ("OPERATOR_NAME", "", {}),
    ("OPERATOR_ICO_NUMBER", "12-34", {}),
    ("FEEDBACK_RATE_LIMIT", "5", {}),
    ("FEEDBACK_RETENTION_DAYS", "0", {}),
]


@pytest.mark.parametrize(("variable", "value", "more"), MALFORMED, ids=[case[0] for case in MALFORMED])
def test_a_malformed_variable_stops_check_and_is_named_with_a_right_value(variable, value, more):
    result = run_manage("check", **{**PRODUCTION, **more, variable: value})
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert f"For example: {variable}=" in output


def test_a_malformed_variable_does_not_show_the_password_of_a_url():
    result = run_manage("check", **{**PRODUCTION, "REDIS_URL": "http://:hunter2@cache.example.org:6379/0"})
    assert result.returncode != 0
    assert "REDIS_URL" in result.stderr and "hunter2" not in result.stdout + result.stderr


def test_check_deploy_refuses_a_site_url_without_https():
    environment = {**PRODUCTION, "SITE_URL": "http://consult.example.org"}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **environment)
    assert result.returncode != 0
    assert "(config.W004) SITE_URL" in result.stderr


def test_check_deploy_refuses_a_site_url_whose_host_is_not_allowed():
    environment = {**PRODUCTION, "SITE_URL": "https://www.consult.example.org"}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **environment)
    assert result.returncode != 0
    assert "(config.W003) ALLOWED_HOSTS does not hold 'www.consult.example.org'" in result.stderr


def test_the_web_tier_refuses_to_start_on_a_malformed_variable():
    result = run_python("-c", "import config.wsgi", **{**PRODUCTION, "SIGN_RATE_LIMIT": "10 per hour"})
    assert result.returncode != 0
    assert "ImproperlyConfigured: ?: (config.E001) SIGN_RATE_LIMIT is '10 per hour'" in result.stderr


def test_check_deploy_warns_while_the_site_names_the_demo_operator():
    environment = {key: value for key, value in PRODUCTION.items() if key != "OPERATOR_NAME"}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **environment)
    assert result.returncode != 0
    assert "(config.W018) OPERATOR_NAME is unset" in result.stderr
