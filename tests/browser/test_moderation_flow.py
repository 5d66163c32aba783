"""A moderator approves a pending argument in the admin, in a real browser."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from consult.models import Argument, ModerationDecision
from consult.roles import MODERATOR_PERMISSIONS, MODERATORS
from tests.conftest import with_mfa
from tests.factories import ArgumentFactory, ConsultationFactory, UserFactory

pytestmark = pytest.mark.browser


def moderator():
    # A transactional test empties the tables, so the group the migration made is rebuilt here.
    group, _created = Group.objects.get_or_create(name=MODERATORS)
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="consult", codename__in=MODERATOR_PERMISSIONS["consult"]
        )
    )
    user = with_mfa(UserFactory(verified=True, is_staff=True))
    user.groups.add(group)
    return user


def log_in_as(page, base: str, user) -> None:
    """Log in without typing a TOTP code: a session made by the test client, given to the browser."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base}])


def test_moderator_approves_a_pending_argument_with_a_reason(page, live_server, transactional_db):
    base = live_server.url
    consultation = ConsultationFactory()
    argument = ArgumentFactory(
        consultation=consultation,
        claim="Cameras misidentify people",
        status=Argument.Status.PENDING,
        published_at=None,
    )
    user = moderator()
    log_in_as(page, base, user)

    page.goto(base + consultation.get_absolute_url())
    assert "Cameras misidentify people" not in page.content()

    page.goto(base + reverse("admin:consult_argument_changelist") + "?status__exact=pending")
    page.locator(f"input[name=_selected_action][value='{argument.pk}']").check()
    page.select_option("select[name=action]", "approve_arguments")
    page.locator("button[name=index]").click()
    page.wait_for_load_state("networkidle")
    page.fill("textarea[name=reason]", "Sourced and civil")
    page.locator("input[name=apply]").click()
    page.wait_for_load_state("networkidle")
    assert "1 arguments published" in page.content()

    argument.refresh_from_db()
    assert argument.status == Argument.Status.PUBLISHED
    assert ModerationDecision.objects.get(object_id=str(argument.pk)).moderator == user
    page.goto(base + consultation.get_absolute_url())
    assert "Cameras misidentify people" in page.content()
