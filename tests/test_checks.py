"""The system checks of config/checks.py, run in-process against changed settings.

tests/test_settings.py runs `manage.py check` in a fresh process for each variable; these tests
try the edges of each rule quickly.
"""

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured

from config.checks import ENVIRONMENT, stop_on_errors


@pytest.fixture
def production(settings):
    """The settings of a healthy production site, as far as the checks read them."""
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["consult.example.org"]
    settings.SITE_URL = "https://consult.example.org"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "mail.example.org"
    settings.OPERATOR_IS_DEMO = False
    settings.OPERATOR_NAME = "Example Trust"
    settings.OPERATOR_EMAIL = "hello@trust.example.org"
    return settings


def messages(deploy: bool = False) -> list[str]:
    found = run_checks(tags=[ENVIRONMENT], include_deployment_checks=deploy)
    return [f"{message.id} {message.msg}" for message in found]


def test_a_healthy_production_site_passes_every_check(production):
    assert messages(deploy=True) == []


def test_the_development_defaults_pass_every_check(settings):
    settings.DEBUG = True
    assert messages() == []


@pytest.mark.parametrize("rate", ["10/hour", "ten/h", "10", "", "-1/h", "10/h/2", "1.5/m", "10 /h", "¹/h"])
def test_a_malformed_rate_is_refused(production, rate):
    production.SIGN_RATE_LIMIT = rate
    assert messages() == [
        f"config.E001 SIGN_RATE_LIMIT is {rate!r}, not a rate: a number of requests per s, m, h or d."
    ]


@pytest.mark.parametrize(
    "variable",
    ["SIGN_BURST_LIMIT", "SIGN_SUSTAINED_LIMIT", "SIGN_MAIL_CAP_PER_IP", "SIGN_MAIL_CAP_PER_DOMAIN"],
)
@pytest.mark.parametrize("rate", ["5 a minute", "10/0m", "10/5", "/h"])
def test_a_malformed_signing_rule_rate_is_refused(production, variable, rate):
    setattr(production, variable, rate)
    assert messages() == [
        f"config.E001 {variable} is {rate!r}, not a rate: a number of requests per s, m, h or d."
    ]


@pytest.mark.parametrize(
    ("variable", "value", "code"),
    [
        ("SIGN_ALLOWED_RANGES", ["10.0.0.0/33"], "E020"),
        ("SIGN_BLOCKED_RANGES", ["example.org"], "E020"),
        ("SIGN_ALLOWED_DOMAINS", ["https://example.org"], "E021"),
        ("SIGN_BLOCKED_DOMAINS", ["*"], "E021"),
        ("SIGN_BLOCKED_DOMAINS", ["a@example.org"], "E021"),
    ],
)
def test_malformed_signing_lists_are_refused_by_name(production, variable, value, code):
    setattr(production, variable, value)
    [message] = messages()
    assert message.startswith(f"config.{code} {variable} holds {value[0]!r}")


def test_well_formed_signing_lists_pass(production):
    production.SIGN_ALLOWED_RANGES = ["192.0.2.0/24", "2001:db8::/32", "198.51.100.7"]
    production.SIGN_BLOCKED_DOMAINS = ["spam.example", "*.spam.example"]
    production.SIGN_SUSTAINED_LIMIT = "10/5m"
    assert messages() == []


@pytest.mark.parametrize("rate", ["1/s", "10/m", "60/h", "5000/d"])
def test_each_period_of_a_rate_is_accepted(production, rate):
    production.FORM_RATE_LIMIT = rate
    assert messages() == []


@pytest.mark.parametrize(
    "url", ["consult.example.org", "ftp://consult.example.org", "https://", "//x.org", "https:///x"]
)
def test_a_site_url_without_scheme_or_host_is_refused(production, url):
    production.SITE_URL = url
    assert [message.split()[0] for message in messages()] == ["config.E002"]


def test_a_site_url_without_https_is_refused_only_on_deploy(production):
    production.SITE_URL = "http://consult.example.org"
    assert messages() == []
    assert [message.split()[0] for message in messages(deploy=True)] == ["config.W004"]


