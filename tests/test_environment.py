"""The typed readers of config/environment.py: a value they cannot read names its variable."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.environment import Environment


def test_an_unset_variable_reads_as_its_default():
    environment = Environment({})
    assert environment.int("PORT", default=8000) == 8000
    assert environment.bool("DEBUG", default=False) is False
    assert environment.list("ALLOWED_HOSTS", default=["localhost"]) == ["localhost"]


def test_an_unset_variable_without_default_must_be_set():
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be set"):
        Environment({}).str("SECRET_KEY")


def test_a_whole_number_is_read():
    assert Environment({"PORT": "9000"}).int("PORT", default=8000) == 9000


@pytest.mark.parametrize("value", ["eighty", "", "8000.5", "1e3", "8 000", "٨٠٠٠x", "\x00"])
def test_a_number_that_cannot_be_read_names_the_variable_and_its_default(value):
    with pytest.raises(ImproperlyConfigured) as error:
        Environment({"PORT": value}).int("PORT", default=8000)
    assert "PORT must be a whole number" in str(error.value)
    assert "For example: PORT=8000" in str(error.value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), ("true", True), ("Yes", True), (" on ", True), ("0", False), ("off", False), ("", False)],
)
def test_a_switch_reads_the_usual_words(value, expected):
    assert Environment({"DEBUG": value}).bool("DEBUG", default=False) is expected


@pytest.mark.parametrize("value", ["ture", "2", "enabled", "y e s"])
def test_a_switch_refuses_other_words_instead_of_reading_them_as_off(value):
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be on or off"):
        Environment({"DEBUG": value}).bool("DEBUG", default=False)


def test_a_list_drops_spaces_and_empty_entries():
    environment = Environment({"ALLOWED_HOSTS": " consult.example.org, ,www.consult.example.org,"})
    assert environment.list("ALLOWED_HOSTS", default=[]) == ["consult.example.org", "www.consult.example.org"]


def test_a_choice_refuses_anything_else():
    with pytest.raises(ImproperlyConfigured, match="LOG_LEVEL must be one of DEBUG, INFO"):
        Environment({"LOG_LEVEL": "verbose"}).choice("LOG_LEVEL", default="INFO", choices=["DEBUG", "INFO"])


def test_a_database_url_gives_django_its_settings():
    url = "postgres://consult:secret@db.example.org:5432/consult"
    database = Environment({"DATABASE_URL": url}).db("DATABASE_URL")
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == ("db.example.org", 5432, "consult")


@pytest.mark.parametrize(
    "url",
    [
        "postgress://consult:secret@db.example.org/consult",
        "db.example.org",
        "postgres://consult:secret@db:port/x",
    ],
)
def test_a_database_url_that_cannot_be_read_is_named_without_its_password(url):
    with pytest.raises(ImproperlyConfigured) as error:
        Environment({"DATABASE_URL": url}).db("DATABASE_URL")
    assert "DATABASE_URL must be" in str(error.value)
    assert "secret" not in str(error.value)


@pytest.mark.parametrize("url", ["smpt://mail:secret@mail.example.org:587", "smtp://mail:secret@mail:port"])
def test_an_email_url_that_cannot_be_read_is_named_without_its_password(url):
    with pytest.raises(ImproperlyConfigured) as error:
        Environment({"EMAIL_URL": url}).email_url("EMAIL_URL")
    assert "EMAIL_URL must be" in str(error.value)
    assert "secret" not in str(error.value)


def test_a_filemail_url_keeps_its_folder_absolute():
    config = Environment({"EMAIL_URL": "filemail:///var/mail/consult"}).email_url("EMAIL_URL")
    assert config["EMAIL_FILE_PATH"] == "/var/mail/consult"
