import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import translation

from config import celery_app
from tests.factories import ConsultationFactory, StatementFactory, UserFactory

# The real-service fixtures, and `require`, which tests also import from here.
from tests.services import (  # noqa: F401
    REQUIRE_SERVICES,
    browser,
    celery_worker,
    page,
    require,
    smtp_server,
    web_server,
    web_server_with_redis,
)


def pytest_report_header(config) -> list[str]:
    return [
        f"database: {connection.vendor} ({connection.settings_dict['NAME']})",
        f"services required: {'yes' if REQUIRE_SERVICES else 'no (tests needing them are skipped)'}",
    ]


@pytest.fixture(autouse=True)
def eager_celery():
    """Unit tests run tasks in-process; tests with a real worker switch this off themselves."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Production password hashing costs seconds per account; tests need no such strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (rate limits and cached counts do not leak)."""
    cache.clear()


@pytest.fixture(autouse=True)
def default_language():
    """A request to a Welsh (/cy/) page leaves Welsh active in the test's thread (a real request
    activates its own language): later tests start in the default language again."""
    yield
    translation.deactivate()


@pytest.fixture
def user(db):
    return UserFactory(verified=True)


@pytest.fixture
def unverified_user(db):
    return UserFactory()


def with_mfa(user):
    """Give a staff account a TOTP authenticator: the admin opens only to staff who have one."""
    from allauth.mfa.models import Authenticator

    Authenticator.objects.get_or_create(user=user, type=Authenticator.Type.TOTP, defaults={"data": {}})
    return user


@pytest.fixture
def superuser(db):
    return with_mfa(UserFactory(email="root@example.org", is_staff=True, is_superuser=True, verified=True))


@pytest.fixture
def consultation(db):
    return ConsultationFactory()


@pytest.fixture
def statement(consultation):
    return StatementFactory(consultation=consultation)


@pytest.fixture(autouse=True)
def empty_local_documents():
    """The embeds also keep counts documents in each process for a second; each test starts without."""
    from consult.embeds import forget_local_documents

    forget_local_documents()


def forget_shared_pages() -> None:
    """Forget the anonymous readers' shared copies of pages, as PAGE_CACHE_SECONDS passing would."""
    from consult.views.filled_in import blanks
    from consult.views.reading import local_copies

    cache.clear()
    local_copies.clear()
    blanks.clear()


@pytest.fixture(autouse=True)
def empty_local_pages():
    """Reading pages' shared copies are kept in each process for a second too."""
    forget_shared_pages()
