"""The signing rules a moderator tunes in the admin: checked, recorded, cached, and in force."""

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from consult import signing_rules
from consult.models import ModerationDecision, Signature, SigningRules
from consult.moderation import DecisionError
from consult.rule_changes import CHANGE_RULES, change_rules
from tests.consult.moderators import persona
from tests.consult.signers import post_sign

pytestmark = pytest.mark.django_db

CHANGE_URL = reverse("admin:consult_signingrules_change", args=[1])
BLANK = dict.fromkeys(SigningRules.SETTINGS, "")


@pytest.fixture
def moderator():
    return persona("moderator")


def rules_row() -> SigningRules:
    return SigningRules.objects.get(pk=1)


@pytest.mark.parametrize(
    "rate",
    [
        "5",
        "5/x",
        "-1/m",
        "five/m",
        "５/m",  # Fullwidth digit.
        "٥/m",  # Arabic-Indic digit.
        "5/m\n6/m",
        "1/0m",
        "1/m\u200b",
        "2000000/h",  # Beyond the largest count.
        "1/8d",  # Beyond a week.
        "<script>alert(1)</script>",
        "9" * 19,
    ],
)
def test_a_malformed_or_oversized_rate_is_refused(rate):
    rules = SigningRules(pk=1, burst_limit=rate)
    with pytest.raises(ValidationError) as refused:
        rules.full_clean()
    assert "burst_limit" in refused.value.message_dict


@pytest.mark.parametrize(
    "entry",
    [
        "300.1.1.1/24",
        "10.0.0.0/33",
        "0.0.0.0/0",  # Everyone: far too wide to block or to allow.
        "2001:db8::/8",
        "١٢.0.0.0/8",
        "192.0.2.0/24<script>",
        "192.0.2.0/２４",
        "example.org",
    ],
)
def test_a_malformed_or_too_wide_range_is_refused(entry):
    rules = SigningRules(pk=1, blocked_ranges=f"192.0.2.0/24\n{entry}")
    with pytest.raises(ValidationError) as refused:
        rules.full_clean()
    assert "blocked_ranges" in refused.value.message_dict


@pytest.mark.parametrize(
    "entry",
    [
        "*.com",
        "com",
        "ex_ample.com",
        "éxample.com",
        "xn--xample-9ua.com/../",
        "*.*.example.com",
        "example.com.",
        f"{'a' * 64}.com",
        ".".join(["abcdefghi"] * 30),
        "<b>example.com</b>",
        "user@example.com",
    ],
)
def test_a_malformed_domain_pattern_is_refused(entry):
    rules = SigningRules(pk=1, allowed_domains=entry)
    with pytest.raises(ValidationError) as refused:
        rules.full_clean()
    assert "allowed_domains" in refused.value.message_dict


def test_too_many_entries_are_refused():
    rules = SigningRules(pk=1, blocked_domains="\n".join(f"d{number}.example" for number in range(201)))
    with pytest.raises(ValidationError):
        rules.full_clean()


def test_values_are_written_canonically():
    rules = rules_row()
    rules.burst_limit = " 3/m "
    rules.blocked_ranges = "192.0.2.7/24, 192.0.2.0/24\r\n2001:DB8::1/32"
    rules.blocked_domains = "Spam.Example\n*.SPAM.example  spam.example"
    rules.full_clean()
    assert rules.burst_limit == "3/m"
    assert rules.blocked_ranges == "192.0.2.0/24\n2001:db8::/32"
    assert rules.blocked_domains == "spam.example\n*.spam.example"


def test_blank_fields_are_the_settings_and_set_ones_override_them(settings):
    settings.SIGN_BURST_LIMIT = "4/m"
    settings.SIGN_BLOCKED_DOMAINS = ["from-settings.example"]
    assert signing_rules.current().burst_limit == "4/m"
    change_rules(persona("moderator"), {"blocked_domains": "spam.example"}, "Spam wave")
    rules = signing_rules.current()
    assert rules.burst_limit == "4/m"
    assert rules.blocked_domains == ("spam.example",)


def test_a_change_is_recorded_from_what_to_what_with_who_and_why(moderator):
    assert change_rules(moderator, {"burst_limit": "2/m", "blocked_ranges": "192.0.2.0/24"}, " A script ")
    decision = ModerationDecision.objects.get(action=CHANGE_RULES)
    assert (decision.moderator, decision.reason) == (moderator, "A script")
    assert decision.changes == {"burst_limit": ["", "2/m"], "blocked_ranges": ["", "192.0.2.0/24"]}
    assert change_rules(moderator, {"burst_limit": ""}, "Back to the default")
    assert ModerationDecision.objects.latest("pk").changes == {"burst_limit": ["2/m", ""]}
    assert rules_row().burst_limit == ""


def test_no_change_records_nothing(moderator):
    assert not change_rules(moderator, {"burst_limit": ""}, "Nothing")
    assert not ModerationDecision.objects.filter(action=CHANGE_RULES).exists()


def test_a_change_needs_a_reason_and_valid_values(moderator):
    with pytest.raises(DecisionError):
        change_rules(moderator, {"burst_limit": "2/m"}, " \n ")
    with pytest.raises(ValidationError):
        change_rules(moderator, {"burst_limit": "2/m", "mail_cap_per_ip": "lots"}, "A reason")
    assert rules_row().burst_limit == ""
    assert not ModerationDecision.objects.filter(action=CHANGE_RULES).exists()


