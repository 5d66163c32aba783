import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from consult.models import SignatureToken
from tests.factories import SignatureFactory

pytestmark = pytest.mark.django_db


def test_token_is_stored_only_as_its_hash(statement):
    signature = SignatureFactory(statement=statement)
    raw = SignatureToken.issue(signature, SignatureToken.Purpose.CONFIRM)
    stored = SignatureToken.objects.get()
    assert raw not in stored.digest
    assert stored.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert len(raw) >= 40


def test_confirm_token_expires_after_seven_days_and_manage_token_never(statement):
    signature = SignatureFactory(statement=statement)
    confirm = SignatureToken.find(SignatureToken.issue(signature, "confirm"), "confirm")
    manage = SignatureToken.find(SignatureToken.issue(signature, "manage"), "manage")
    assert confirm.expires_at - timezone.now() > timedelta(days=6, hours=23)
    assert manage.expires_at is None
    SignatureToken.objects.filter(pk=confirm.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    confirm.refresh_from_db()
    assert not confirm.is_usable
    assert manage.is_usable


def test_used_token_is_not_usable(statement):
    token = SignatureToken.find(
        SignatureToken.issue(SignatureFactory(statement=statement), "confirm"), "confirm"
    )
    token.used_at = timezone.now()
    assert not token.is_usable


def test_forged_or_wrong_purpose_tokens_find_nothing(statement):
    raw = SignatureToken.issue(SignatureFactory(statement=statement), "manage")
    assert SignatureToken.find(raw, "confirm") is None
    assert SignatureToken.find(raw[:-1] + ("A" if raw[-1] != "A" else "B"), "manage") is None
    assert SignatureToken.find("", "manage") is None
    assert SignatureToken.find("x" * 5000, "manage") is None


def test_tokens_are_unique(statement):
    signature = SignatureFactory(statement=statement)
    raws = {SignatureToken.issue(signature, "confirm") for _ in range(20)}
    assert len(raws) == 20
