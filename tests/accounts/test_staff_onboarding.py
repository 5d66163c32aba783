"""A new moderator's first visit is one guided flow that ends where they were going: the link to
choose a password, logging in, confirming the email address, setting up two-factor, and back."""

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts import onboarding

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-moderator-password"
EMAIL = "new.moderator@example.org"


def link_in(message, path: str, settings) -> str:
    [link] = re.findall(re.escape(settings.SITE_URL) + rf"({re.escape(path)}\S+)", message.body)
    return link


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_a_new_moderator_follows_one_flow_from_the_signature_list_back_to_it(
    client, settings, django_capture_on_commit_callbacks
):
    target = reverse("admin:consult_signature_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("create_moderator", EMAIL)
    # They open the admin page they were sent to, and are asked to log in with it as `next`.
    login_page = client.get(target, follow=True).redirect_chain[-1][0]
    assert login_page == f"{reverse('account_login')}?next=%2Fadmin%2Fconsult%2Fsignature%2F"
    # They choose a password with the emailed link.
    form = client.get(link_in(mail.outbox[0], "/accounts/password/reset/key/", settings), follow=True)
    client.post(form.redirect_chain[-1][0], {"password1": PASSWORD, "password2": PASSWORD})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(login_page, {"login": EMAIL, "password": PASSWORD})
    # Confirming the address logs them in and goes on to two-factor, still carrying `next`.
    confirmed = client.post(link_in(mail.outbox[-1], "/accounts/confirm-email/", settings), follow=True)
    reauthenticate = confirmed.redirect_chain[-1][0]
    assert (
        "next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F%3Fnext%3D%252Fadmin%252Fconsult%252Fsignature%252F"
        in (reauthenticate)
    )
    activate = client.post(reauthenticate, {"password": PASSWORD}, follow=True)
    assert activate.redirect_chain[-1][0].startswith(reverse("mfa_activate_totp"))
    secret = activate.context["form"].secret
    codes = client.post(activate.redirect_chain[-1][0], {"code": current_code(secret)}, follow=True)
    assert codes.redirect_chain[-1][0] == reverse("mfa_view_recovery_codes")
    # The recovery codes page offers the way back, and it leads to the page they asked for.
    assert codes.context["unused_codes"]
    page = codes.content.decode()
    assert f'id="onboarding-continue" href="{target}"' in page
    landed = client.get(target)
    assert landed.status_code == 200 and landed.context["cl"].model._meta.model_name == "signature"
    # Once there, the way back is spent: the codes page no longer offers it.
    assert "onboarding-continue" not in client.get(reverse("mfa_view_recovery_codes")).content.decode()


@pytest.mark.parametrize(
    "remembered", ["https://evil.example/", "//evil.example/admin/", "javascript:alert(1)", "", 42]
)
def test_the_way_back_is_only_ever_to_this_site(rf, remembered):
    request = rf.get("/")
    request.session = {onboarding.SESSION_KEY: remembered}
    assert onboarding.destination(request) == ""


def test_the_way_back_is_kept_for_a_page_of_this_site(rf):
    request = rf.get("/")
    request.session = {onboarding.SESSION_KEY: "/admin/consult/signature/?state__exact=pending"}
    assert onboarding.destination(request) == "/admin/consult/signature/?state__exact=pending"