def test_a_site_url_whose_host_is_not_allowed_is_warned_about(production):
    production.SITE_URL = "https://www.consult.example.org"
    assert [message.split()[0] for message in messages()] == ["config.W003"]
    production.ALLOWED_HOSTS = [".consult.example.org"]
    assert messages() == []


def test_empty_allowed_hosts_are_refused_only_with_debug_off(production):
    production.ALLOWED_HOSTS = []
    assert [message.split()[0] for message in messages()] == ["config.E005"]
    production.DEBUG = True
    assert messages() == []


def test_an_address_in_allowed_hosts_is_refused_with_its_host_as_the_example(production):
    production.ALLOWED_HOSTS = ["consult.example.org", "https://consult.example.org/"]
    [message] = run_checks(tags=[ENVIRONMENT])
    assert message.id == "config.E006"
    assert message.hint == "For example: ALLOWED_HOSTS=consult.example.org"


def test_smtp_without_a_host_is_refused(production):
    production.EMAIL_HOST = None
    assert [message.split()[0] for message in messages()] == ["config.E007"]


@pytest.mark.parametrize("folder", ["", "/"])
def test_file_mail_without_a_folder_is_refused(production, folder):
    production.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    production.EMAIL_FILE_PATH = folder
    assert [message.split()[0] for message in messages()] == ["config.E007"]


@pytest.mark.parametrize(
    "address",
    ["Consult <no-reply@consult.example.org>", "no-reply@localhost", '"Consult, the site" <a@b.org>'],
)
def test_a_sender_address_with_or_without_a_name_is_accepted(production, address):
    production.DEFAULT_FROM_EMAIL = address
    assert messages() == []


@pytest.mark.parametrize(
    "address", ["no-reply", "Consult <>", "@example.org", "no-reply@", "a@b.org\nBcc: c@d.org", "a@b.org\r"]
)
def test_a_sender_that_is_no_address_is_refused(production, address):
    production.DEFAULT_FROM_EMAIL = address
    assert [message.split()[0] for message in messages()] == ["config.E008"]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PORT", 0),
        ("PORT", 65536),
        ("EMAIL_TIMEOUT", 0),
        ("IP_HASH_RETENTION_DAYS", 0),
        ("ANONYMISE_AFTER_CLOSE_DAYS", -1),
        ("SECURE_HSTS_SECONDS", -1),
        ("PAGE_CACHE_SECONDS", 0),
        ("PAGE_CACHE_SECONDS", 3601),
    ],
)
def test_a_number_out_of_its_range_is_refused(production, name, value):
    setattr(production, name, value)
    assert [message.split()[:2] for message in messages()] == [["config.E009", name]]


def test_a_negative_connection_age_is_refused(production, monkeypatch):
    monkeypatch.setitem(production.DATABASES["default"], "CONN_MAX_AGE", -1)
    assert [message.split()[:2] for message in messages()] == [["config.E009", "CONN_MAX_AGE"]]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PORT", 1),
        ("PORT", 65535),
        ("IP_HASH_RETENTION_DAYS", 1),
        ("PAGE_CACHE_SECONDS", 1),
        ("PAGE_CACHE_SECONDS", 3600),
    ],
)
def test_a_number_at_the_edge_of_its_range_is_accepted(production, name, value):
    setattr(production, name, value)
    assert messages() == []


@pytest.mark.parametrize(
    ("header", "suggestion"),
    [
        ("X-Forwarded-For", "HTTP_X_FORWARDED_FOR"),
        ("x-real-ip", "HTTP_X_REAL_IP"),
        ("HTTP X", "HTTP_X_FORWARDED_FOR"),
    ],
)
def test_a_client_ip_header_not_named_as_in_meta_is_refused_with_its_meta_name(
    production, header, suggestion
):
    production.CLIENT_IP_HEADER = header
    [message] = run_checks(tags=[ENVIRONMENT])
    assert message.id == "config.E010"
    assert message.hint == f"For example: CLIENT_IP_HEADER={suggestion}"