def test_the_rules_are_read_from_the_cache_and_a_change_is_seen_at_once(moderator, django_assert_num_queries):
    signing_rules.current()
    with django_assert_num_queries(0):
        assert signing_rules.current().mail_cap_per_ip == "50/h"
    change_rules(moderator, {"mail_cap_per_ip": "7/h"}, "Tighter")
    assert signing_rules.current().mail_cap_per_ip == "7/h"
    assert cache.get(signing_rules.CACHE_KEY) == {"mail_cap_per_ip": "7/h"}


def test_with_the_cache_down_the_rules_come_from_the_database(moderator, settings):
    change_rules(moderator, {"sustained_limit": "3/5m"}, "Tighter")
    settings.CACHES = {
        "default": {"BACKEND": "consult.cache.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}
    }
    assert signing_rules.current().sustained_limit == "3/5m"


def test_a_moderators_rate_holds_signatures_from_then_on(
    moderator, statement, django_capture_on_commit_callbacks
):
    change_rules(moderator, {"burst_limit": "1/m"}, "A script from one address")
    for number in range(2):
        post_sign(
            Client(REMOTE_ADDR="198.51.100.7"),
            statement,
            django_capture_on_commit_callbacks,
            email=f"p{number}@example.org",
        )
    assert list(Signature.objects.order_by("pk").values_list("hold", flat=True)) == ["", Signature.Hold.RATE]


def test_a_moderators_blocked_range_is_noted_at_signing(
    moderator, statement, django_capture_on_commit_callbacks
):
    change_rules(moderator, {"blocked_ranges": "198.51.100.0/24"}, "Abuse from this network")
    post_sign(
        Client(REMOTE_ADDR="198.51.100.7"),
        statement,
        django_capture_on_commit_callbacks,
        email="jo@example.org",
    )
    signature = Signature.objects.get()
    assert (signature.address_range, signature.hold) == (
        Signature.AddressRange.BLOCKED,
        Signature.Hold.BLOCKED,
    )


# The admin page.


def admin_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_moderator_changes_the_rules_in_the_admin_and_it_is_recorded(moderator):
    page = admin_client(moderator).get(CHANGE_URL)
    assert page.status_code == 200
    assert "50/h" in page.content.decode()  # The setting in force, shown beside the field.
    data = BLANK | {"mail_cap_per_domain": "5/h", "blocked_domains": "*.spam.example", "reason": "Spam"}
    response = admin_client(moderator).post(CHANGE_URL, data)
    assert response.status_code == 302
    assert (rules_row().mail_cap_per_domain, rules_row().blocked_domains) == ("5/h", "*.spam.example")
    decision = ModerationDecision.objects.get(action=CHANGE_RULES)
    assert decision.moderator == moderator
    assert decision.changes["mail_cap_per_domain"] == ["", "5/h"]
    log = admin_client(moderator).get(reverse("admin:consult_moderationdecision_change", args=[decision.pk]))
    assert "5/h" in log.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"burst_limit": "5/m"},  # No reason.
        {"burst_limit": "5/m", "reason": "\u200b\u200b"},  # Only invisible characters.
        {"burst_limit": "5/m", "reason": "x" * 2001},
        {"burst_limit": "a" * 21, "reason": "Oversized"},
        {"blocked_ranges": "not a range", "reason": "Malformed"},
        {"allowed_domains": "<script>alert(1)</script>", "reason": "Script"},
        {"allowed_ranges": "192.0.2.0/24\n" * 2000, "reason": "Oversized list"},
    ],
)
def test_the_admin_refuses_a_change_without_a_reason_or_with_bad_values(moderator, data):
    response = admin_client(moderator).post(CHANGE_URL, BLANK | data)
    assert response.status_code == 200
    assert "<script>alert" not in response.content.decode()
    assert rules_row().overrides() == {}
    assert not ModerationDecision.objects.filter(action=CHANGE_RULES).exists()


def test_the_reason_is_kept_as_text(moderator):
    reason = "<script>alert(1)</script> Cymraeg: ŵ ŷ, 😀"
    admin_client(moderator).post(CHANGE_URL, BLANK | {"burst_limit": "4/m", "reason": reason})
    assert ModerationDecision.objects.get(action=CHANGE_RULES).reason == reason


@pytest.mark.parametrize("name", ["staff", "user"])
def test_people_who_are_not_moderators_cannot_change_the_rules(name):
    client = admin_client(persona(name))
    response = client.post(CHANGE_URL, BLANK | {"burst_limit": "1/m", "reason": "Mine now"})
    assert response.status_code in {302, 403}
    assert rules_row().overrides() == {}
    assert not ModerationDecision.objects.filter(action=CHANGE_RULES).exists()


def test_nobody_adds_or_deletes_the_rules(superuser):
    client = admin_client(superuser)
    assert client.get(reverse("admin:consult_signingrules_add")).status_code == 403
    assert (
        client.post(reverse("admin:consult_signingrules_delete", args=[1]), {"post": "yes"}).status_code
        == 403
    )
    assert SigningRules.objects.filter(pk=1).exists()


def test_a_change_is_forgotten_again_once_committed(moderator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        change_rules(moderator, {"burst_limit": "3/m"}, "Tighter")
        # Another process read the rules between the change and its commit, and kept the old ones.
        cache.set(signing_rules.CACHE_KEY, {})
    for callback in callbacks:
        callback()
    assert signing_rules.current().burst_limit == "3/m"
