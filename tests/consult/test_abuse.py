"""The signing rules: run by the confirmation email's task, never visible to whoever signs."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from consult import abuse, emails, signing
from consult.abuse import domain_matches
from consult.models import ModerationDecision, OutboundEmail, Signature, SignatureCounter
from tests.consult.signers import link_to, post_sign
from tests.factories import StatementFactory
from tests.naughty import naughty_strings

pytestmark = pytest.mark.django_db


@pytest.fixture
def sign_from(statement, django_capture_on_commit_callbacks):
    """Sign (and run the email task) from one client address, as a separate browser would."""

    def sign_from(ip: str, email: str, on=None, **overrides):
        client = Client(REMOTE_ADDR=ip)
        return post_sign(
            client, on or statement, django_capture_on_commit_callbacks, email=email, **overrides
        )

    return sign_from


def holds() -> list[str]:
    return list(Signature.objects.order_by("pk").values_list("hold", flat=True))


def test_over_the_burst_from_one_address_is_held_but_still_emailed(sign_from, settings, statement):
    settings.SIGN_BURST_LIMIT = "2/m"
    for number in range(3):
        assert sign_from("198.51.100.7", f"p{number}@example.org").status_code == 302
    assert holds() == ["", "", Signature.Hold.RATE]
    assert len(mail.outbox) == 3
    for signature in Signature.objects.all():
        signature.confirm()
    assert statement.counts().total == 2
    assert Signature.objects.awaiting_checks().count() == 1


def test_the_rate_is_per_statement_and_per_address(sign_from, settings, statement):
    settings.SIGN_BURST_LIMIT = "1/m"
    sign_from("198.51.100.7", "a@example.org")
    sign_from("198.51.100.8", "b@example.org")
    sign_from("198.51.100.7", "c@example.org", on=StatementFactory(consultation=statement.consultation))
    assert holds() == ["", "", ""]


def test_sustained_window_counts_beyond_the_burst(sign_from, settings):
    settings.SIGN_BURST_LIMIT = "100/m"
    settings.SIGN_SUSTAINED_LIMIT = "2/5m"
    for number in range(3):
        sign_from("198.51.100.7", f"p{number}@example.org")
    assert holds() == ["", "", Signature.Hold.RATE]


def test_an_allowed_range_skips_the_rate(sign_from, settings):
    settings.SIGN_BURST_LIMIT = "1/m"
    settings.SIGN_ALLOWED_RANGES = ["198.51.100.0/24"]
    for number in range(3):
        sign_from("198.51.100.7", f"p{number}@example.org")
    assert holds() == ["", "", ""]


@pytest.mark.parametrize(
    ("setting", "value", "email"),
    [
        ("SIGN_BLOCKED_RANGES", ["198.51.100.0/24"], "jo@example.org"),
        ("SIGN_BLOCKED_RANGES", ["2001:db8::/32"], "jo@example.org"),
        ("SIGN_BLOCKED_DOMAINS", ["*.spam.example"], "jo@mx.spam.example"),
        ("SIGN_BLOCKED_DOMAINS", ["spam.example"], "Jo@SPAM.example"),
    ],
)
def test_blocked_ranges_and_domains_are_held_and_not_emailed(
    sign_from, settings, statement, setting, value, email
):
    setattr(settings, setting, value)
    ip = "2001:db8::1" if ":" in value[0] else "198.51.100.7"
    response = sign_from(ip, email)
    assert response.status_code == 302
    assert response.url == reverse("signature_check_email", args=[statement.slug])
    assert holds() == [Signature.Hold.BLOCKED]
    assert not mail.outbox
    assert OutboundEmail.objects.get().state == OutboundEmail.State.SKIPPED


def test_domain_patterns():
    assert domain_matches("mx.spam.example", ["*.spam.example"])
    assert not domain_matches("spam.example", ["*.spam.example"])
    assert not domain_matches("notspam.example", ["*.spam.example", "spam.example"])
    assert domain_matches("SPAM.example", ["spam.example"])


def test_mail_cap_per_address_sends_no_more_emails_and_a_release_sends_it(
    sign_from, settings, statement, admin_user
):
    settings.SIGN_MAIL_CAP_PER_IP = "2/h"
    for number in range(3):
        sign_from("198.51.100.7", f"stranger{number}@example.org")
    assert holds() == ["", "", Signature.Hold.MAIL_CAP]
    assert [message.to for message in mail.outbox] == [["stranger0@example.org"], ["stranger1@example.org"]]
    held = Signature.objects.get(hold=Signature.Hold.MAIL_CAP)
    assert held.checked_at is None
    assert signing.release(held)
    emails.send_outbound_email(OutboundEmail.objects.filter(signature=held).latest("pk").pk)
    assert mail.outbox[-1].to == ["stranger2@example.org"]
    Client().post(link_to("/signatures/confirm/"))
    held.refresh_from_db()
    assert held.state == Signature.State.CONFIRMED and statement.counts().total == 1


def test_mail_cap_per_domain_spares_allowed_domains(sign_from, settings):
    settings.SIGN_MAIL_CAP_PER_DOMAIN = "1/h"
    for number in range(2):
        sign_from(f"198.51.100.{number + 1}", f"p{number}@throwaway.example")
        sign_from(f"198.51.100.{number + 1}", f"p{number}@gmail.com")
    by_domain = dict(Signature.objects.values_list("email", "hold"))
    assert by_domain == {
        "p0@throwaway.example": "",
        "p0@gmail.com": "",
        "p1@throwaway.example": Signature.Hold.MAIL_CAP,
        "p1@gmail.com": "",
    }
    assert len(mail.outbox) == 3


def test_repeat_attempts_on_a_held_signature_send_nothing(sign_from, settings):
    settings.SIGN_MAIL_CAP_PER_IP = "0/h"
    for _attempt in range(4):
        sign_from("198.51.100.7", "stranger@example.org")
    assert holds() == [Signature.Hold.MAIL_CAP]
    assert not mail.outbox


def test_the_email_task_run_twice_judges_once(sign_from, settings, statement):
    settings.SIGN_BURST_LIMIT = "1/m"
    sign_from("198.51.100.7", "a@example.org")
    sign_from("198.51.100.7", "b@example.org")
    second = Signature.objects.get(email="b@example.org")
    row = second.outbound_emails.get()
    assert emails.send_outbound_email(row.pk) is False
    second.refresh_from_db()
    assert second.hold == Signature.Hold.RATE and len(mail.outbox) == 2


@pytest.mark.parametrize("name", [value for value in naughty_strings() if value.strip()][::25])
def test_what_a_signer_types_reaches_the_email_bounded_and_never_in_the_subject(sign_from, name):
    response = sign_from("198.51.100.7", "jo@example.org", name=name)
    if response.status_code != 302:
        return  # The form refused it: nothing was sent.
    signature = Signature.objects.get()
    message = mail.outbox[0]
    assert message.subject == f"Confirm your signature: {signature.statement.title}"
    greeting = message.body.split("\n", 1)[0]
    assert len(greeting) <= len("Hello ,") + 60


def test_a_moderator_releasing_mail_capped_signatures_sends_their_emails_and_records_it(
    sign_from, settings, superuser, django_capture_on_commit_callbacks
):
    admin_client = Client()
    admin_client.force_login(superuser)
    settings.SIGN_MAIL_CAP_PER_IP = "1/h"
    sign_from("198.51.100.7", "first@example.org")
    sign_from("198.51.100.7", "second@example.org")
    held = Signature.objects.get(hold=Signature.Hold.MAIL_CAP)
    data = {"action": "release_signatures", "_selected_action": [held.pk], "apply": "Confirm"}
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:consult_signature_changelist"), data | {"reason": "A real person"}
        )
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.hold == Signature.Hold.NONE and held.checked_at is not None
    assert mail.outbox[-1].to == ["second@example.org"]
    assert ModerationDecision.objects.get(action="release signature").object_id == str(held.pk)


def test_the_admin_index_shows_signatures_held_by_the_rules(sign_from, settings, superuser):
    settings.SIGN_BURST_LIMIT = "1/m"
    settings.SIGN_MAIL_CAP_PER_IP = "2/h"
    for number in range(3):
        sign_from("198.51.100.7", f"p{number}@example.org")
    Signature.objects.get(hold=Signature.Hold.RATE).confirm()
    admin_client = Client()
    admin_client.force_login(superuser)
    response = admin_client.get(reverse("admin:index"))
    queues = {str(queue.label): queue.count for queue in response.context["queues"]}
    assert queues["Confirmed signatures over the rate for their address"] == 1
    assert queues["Signatures whose email waits (mail cap)"] == 1


def test_confirmed_signatures_awaiting_checks_are_shown_beside_the_count(
    sign_from, settings, statement, client
):
    settings.SIGN_BURST_LIMIT = "1/m"
    for number in range(3):
        sign_from("198.51.100.7", f"p{number}@example.org")
    for signature in Signature.objects.all():
        signature.confirm()
    document = client.get(f"/api/v1/statements/{statement.slug}/").json()
    assert (document["signatures"], document["awaiting_checks"]) == (1, 2)
    page = client.get(statement.get_absolute_url()).content.decode()
    assert "And 2 confirmed signatures awaiting checks" in page
    widget = client.get(reverse("embed_widget", args=[statement.slug])).content.decode()
    assert "(and 2 awaiting checks)" in widget
    Signature.objects.filter(hold=Signature.Hold.RATE).first().invalidate("A script")
    assert statement.counts().awaiting_checks == 1
    SignatureCounter.objects.filter(statement=statement, kind=SignatureCounter.AWAITING).update(count=0)
    assert SignatureCounter.reconcile(statement.pk) == 0
    assert statement.counts().awaiting_checks == 1


def test_held_and_counted_signers_are_told_the_same_thing(sign_from, settings, statement):
    settings.SIGN_BURST_LIMIT = "1/m"
    pages = []
    for email in ["counted@example.org", "held@example.org"]:
        sign_from("198.51.100.7", email)
        browser = Client(REMOTE_ADDR="198.51.100.7")
        thanks = browser.post(link_to("/signatures/confirm/", mail.outbox[-1]), follow=True)
        manage = browser.get(thanks.redirect_chain[-1][0].replace("/thanks/", "/"))
        pages.append(
            (thanks.status_code, manage.status_code, thanks.content.decode(), manage.content.decode())
        )
    assert holds() == ["", Signature.Hold.RATE]
    promise = "is confirmed, and counted once checks pass (for nearly everyone at once)."
    for thanks_status, manage_status, thanks_page, manage_page in pages:
        assert (thanks_status, manage_status) == (200, 200)
        assert promise in thanks_page
        assert "Confirmed, and counted once checks pass (for nearly everyone at once)" in manage_page
        assert "held" not in thanks_page.lower() and "held" not in manage_page.lower()


# Repeat emails ("confirm again", "you have already signed") and the mail caps.


def outbox_of(email: str) -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(signature__email=email).order_by("pk"))


def mails_to(email: str) -> int:
    return sum(message.to == [email] for message in mail.outbox)


def test_an_already_signed_email_beyond_the_askers_cap_is_not_sent(sign_from, settings):
    settings.SIGN_MAIL_CAP_PER_IP = "2/h"
    sign_from("203.0.113.5", "stranger@example.org")
    Signature.objects.get().confirm()
    for number in range(2):
        sign_from("198.51.100.7", f"p{number}@example.org")
    sign_from("198.51.100.7", "stranger@example.org")
    assert mails_to("stranger@example.org") == 1
    repeat = outbox_of("stranger@example.org")[-1]
    assert (repeat.kind, repeat.state) == (OutboundEmail.Kind.ALREADY_SIGNED, OutboundEmail.State.SKIPPED)


def test_repeat_emails_count_towards_the_askers_cap(sign_from, settings):
    settings.SIGN_MAIL_CAP_PER_IP = "2/h"
    sign_from("203.0.113.5", "stranger@example.org")
    Signature.objects.get().confirm()
    for _attempt in range(2):
        sign_from("198.51.100.7", "stranger@example.org")
    assert mails_to("stranger@example.org") == 3
    sign_from("198.51.100.7", "new@example.org")
    assert Signature.objects.get(email="new@example.org").hold == Signature.Hold.MAIL_CAP
    assert mails_to("new@example.org") == 0


def test_resent_links_count_towards_the_askers_cap(sign_from, settings, django_capture_on_commit_callbacks):
    settings.SIGN_MAIL_CAP_PER_IP = "2/h"
    sign_from("203.0.113.5", "stranger@example.org")
    asker = Client(REMOTE_ADDR="198.51.100.7")
    for _attempt in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            asker.post(reverse("signature_resend"), {"email": "stranger@example.org"})
    # Two resent links fill the asker's cap of two; the third is not sent (the per-signature
    # limit of repeats would have let it go).
    assert mails_to("stranger@example.org") == 3
    resent = outbox_of("stranger@example.org")[1:]
    sent, skipped = OutboundEmail.State.SENT, OutboundEmail.State.SKIPPED
    assert [row.state for row in resent] == [sent, sent, skipped]
    assert resent[0].ip_hash and resent[0].ip_hash != Signature.objects.get().ip_hash


def test_confirm_again_emails_count_and_are_capped_per_domain(sign_from, settings):
    settings.SIGN_MAIL_CAP_PER_DOMAIN = "2/h"
    sign_from("203.0.113.5", "stranger@throwaway.example")
    for number in range(3):
        sign_from(f"198.51.100.{number + 1}", "stranger@throwaway.example")
    assert mails_to("stranger@throwaway.example") == 2
    kinds_and_states = [(row.kind, row.state) for row in outbox_of("stranger@throwaway.example")]
    assert kinds_and_states == [
        (OutboundEmail.Kind.CONFIRM, OutboundEmail.State.SENT),
        (OutboundEmail.Kind.CONFIRM_AGAIN, OutboundEmail.State.SENT),
        (OutboundEmail.Kind.CONFIRM_AGAIN, OutboundEmail.State.SKIPPED),
        (OutboundEmail.Kind.CONFIRM_AGAIN, OutboundEmail.State.SKIPPED),
    ]


def test_repeat_emails_to_allowed_domains_are_capped_per_asking_address_only(sign_from, settings):
    settings.SIGN_MAIL_CAP_PER_DOMAIN = "1/h"
    settings.SIGN_MAIL_CAP_PER_IP = "3/h"
    sign_from("203.0.113.5", "stranger@gmail.com")
    for number in range(2):
        sign_from(f"198.51.100.{number + 1}", "stranger@gmail.com")
    assert mails_to("stranger@gmail.com") == 3
    repeat = outbox_of("stranger@gmail.com")[-1]
    assert repeat.ip_hash and repeat.ip_hash != Signature.objects.get().ip_hash


def test_a_repeat_email_screened_twice_gets_the_same_answer(sign_from, settings):
    settings.SIGN_MAIL_CAP_PER_IP = "1/h"
    sign_from("203.0.113.5", "stranger@example.org")
    sign_from("198.51.100.7", "other@example.org")
    sign_from("198.51.100.7", "stranger@example.org")
    repeat = outbox_of("stranger@example.org")[-1]
    assert abuse.screen(repeat) == abuse.screen(repeat) != ""


def test_repeat_emails_that_did_not_go_do_not_count_towards_a_cap(sign_from, settings):
    settings.SIGN_MAIL_CAP_PER_IP = "1/h"
    sign_from("203.0.113.5", "stranger@example.org")
    sign_from("198.51.100.7", "stranger@example.org")
    repeat = outbox_of("stranger@example.org")[-1]
    assert (repeat.kind, repeat.state) == (OutboundEmail.Kind.CONFIRM_AGAIN, OutboundEmail.State.SENT)
    OutboundEmail.objects.filter(pk=repeat.pk).update(state=OutboundEmail.State.FAILED)
    sign_from("198.51.100.7", "new@example.org")
    assert Signature.objects.get(email="new@example.org").hold == Signature.Hold.NONE
    assert mails_to("new@example.org") == 1


def test_a_signature_is_judged_with_one_statement(sign_from, settings, django_assert_num_queries):
    """Both rate windows and both mail caps (address and domain) are counted together."""
    settings.SIGN_MAIL_CAP_PER_IP = "1/h"
    sign_from("198.51.100.7", "first@throwaway.example")
    sign_from("198.51.100.7", "second@throwaway.example")
    second = Signature.objects.get(email="second@throwaway.example")
    rules = abuse.signing_rules.current()
    with django_assert_num_queries(1):
        assert abuse.rule_hold(second, rules) == Signature.Hold.MAIL_CAP
