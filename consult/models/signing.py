"""What a signer's email links and choices leave behind: hashed tokens and consent events."""

import hashlib
import secrets
from datetime import timedelta

from django.db import connections, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consult.models.signatures import Signature


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


class SignatureToken(models.Model):
    """A random token in an email link, stored only as its SHA-256 digest.

    A leaked database gives nobody a working link. Confirmation tokens expire and work once;
    manage tokens never expire (a signer must always be able to withdraw or unsubscribe).
    """

    class Purpose(models.TextChoices):
        CONFIRM = "confirm", _("Confirm the signature")
        MANAGE = "manage", _("Manage or withdraw the signature")

    CONFIRM_LIFETIME = timedelta(days=7)

    signature = models.ForeignKey(Signature, on_delete=models.CASCADE, related_name="tokens")
    purpose = models.CharField(max_length=10, choices=Purpose)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("signature token")
        verbose_name_plural = _("signature tokens")

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} token for signature {self.signature_id}"

    @classmethod
    def issue(cls, signature: Signature, purpose: str) -> str:
        """Store a new token for `signature` and return the raw value, which is never stored."""
        raw = secrets.token_urlsafe(32)
        expires_at = timezone.now() + cls.CONFIRM_LIFETIME if purpose == cls.Purpose.CONFIRM else None
        cls.objects.create(
            signature=signature, purpose=purpose, digest=token_digest(raw), expires_at=expires_at
        )
        return raw

    @classmethod
    def issue_many(cls, signature_ids: list[int], purpose: str) -> dict[int, str]:
        """Tokens for many signatures in one query (an update's batch): signature id -> raw value."""
        return cls.issue_for({purpose: signature_ids})[purpose]

    @classmethod
    def issue_for(cls, wanted: dict[str, list[int]]) -> dict[str, dict[int, str]]:
        """Tokens of several purposes in one query (a confirmation's manage and confirm links):
        purpose -> signature id -> raw value."""
        now = timezone.now()
        raws = {purpose: {pk: secrets.token_urlsafe(32) for pk in ids} for purpose, ids in wanted.items()}
        cls.objects.bulk_create(
            cls(
                signature_id=signature_id,
                purpose=purpose,
                digest=token_digest(raw),
                expires_at=now + cls.CONFIRM_LIFETIME if purpose == cls.Purpose.CONFIRM else None,
            )
            for purpose, tokens in raws.items()
            for signature_id, raw in tokens.items()
        )
        return raws

    @classmethod
    def find(
        cls, raw: str, purpose: str, lock: bool = False, columns: tuple[str, ...] = ()
    ) -> "SignatureToken | None":
        """The token behind `raw`, whatever its state (expired, used), or None if forged.

        With `lock`, inside a transaction, the token's row and its signature's stay locked until
        it ends, so two uses of one token at once are served one after the other, and the
        signature read is the one a change may start from (Signature.confirm(locked=True)).
        With `columns` (the token's, its signature's and perhaps its statement's, as for `only()`),
        just those are read, and the statement only if one of them is its: for a caller that needs
        no more (each other column would cost a query of its own).
        """
        if not raw or len(raw) > 100:
            return None
        tokens = cls.objects.filter(digest=token_digest(raw), purpose=purpose)
        if lock:
            tokens = tokens.select_for_update(of=("self", "signature"))
        if not columns:
            tokens = tokens.select_related("signature__statement")
        elif any(column.startswith("signature__statement__") for column in columns):
            tokens = tokens.select_related("signature__statement").only(*columns)
        else:
            tokens = tokens.select_related("signature").only(*columns)
        # A digest is unique: get() needs no ORDER BY, which first() would compile and send.
        try:
            return tokens.get()
        except cls.DoesNotExist:
            return None

    @property
    def is_usable(self) -> bool:
        if self.used_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()


class ConsentEvent(models.Model):
    """A signer's choice about update emails, kept as a dated record rather than only a flag."""

    class Source(models.TextChoices):
        SIGN_FORM = "sign", _("Sign form")
        MANAGE_LINK = "manage", _("Manage link in an email")
        ACCOUNT = "account", _("Account page")
        UNSUBSCRIBE = "unsubscribe", _("Unsubscribe link in an update email")

    signature = models.ForeignKey(Signature, on_delete=models.CASCADE, related_name="consent_events")
    wants_updates = models.BooleanField()
    changed_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=20, choices=Source)

    class Meta:
        ordering = ["changed_at"]
        verbose_name = _("consent event")
        verbose_name_plural = _("consent events")

    def __str__(self) -> str:
        return f"{self.signature_id}: updates {'on' if self.wants_updates else 'off'} ({self.source})"

    @classmethod
    def record(cls, signature: Signature, wants_updates: bool, source: str) -> "ConsentEvent":
        """Set the signature's update preference and record the change, in one transaction."""
        with transaction.atomic():
            Signature.objects.filter(pk=signature.pk).update(wants_updates=wants_updates)
            signature.wants_updates = wants_updates
            return cls.objects.create(signature=signature, wants_updates=wants_updates, source=source)


class SignAttemptQuerySet(models.QuerySet["SignAttempt"]):
    def of_person(self, signature: Signature) -> "SignAttemptQuerySet":
        """Attempts not acted on yet made with `signature`'s address (or organisation): theirs
        to see in a copy of their data, and to erase with it."""
        key = signature.email_normalised
        made = models.Q(kind=SignAttempt.Kind.SIGN, payload__fields__email_normalised=key)
        made |= models.Q(kind=SignAttempt.Kind.RESEND, payload__email_normalised=key)
        if signature.kind != Signature.Kind.ORGANISATION and signature.email:
            made |= models.Q(kind=SignAttempt.Kind.SIGN_UP, payload__email__iexact=signature.email)
        return self.filter(made)

    def take(self, attempt_id: int) -> "SignAttempt | None":
        """Delete an attempt and return it, to be acted on in the caller's transaction (whose
        rollback brings it back). None if it is gone, or if another worker holds it right now
        (its row is locked: skipped, not waited for).

        One statement: selecting it for update, then deleting it through the ORM, cost more CPU
        than anything else the signing task asks of the database."""
        table = self.model._meta.db_table
        features = connections[self.db].features
        skip_locked = " FOR UPDATE SKIP LOCKED" if features.has_select_for_update_skip_locked else ""
        sql = (
            f"DELETE FROM {table} WHERE id IN (SELECT id FROM {table} WHERE id = %s{skip_locked}) "
            "RETURNING id, kind, payload, created_at"
        )
        return next(iter(self.raw(sql, [attempt_id])), None)


class SignAttempt(models.Model):
    """A sign, resend or sign-up form as sent, waiting for the task that acts on it.

    The request writes one of these whoever sent the form and answers at once; what differs
    between an address seen before and a new one (a new signature, or a repeat email, or
    nothing) is done by the task, so neither the page nor its timing tells which it was. Like
    an outbox row it is written in the request's transaction, so a broker that is down loses
    nothing: the sweep acts on rows no task took. A row is deleted as it is acted on.
    """

    class Kind(models.TextChoices):
        SIGN = "sign", _("Sign")
        RESEND = "resend", _("Resend a confirmation link")
        SIGN_UP = "sign_up", _("Sign up for an account")

    kind = models.CharField(max_length=10, choices=Kind)
    # What the task needs, as the form gave it (personal data, kept only until it is acted on).
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SignAttemptQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("sign attempt")
        verbose_name_plural = _("sign attempts")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"