@pytest.mark.parametrize("header", ["", "HTTP_X_FORWARDED_FOR", "HTTP_CF_CONNECTING_IP"])
def test_a_client_ip_header_named_as_in_meta_is_accepted(production, header):
    production.CLIENT_IP_HEADER = header
    assert messages() == []


def test_a_redis_url_of_another_kind_is_refused_without_showing_its_password(production):
    production.CACHES = {
        "default": {
            "BACKEND": "consult.redis_cache.RedisCache",
            "LOCATION": "http://:hunter2@cache.example.org/0",
        }
    }
    [message] = messages()
    assert message.startswith("config.E011 REDIS_URL starts http://")
    assert "hunter2" not in message


def test_a_broker_url_celery_does_not_know_is_refused(production):
    production.CELERY_BROKER_URL = "rabbit://guest:guest@broker.example.org"
    assert [message.split()[:2] for message in messages()] == [["config.E012", "CELERY_BROKER_URL"]]
    production.CELERY_BROKER_URL = "amqp://guest:guest@broker.example.org"
    assert messages() == []


def test_an_empty_queue_name_is_refused(production):
    production.CELERY_TASK_DEFAULT_QUEUE = ""
    assert [message.split()[:2] for message in messages()] == [["config.E013", "CELERY_TASK_DEFAULT_QUEUE"]]


def test_a_database_url_without_a_database_name_is_refused(production, monkeypatch):
    monkeypatch.setitem(production.DATABASES["default"], "NAME", "")
    assert [message.split()[:2] for message in messages()] == [["config.E014", "DATABASE_URL"]]


def test_stop_on_errors_names_every_malformed_variable(production):
    production.SIGN_RATE_LIMIT = "often"
    production.IP_HASH_RETENTION_DAYS = 0
    with pytest.raises(ImproperlyConfigured) as error:
        stop_on_errors()
    assert "SIGN_RATE_LIMIT" in str(error.value) and "IP_HASH_RETENTION_DAYS" in str(error.value)


def test_stop_on_errors_lets_warnings_through(production):
    production.SITE_URL = "https://www.consult.example.org"
    stop_on_errors()


@pytest.mark.parametrize(
    "address",
    [
        "",
        "hello",
        "hello@localhost",
        "Example Trust <hello@trust.example.org>",
        "a@b.org, c@d.org",
        "hello@trust.example.org\nBcc: x@y.org",
        "hello @trust.example.org",
        "hello@trust.example.",
    ],
)
def test_a_malformed_operator_email_is_refused(production, address):
    production.OPERATOR_EMAIL = address
    assert [message[:15] for message in messages()] == ["config.E016 OPE"]


@pytest.mark.parametrize("variable", ["OPERATOR_NAME", "OPERATOR_ADDRESS"])
@pytest.mark.parametrize("value", ["", "   ", "Example\nTrust"])
def test_the_operator_name_and_address_are_one_line_of_text(production, variable, value):
    setattr(production, variable, value)
    assert messages() == [
        f"config.E015 {variable} is {value!r}: it must be one line of text, shown on every page."
    ]


@pytest.mark.parametrize(
    "number, right",
    [
        ("ZA123456", True),
        ("Z1234567", True),
        ("", True),
        ("za123456", False),
        ("123456", False),
        ("ZA12345678", False),
    ],
)
def test_the_ico_number_is_checked_when_given(production, number, right):
    production.OPERATOR_ICO_NUMBER = number
    assert (messages() == []) is right


def test_a_production_site_that_names_the_demo_operator_is_warned(production):
    production.OPERATOR_IS_DEMO = True
    assert [message[:11] for message in messages(deploy=True)] == ["config.W018"]
    assert messages() == []


def test_a_malformed_feedback_rate_or_retention_is_refused(production):
    production.FEEDBACK_RATE_LIMIT = "5 per hour"
    production.FEEDBACK_RETENTION_DAYS = 0
    assert sorted(message[:11] for message in messages()) == ["config.E001", "config.E009"]
