"""The fraud clean-up's preview: a sample of the matching signatures and where they come from
(IP address hashes, email domains), masked for moderators without the personal-data permission;
and the counts stay equal to the rows through a clean-up and its undoing."""

import pytest
from django.urls import reverse

from consult.models import FraudCleanup, Signature, SignatureCounter
from tests.consult.moderators import persona
from tests.consult.test_fraud_cleanup import BOT_IP, criteria, signatures  # noqa: F401
from tests.naughty import naughty_strings

pytestmark = pytest.mark.django_db


def preview(client, statement, **fields):
    response = client.get(reverse("admin:consult_signature_cleanup"), criteria(statement, **fields))
    assert response.status_code == 200
    return response


def test_the_preview_shows_sample_rows_and_where_they_come_from(client, statement, signatures):  # noqa: F811
    client.force_login(persona("data_moderator"))
    response = preview(client, statement)
    shown = response.context["preview"]
    assert shown["live"] == 8
    assert shown["by_ip_hash"][0] == {"ip_hash": BOT_IP, "signatures": 5}
    assert shown["by_domain"][0] == {"domain": "spam.example", "signatures": 6}
    assert {"domain": "example.org", "signatures": 2} in shown["by_domain"]
    assert len(shown["sample"]) == 8
    page = response.content.decode()
    assert "bot1@spam.example" in page and BOT_IP in page


def test_the_preview_masks_addresses_and_hashes_without_the_permission(client, statement, signatures):  # noqa: F811
    client.force_login(persona("moderator"))
    response = preview(client, statement)
    page = response.content.decode()
    assert "bot1@spam.example" not in page and "b***@spam.example" in page
    assert BOT_IP not in page and BOT_IP[:6] in page
    assert response.context["preview"]["by_ip_hash"][0]["ip_hash"] == f"{BOT_IP[:6]}…"
    # Domains are the clean-up's own criterion: shown to every moderator.
    assert "spam.example" in page


def test_signers_names_in_the_preview_are_escaped(client, statement):
    for number, name in enumerate(["<script>alert(1)</script>", *naughty_strings()[:20]]):
        Signature.objects.create(
            statement=statement,
            name=name[:100].replace("\x00", ""),
            email=f"n{number}@x.example",
            email_normalised=f"n{number}@x.example",
        )
    client.force_login(persona("moderator"))
    page = preview(client, statement).content.decode()
    assert "<script>alert(1)</script>" not in page


def test_counts_equal_the_rows_after_a_clean_up_and_its_undoing(client, statement, signatures):  # noqa: F811
    moderator = persona("moderator")
    before = statement.counts()
    cleanup = FraudCleanup.perform(moderator, statement, Signature.objects.filter(ip_hash=BOT_IP), {}, "Bots")
    assert SignatureCounter.reconcile(statement.pk) == 0
    assert statement.counts().total == before.total - 4  # Four bots counted (one pending, one held).
    cleanup.undo(moderator, "Real people after all")
    assert SignatureCounter.reconcile(statement.pk) == 0
    assert statement.counts() == before
