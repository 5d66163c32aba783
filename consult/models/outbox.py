"""The outbox: every email the site sends is a row, written in the transaction that decides it.

A row says what the email is, to whom, and where it stands; consult/emails.py writes what it
says and consult/sending.py sends it. Its state moves one way: pending, then sent, failed (the
receiving server refused it for good, or it could not be delivered within GIVE_UP_AFTER) or
skipped (no longer needed: the signature was confirmed or withdrawn meanwhile, the signer
unsubscribed). While pending, a sender may claim it for a while (`claimed_until`), and a failed
attempt sets when it is due again (`next_attempt_at`, further away after each failure).
"""

from datetime import timedelta

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import connections, models, router, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consult.models.signatures import Signature
from consult.models.updates import Update


class OutboundEmailQuerySet(models.QuerySet):
    def pending(self) -> "OutboundEmailQuerySet":
        return self.filter(state=OutboundEmail.State.PENDING)

    def due(self) -> "OutboundEmailQuerySet":
        """Pending rows whose time has come and that no sender holds."""
        now = timezone.now()
        return self.pending().filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lte=now), next_attempt_at__lte=now
        )

    def repeats(self) -> "OutboundEmailQuerySet":
        """Emails answering a repeat attempt to sign, which are capped per signature."""
        return self.filter(kind__in=[OutboundEmail.Kind.CONFIRM_AGAIN, OutboundEmail.Kind.ALREADY_SIGNED])

    def of_signatures(self, signature_ids: list[int]) -> "OutboundEmailQuerySet":
        """Emails to these signatures' signers, or about these signatures."""
        about = Q(
            content_type=ContentType.objects.get_for_model(Signature),
            object_id__in=[str(pk) for pk in signature_ids],
        )
        return self.filter(Q(signature__in=signature_ids) | about)

    def forget(self) -> None:
        """Erase these emails for their recipient: unsent ones are not sent, sent ones keep no
        address or text (the record that an email went, and when, stays)."""
        self.pending().delete()
        self.exclude(to="", text="", html="", ip_hash="").update(to="", text="", html="", ip_hash="")

    def claim(self, limit: int, lease: timedelta) -> list["OutboundEmail"]:
        """Take up to `limit` due rows for `lease`, committed before anything is sent.

        Rows another sender is claiming right now are skipped, not waited for, so two senders
        never hold the same row; a sender that dies leaves its rows to whoever comes after the
        lease. Only the outbox rows are locked (a sign in progress holds its statement's row).
        """
        with transaction.atomic():
            claimed = list(
                self.due()
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("signature")
                .order_by("pk")[:limit]
            )
            until = timezone.now() + lease
            OutboundEmail.objects.filter(pk__in=[row.pk for row in claimed]).update(claimed_until=until)
        return claimed

    def postpone(self, until) -> int:
        """Let go of claimed rows that were not tried, to be tried at `until`."""
        return self.pending().update(claimed_until=None, next_attempt_at=until)

    def give_up(self, reason: str) -> int:
        return self.pending().update(
            state=OutboundEmail.State.FAILED, last_error=reason[:1000], claimed_until=None
        )

    def expired(self) -> "OutboundEmailQuerySet":
        """Pending rows queued longer ago than anyone should still get them."""
        return self.pending().filter(created_at__lt=timezone.now() - OutboundEmail.GIVE_UP_AFTER)

    def progress(self) -> dict[str, int]:
        """How many rows are in each state, and in all."""
        totals = self.aggregate(
            total=Count("pk"), **{state: Count("pk", filter=Q(state=state)) for state in OutboundEmail.State}
        )
        return {str(key): value for key, value in totals.items()}

    def failures(self) -> list[dict]:
        """Rows given up, or waiting after a failed attempt, counted by state and reason."""
        failing = self.exclude(last_error="").exclude(state=OutboundEmail.State.SENT)
        grouped = failing.values("state", "last_error").annotate(count=Count("pk"))
        return list(grouped.order_by("-count", "state", "last_error"))


