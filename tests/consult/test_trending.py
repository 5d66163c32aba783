"""What is trending: where a statement's signatures of the last hour come from, linked to the
signature list and the clean-up preview, for moderators with and without the personal-data
permission (who never see a whole hash or an address)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from consult.models import FraudCleanup, Signature
from tests.consult.moderators import persona
from tests.factories import SignatureFactory, StatementFactory
from tests.naughty import naughty_strings

pytestmark = pytest.mark.django_db

BOT_IP = "ab" * 32
OTHER_IP = "cd" * 32


@pytest.fixture
def flood(statement):
    """Five fast bots from one address and domain, two people, and an old signature from the bot."""
    for number in range(5):
        SignatureFactory(
            statement=statement,
            email=f"bot{number}@spam.example",
            email_domain="spam.example",
            ip_hash=BOT_IP,
            dwell_seconds=1,
        )
    for number in range(2):
        SignatureFactory(
            statement=statement,
            email=f"person{number}@example.org",
            email_domain="example.org",
            ip_hash=OTHER_IP,
            dwell_seconds=40,
        )
    old = SignatureFactory(
        statement=statement, email="old@spam.example", email_domain="spam.example", ip_hash=BOT_IP
    )
    Signature.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=2))
    return statement


def panel(client, statement):
    response = client.get(reverse("admin:consult_signature_trending"), {"statement": statement.pk})
    assert response.status_code == 200
    return response


def test_the_panel_counts_the_last_hour_by_address_and_domain_with_fast_forms(client, flood):
    client.force_login(persona("data_moderator"))
    response = panel(client, flood)
    found = response.context["trending"]
    assert (found.signatures, found.fast) == (7, 5)
    assert [(row.value, row.signatures, row.fast) for row in found.by_ip_hash] == [
        (BOT_IP, 5, 5),
        (OTHER_IP, 2, 0),
    ]
    assert [(row.value, row.signatures) for row in found.by_domain] == [
        ("spam.example", 5),
        ("example.org", 2),
    ]
    page = response.content.decode()
    assert f"{BOT_IP[:6]}…" in page and "spam.example" in page


def test_with_the_permission_the_links_filter_the_list_and_the_preview(client, flood):
    client.force_login(persona("data_moderator"))
    response = panel(client, flood)
    bots = response.context["by_ip_hash"][0]
    listing = client.get(bots.list_url)
    assert listing.status_code == 200 and listing.context["cl"].result_count == 5
    preview = client.get(bots.cleanup_url)
    assert preview.context["preview"]["live"] == 5
    fast = client.get(response.context["fast_url"])
    assert fast.context["cl"].result_count == 5


def test_without_the_permission_no_hash_or_address_shows_and_the_links_still_work(client, flood):
    client.force_login(persona("moderator"))
    response = panel(client, flood)
    page = response.content.decode()
    assert BOT_IP not in page and BOT_IP[:8] not in page and "bot0@" not in page
    bots, people = response.context["by_ip_hash"]
    assert bots.list_url is None and f"{BOT_IP[:6]}…" in page
    # The preview resolves the shortened hash itself, and shows it no more than shortened.
    preview = client.get(bots.cleanup_url)
    assert preview.status_code == 200 and preview.context["preview"]["live"] == 5
    assert BOT_IP not in preview.content.decode()
    spam = response.context["by_domain"][0]
    listing = client.get(spam.list_url)
    assert listing.status_code == 200 and listing.context["cl"].result_count == 5
    assert "bot0@spam.example" not in listing.content.decode()
    assert client.get(spam.cleanup_url).context["preview"]["live"] == 5
    # The list itself still refuses them a lookup on the hash.
    refused = client.get(reverse("admin:consult_signature_changelist"), {"ip_hash": BOT_IP})
    assert refused.status_code == 400


def test_a_shortened_hash_cleans_up_what_it_resolves_to_and_records_the_whole_hash(client, flood):
    client.force_login(persona("moderator"))
    since = (timezone.now() - timedelta(hours=1)).isoformat()
    criteria = {"statement": flood.pk, "signed_from": since, "ip_hash": BOT_IP[:6], "reason": "Bots"}
    client.post(reverse("admin:consult_signature_cleanup"), criteria)
    cleanup = FraudCleanup.objects.get()
    assert cleanup.affected == 5 and cleanup.criteria["ip_hash"] == BOT_IP
    assert Signature.objects.filter(state="invalidated").count() == 5


def test_a_shortened_hash_two_addresses_share_is_refused(client, statement):
    SignatureFactory(statement=statement, ip_hash="abcdef" + "0" * 58)
    SignatureFactory(statement=statement, ip_hash="abcdef" + "1" * 58)
    client.force_login(persona("moderator"))
    response = client.get(
        reverse("admin:consult_signature_cleanup"), {"statement": statement.pk, "ip_hash": "abcdef"}
    )
    assert response.context["preview"] is None
    assert "ip_hash" in response.context["criteria_form"].errors
    assert Signature.objects.filter(state="invalidated").count() == 0


def test_the_overview_lists_the_busiest_statements_of_the_last_hour(client, flood):
    quiet = StatementFactory(consultation=flood.consultation, title="Quiet one")
    SignatureFactory(statement=quiet)
    client.force_login(persona("moderator"))
    response = client.get(reverse("admin:consult_signature_trending"))
    assert response.context["busiest"] == [(flood, 7), (quiet, 1)]
    assert f"?statement={flood.pk}" in response.content.decode()


def test_the_moderation_home_and_the_statement_page_link_to_it(client, statement):
    client.force_login(persona("moderator"))
    url = reverse("admin:consult_signature_trending")
    assert url in client.get(reverse("admin:index")).content.decode()
    change = client.get(reverse("admin:consult_statement_change", args=[statement.pk])).content.decode()
    assert f"{url}?statement={statement.pk}" in change


def test_hostile_statement_values_get_a_404(client, statement):
    client.force_login(persona("moderator"))
    for value in ["0", "99999999", "-1", "1e3", "١", *naughty_strings()[:40]]:
        response = client.get(reverse("admin:consult_signature_trending"), {"statement": value})
        # No statement at all is the overview.
        assert response.status_code == (200 if value == "" else 404), value


def test_staff_without_the_signature_permission_are_refused(client, statement):
    client.force_login(persona("staff"))
    response = client.get(reverse("admin:consult_signature_trending"), {"statement": statement.pk})
    assert response.status_code == 403