class OutboundEmail(models.Model):
    """One email to one person. Signers' emails are written when sent (they carry fresh links);
    every other email is written when queued and kept here as it will leave."""

    class Kind(models.TextChoices):
        CONFIRM = "confirm", _("Confirm your signature")
        CONFIRM_AGAIN = "confirm_again", _("Confirm your signature (sent again)")
        ALREADY_SIGNED = "already_signed", _("You have already signed")
        UPDATE = "update", _("Update to signers")
        MESSAGE = "message", _("Message written when queued")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Given up")
        SKIPPED = "skipped", _("No longer needed")

    # Emails written when sent, to the signer of `signature`.
    SIGNER_KINDS = [Kind.CONFIRM, Kind.CONFIRM_AGAIN, Kind.ALREADY_SIGNED, Kind.UPDATE]
    # A person who tries to sign again gets at most this many repeat emails per signature.
    MAX_REPEATS = 3
    # After a failed attempt a row waits FIRST_RETRY, then twice as long after each failure, up
    # to RETRY_AFTER: a mail server down for hours delays emails but loses none...
    FIRST_RETRY = timedelta(seconds=30)
    RETRY_AFTER = timedelta(minutes=10)
    # ...until this long after it was queued, when it is given up (a confirmation link dies then).
    GIVE_UP_AFTER = timedelta(days=7)

    kind = models.CharField(max_length=20, choices=Kind)
    state = models.CharField(max_length=10, choices=State, default=State.PENDING)
    signature = models.ForeignKey(
        Signature, on_delete=models.CASCADE, null=True, blank=True, related_name="outbound_emails"
    )
    # The (composite) index below serves lookups by update.
    update = models.ForeignKey(
        Update, on_delete=models.CASCADE, null=True, blank=True, related_name="emails", db_index=False
    )
    # Signers' emails go to the signature's address as it is when sent; others to this one.
    to = models.EmailField(max_length=254, blank=True)
    language = models.CharField(max_length=8, blank=True)
    # Emails written when queued: the template triplet they came from, and what they say.
    template = models.CharField(max_length=100, blank=True)
    subject = models.TextField(blank=True)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    # What the email is about (an argument, a signature, an update), for the admin and exports.
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    about = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    # Why the last attempt failed, or why the email was given up or skipped.
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # A repeat email (confirm again, already signed): the hashed address of the attempt that asked
    # for it, counted by the mail caps (consult/abuse.py). Cleared with the signatures' hashes.
    ip_hash = models.CharField(max_length=64, blank=True)

    objects = OutboundEmailQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("outbound email")
        verbose_name_plural = _("outbound emails")
        constraints = [
            # One email per update per signer: a retried or repeated fan-out cannot email twice.
            models.UniqueConstraint(
                fields=["update", "signature"],
                condition=Q(update__isnull=False),
                name="one_email_per_update_per_signer",
            ),
            # A signer's email names its signature (its address and language come from there).
            models.CheckConstraint(
                condition=~Q(kind__in=["confirm", "confirm_again", "already_signed", "update"])
                | Q(signature__isnull=False),
                name="signer_email_names_signature",
            ),
            # An update email names its update.
            models.CheckConstraint(
                condition=~Q(kind="update") | Q(update__isnull=False), name="update_email_names_update"
            ),
        ]
        indexes = [
            # The sweep looks for pending rows that are due.
            models.Index(fields=["next_attempt_at"], condition=Q(state="pending"), name="outbox_due"),
            # An update's progress by state, and its batches walked by id.
            models.Index(
                fields=["update", "state", "id"],
                condition=Q(update__isnull=False),
                name="outbox_update_batches",
            ),
            # The emails about an object, for the admin and the personal-data export.
            models.Index(
                fields=["content_type", "object_id"],
                condition=Q(content_type__isnull=False),
                name="outbox_about",
            ),
            # The mail caps count the last hours' repeat emails.
            models.Index(
                fields=["created_at"],
                condition=Q(kind__in=["confirm_again", "already_signed"]),
                name="outbox_repeats",
            ),
        ]

    def __str__(self) -> str:
        whom = f"signature {self.signature_id}" if self.signature_id else self.template
        return f"{self.get_kind_display()} ({whom})"

    @property
    def address(self) -> str:
        return self.signature.email if self.kind in self.SIGNER_KINDS else self.to

    @property
    def moot_because(self) -> str:
        """Why this email need not go out any more, or "" if it is still needed."""
        if not self.address:
            return "No address any more (erased)."
        confirmation = self.kind in (self.Kind.CONFIRM, self.Kind.CONFIRM_AGAIN)
        if confirmation and self.signature.state != Signature.State.PENDING:
            return "The signature is no longer awaiting confirmation."
        if self.kind == self.Kind.UPDATE:
            if self.signature.counted_as is None:
                return "The signature no longer counts."
            if not self.signature.wants_updates:
                return "The signer no longer wants updates."
        return ""

    @classmethod
    def pause_after(cls, attempts: int) -> timedelta:
        """How long to wait after the `attempts`-th failed attempt."""
        return min(cls.FIRST_RETRY * 2 ** max(attempts - 1, 0), cls.RETRY_AFTER)

    def _finish(self, **changes: object) -> None:
        """Record an attempt's outcome and let go of the claim, in one statement.

        Written as SQL: an UPDATE built through the ORM cost four times the CPU of running it,
        once for every email sent."""
        changes = {"last_attempt_at": timezone.now(), "claimed_until": None, **changes}
        connection = connections[router.db_for_write(OutboundEmail)]
        by_name = {field.name: field for field in self._meta.concrete_fields}
        fields = [by_name[name] for name in changes]
        assignments = "".join(f", {connection.ops.quote_name(field.attname)} = %s" for field in fields)
        params = [
            field.get_db_prep_save(value, connection)
            for field, value in zip(fields, changes.values(), strict=True)
        ]
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {self._meta.db_table} SET attempts = attempts + 1{assignments} WHERE id = %s",
                [*params, self.pk],
            )

    def mark_sent(self) -> None:
        self._finish(state=self.State.SENT, sent_at=timezone.now(), last_error="")

    def retry_later(self, reason: str) -> None:
        pause = self.pause_after(self.attempts + 1)
        self._finish(last_error=reason[:1000], next_attempt_at=timezone.now() + pause)

    def give_up(self, reason: str) -> None:
        self._finish(state=self.State.FAILED, last_error=reason[:1000])

    def skip(self, reason: str) -> None:
        OutboundEmail.objects.filter(pk=self.pk).update(
            state=self.State.SKIPPED, last_error=reason, claimed_until=None
        )
