import logging
import random
from collections import Counter
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from consult.addresses import normalise_email
from consult.models.history import SignatureArea
from consult.models.organisations import Organisation
from consult.models.statements import Counts, Statement
from consult.postcodes import postcode_area

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)


class SignatureQuerySet(models.QuerySet):
    def counted(self) -> "SignatureQuerySet":
        """Signatures that count: confirmed and not held."""
        return self.filter(state=Signature.State.CONFIRMED, hold=Signature.Hold.NONE)

    def live(self) -> "SignatureQuerySet":
        return self.exclude(state=Signature.State.WITHDRAWN)

    def listed(self) -> "SignatureQuerySet":
        """Counted signatures whose signer chose to be listed publicly."""
        return self.counted().filter(show_name=True)

    def held_as_suspect(self) -> "SignatureQuerySet":
        return self.filter(hold=Signature.Hold.SUSPECT, state=Signature.State.CONFIRMED)

    def held_over_rate(self) -> "SignatureQuerySet":
        return self.filter(hold=Signature.Hold.RATE, state=Signature.State.CONFIRMED)

    def waiting_for_email(self) -> "SignatureQuerySet":
        """Pending signatures whose confirmation email the mail caps kept back."""
        return self.filter(hold=Signature.Hold.MAIL_CAP, state=Signature.State.PENDING)

    def awaiting_checks(self) -> "SignatureQuerySet":
        """Confirmed but held: they count once a moderator's checks pass."""
        return self.filter(state=Signature.State.CONFIRMED).exclude(hold=Signature.Hold.NONE)

    def notable_awaiting_verification(self) -> "SignatureQuerySet":
        return self.filter(role_status=Signature.RoleStatus.PENDING).exclude(state=Signature.State.WITHDRAWN)

    def change_all(self, from_states: set[str], **changes: object) -> dict[int, str]:
        """Apply changes to every signature here in one of `from_states`, counters included.

        The bulk twin of `Signature._change`, for a moderator's decision on thousands of rows:
        the rows are locked first (in primary-key order, as every bulk path locks them), their
        states read there, updated in chunks, and each statement's counters moved once per kind
        by what stopped or started counting, and so is each postcode area's count. Returns each
        changed signature's previous state.
        """
        with transaction.atomic(savepoint=False):
            rows = list(
                self.filter(state__in=from_states)
                .select_for_update()
                .order_by("pk")
                .values_list("pk", "statement_id", "postcode", *COUNTING_FIELDS)
            )
            moved: Counter[tuple[int, str]] = Counter()
            areas: Counter[tuple[int, str]] = Counter()
            for _pk, statement_id, postcode, *fields in rows:
                before = dict(zip(COUNTING_FIELDS, fields, strict=True))
                after = {**before, **{field: changes[field] for field in COUNTING_FIELDS if field in changes}}
                for leaving in counters_of(**before):
                    moved[statement_id, leaving] -= 1
                for joining in counters_of(**after):
                    moved[statement_id, joining] += 1
                if area := counted_area(postcode, **before):
                    areas[statement_id, area] -= 1
                if area := counted_area(str(changes.get("postcode", postcode)), **after):
                    areas[statement_id, area] += 1
            ids = [row[0] for row in rows]
            for start in range(0, len(ids), CHUNK):
                Signature.objects.filter(pk__in=ids[start : start + CHUNK]).update(**changes)
            for (statement_id, kind), delta in moved.items():
                if delta:
                    SignatureCounter.add(statement_id, kind, delta)
            # After the counters (the reconciliation locks those first), in one order, so two
            # bulk changes never wait for each other's areas in a circle.
            for (statement_id, area), delta in sorted(areas.items()):
                if delta:
                    SignatureArea.add(statement_id, area, delta)
        return {row[0]: row[3] for row in rows}

    def of_person(self, person: "Signature | User") -> "SignatureQuerySet":
        """This person's signatures: the one answer for "My signatures", a copy of one's data,
        erasure, withdrawal, email preferences and unsubscribing.

        `person` is an account (the signatures made logged in to it and, once its address is
        verified, those signed with that address) or a signature (for whoever holds its manage or
        unsubscribe link: the signatures made with the same normalised address).

        An organisation's signature is the organisation's, not that of the member who made it:
        through an account only the organisation's current administrators reach it, and it stands
        for itself alone (its data is not a person's other signatures, and an administrator who
        leaves or stops being one loses it).
        """
        organisation = Q(kind=Signature.Kind.ORGANISATION)
        if isinstance(person, Signature):
            if person.kind == Signature.Kind.ORGANISATION:
                return self.filter(pk=person.pk)
            return self.filter(email_normalised=person.email_normalised).exclude(organisation)
        own = Q(user=person)
        if person.has_verified_email:
            own |= Q(email_normalised=normalise_email(person.email))
        acting_for = organisation & Q(organisation__in=Organisation.objects.administered_by(person))
        return self.filter((own & ~organisation) | acting_for)


# What decides whether, and as what, a signature counts (see `counted_kind`).
COUNTING_FIELDS = ("state", "kind", "hold", "role_status")
# Rows updated per statement by one UPDATE in bulk changes: keeps each list of ids short.
CHUNK = 2_000


def counted_kind(state: str, kind: str, hold: str, role_status: str) -> str | None:
    """The counter a signature in this state adds to, or None while it does not count."""
    if state != Signature.State.CONFIRMED or hold != Signature.Hold.NONE:
        return None
    if kind == Signature.Kind.NOTABLE and role_status != Signature.RoleStatus.VERIFIED:
        return Signature.Kind.INDIVIDUAL
    return kind


def counted_area(postcode: str, state: str, kind: str, hold: str, role_status: str) -> str:
    """The postcode area a signature in this state adds to, or "" (not counted, or no area)."""
    return postcode_area(postcode) if counted_kind(state, kind, hold, role_status) else ""


def counters_of(state: str, kind: str, hold: str, role_status: str) -> list[str]:
    """Every counter a signature in this state adds to: its counted kind, or awaiting checks."""
    if counted := counted_kind(state, kind, hold, role_status):
        return [counted]
    if state == Signature.State.CONFIRMED and hold != Signature.Hold.NONE:
        return [SignatureCounter.AWAITING]
    return []


class Signature(models.Model):
    """One person or organisation signing one statement.

    It counts only while it is confirmed and not held. Every change of state goes through
    `_change()` (one signature) or `Signature.objects.change_all()` (many), which move the
    statement's counters in the same transaction. Nothing else writes the counters but the
    reconciliation. The same goes for the counts by postcode area (SignatureArea).
    """

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual")
        ORGANISATION = "organisation", _("On behalf of an organisation")
        NOTABLE = "notable", _("Holder of a public role")

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting email confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        INVALIDATED = "invalidated", _("Invalidated")

    class Hold(models.TextChoices):
        NONE = "", _("Not held")
        SUSPECT = "suspect", _("Held as suspect")
        UNVERIFIED_ORGANISATION = "organisation", _("Held until the organisation is verified")
        # Set by the signing rules (consult/abuse.py): only the last two keep the email back.
        RATE = "rate", _("Held: over the rate for its address")
        BLOCKED = "blocked", _("Held: blocked address range or domain")
        MAIL_CAP = "mail_cap", _("Held: mail cap reached, email not sent")

    class AddressRange(models.TextChoices):
        NONE = "", _("Not listed")
        ALLOWED = "allowed", _("Allowed range")
        BLOCKED = "blocked", _("Blocked range")

    class RoleStatus(models.TextChoices):
        NONE = "", _("No public role")
        PENDING = "pending", _("Awaiting verification")
        VERIFIED = "verified", _("Verified")
        REFUSED = "refused", _("Refused")

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="signatures")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.INDIVIDUAL)
    state = models.CharField(_("state"), max_length=12, choices=State, default=State.PENDING)
    hold = models.CharField(_("hold"), max_length=12, choices=Hold, default=Hold.NONE, blank=True)
    name = models.CharField(_("full name"), max_length=100)
    email = models.EmailField(_("email"), max_length=254)
    email_normalised = models.CharField(_("normalised email"), max_length=254)
    postcode = models.CharField(_("postcode"), max_length=8, blank=True)
    show_name = models.BooleanField(_("name listed publicly"), default=False)
    wants_updates = models.BooleanField(_("wants email updates"), default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="signatures"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="signatures"
    )
    public_role = models.CharField(_("public role"), max_length=200, blank=True)
    role_status = models.CharField(
        _("role verification"), max_length=10, choices=RoleStatus, default=RoleStatus.NONE, blank=True
    )
    # The language the signer used, for their emails (a Welsh signer gets Welsh ones).
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    ip_hash = models.CharField(_("IP address hash"), max_length=64, blank=True)
    # What the signing rules read (the raw address is never kept, so its range is noted on arrival).
    address_range = models.CharField(
        _("address range"), max_length=8, choices=AddressRange, default=AddressRange.NONE, blank=True
    )
    email_domain = models.CharField(_("email domain"), max_length=254, blank=True)
    # Seconds from the form being served to it being sent: a signal for moderators, never a verdict.
    # Empty when the form carried no fresh timing token (none, forged, expired or used before).
    dwell_seconds = models.PositiveIntegerField(_("seconds on the form"), null=True, blank=True)
    # When the signing rules let its confirmation email go (or a moderator released it).
    checked_at = models.DateTimeField(_("checks passed"), null=True, blank=True)
    created_at = models.DateTimeField(_("signed"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    invalidation_reason = models.TextField(_("reason for invalidation"), blank=True)
    # Set when a fraud clean-up invalidated this signature, so the clean-up can be undone.
    cleanup = models.ForeignKey(
        "consult.FraudCleanup", on_delete=models.SET_NULL, null=True, blank=True, related_name="signatures"
    )

    objects = SignatureQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        # A context keeps the model name apart from the count "1 signature" in the catalogue.
        verbose_name = pgettext_lazy("model name", "signature")
        verbose_name_plural = _("signatures")
        permissions = [
            ("view_signer_personal_data", "Can see signers' email addresses and postcodes"),
            ("export_signer_personal_data", "Can export signers' personal data as CSV"),
        ]
        constraints = [
            # One live signature per person (normalised email) per statement.
            models.UniqueConstraint(
                fields=["statement", "email_normalised"],
                condition=~Q(state="withdrawn"),
                name="one_live_signature_per_email",
            ),
            # An organisation signs a statement once.
            models.UniqueConstraint(
                fields=["statement", "organisation"],
                condition=Q(kind="organisation") & ~Q(state="withdrawn"),
                name="one_live_signature_per_organisation",
            ),
            # An organisation's signature names the organisation; nobody else's does.
            models.CheckConstraint(
                condition=Q(kind="organisation", organisation__isnull=False) | ~Q(kind="organisation"),
                name="organisation_signature_names_organisation",
            ),
        ]
        indexes = [
            # Public lists of signers and the moderators' lists, newest first.
            models.Index(fields=["statement", "state", "-created_at"], name="signature_listing"),
            # Reconciliation and fraud clean-up count by statement, state and hold.
            models.Index(fields=["statement", "state", "hold"], name="signature_counting"),
            # Retention: pending signatures past their deadline.
            models.Index(fields=["state", "created_at"], name="signature_retention"),
            # "My signatures", found by email.
            models.Index(fields=["email_normalised"], name="signature_by_email"),
            # The statement page's latest listed individuals, without scanning a million rows.
            models.Index(
                fields=["statement", "-confirmed_at"],
                condition=Q(state="confirmed", hold="", kind="individual", show_name=True),
                name="signature_listed_individuals",
            ),
            # The statement page's organisations and holders of public roles.
            models.Index(
                fields=["statement", "kind"],
                condition=Q(state="confirmed", hold="") & ~Q(kind="individual"),
                name="signature_listed_signatories",
            ),
            # The signing rules: signatures from one address on one statement in a window.
            models.Index(fields=["statement", "ip_hash", "created_at"], name="signature_by_address"),
            # The mail caps: confirmation emails let go per address and per domain in a window.
            models.Index(
                fields=["ip_hash", "checked_at"],
                condition=Q(checked_at__isnull=False),
                name="signature_mailed_ip",
            ),
            models.Index(
                fields=["email_domain", "checked_at"],
                condition=Q(checked_at__isnull=False),
                name="signature_mailed_domain",
            ),
            # The moderation queue of suspect signatures.
            models.Index(fields=["hold", "state"], condition=~Q(hold=""), name="signature_held"),
            # The moderation queue of public roles to verify, and the admin's filter on them.
            models.Index(fields=["role_status"], condition=~Q(role_status=""), name="signature_role_status"),
            # The signature history: counted signatures by time of confirmation (consult/history.py).
            models.Index(
                fields=["confirmed_at", "statement"],
                condition=Q(state="confirmed", hold=""),
                name="signature_confirmations",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} on {self.statement}"

    @property
    def counted_as(self) -> str | None:
        """The counter this signature adds to, or None while it does not count."""
        return counted_kind(self.state, self.kind, self.hold, self.role_status)

    @property
    def counted_area(self) -> str:
        """The postcode area this signature adds to, or "" while it does not count or has none."""
        return counted_area(self.postcode, self.state, self.kind, self.hold, self.role_status)

    @property
    def role_awaits_verification(self) -> bool:
        """A public role claimed and not yet checked: until a moderator does, it counts as an individual's."""
        return self.kind == self.Kind.NOTABLE and self.role_status == self.RoleStatus.PENDING

    @property
    def awaits_checks(self) -> bool:
        """Confirmed but held: shown beside the count as awaiting checks."""
        return counters_of(self.state, self.kind, self.hold, self.role_status) == [SignatureCounter.AWAITING]

    def _change(self, from_states: set[str] | None = None, locked: bool = False, **changes) -> bool:
        """Apply changes to this signature and move the counters to match, atomically.

        The row is locked first and its state checked there (not on this possibly stale
        copy), so a double click on "confirm", or a confirmation racing a moderator's
        invalidation, moves the counters once and never revives an invalidated signature.
        With `locked`, this copy was read with its row locked, in the caller's transaction
        still open: it is the current one. Returns whether anything changed.
        """
        # No savepoint inside a caller's transaction (it costs two round trips): nothing here
        # catches an error, so a failure rolls back the caller's transaction as a whole.
        with transaction.atomic(savepoint=False):
            current = self if locked else Signature.objects.select_for_update().get(pk=self.pk)
            if from_states is not None and current.state not in from_states:
                return False
            if all(getattr(current, field) == value for field, value in changes.items()):
                return False
            before, awaited_before = current.counted_as, current.awaits_checks
            area_before = current.counted_area
            for field, value in changes.items():
                setattr(current, field, value)
            current.save(update_fields=list(changes))
            after = current.counted_as
            if before != after:
                if before:
                    SignatureCounter.add(self.statement_id, before, -1)
                if after:
                    SignatureCounter.add(self.statement_id, after, 1)
            if awaited_before != current.awaits_checks:
                delta = 1 if current.awaits_checks else -1
                SignatureCounter.add(self.statement_id, SignatureCounter.AWAITING, delta)
            # After the counters, which the reconciliation locks first (see `reconcile`).
            if area_before != current.counted_area:
                if area_before:
                    SignatureArea.add(self.statement_id, area_before, -1)
                if current.counted_area:
                    SignatureArea.add(self.statement_id, current.counted_area, 1)
        for field, value in changes.items():
            setattr(self, field, value)
        return True

    def confirm(self, locked: bool = False) -> bool:
        return self._change(
            {self.State.PENDING}, locked, state=self.State.CONFIRMED, confirmed_at=timezone.now()
        )

    def withdraw(self) -> bool:
        live = {self.State.PENDING, self.State.CONFIRMED, self.State.INVALIDATED}
        return self._change(live, state=self.State.WITHDRAWN, withdrawn_at=timezone.now())

    def set_listed(self, listed: bool) -> bool:
        """List or unlist the signer's name publicly, keeping the signature (and every count) as it
        is; a withdrawn signature is listed nowhere and stays so. Whether anything changed."""
        changed = (
            Signature.objects.filter(pk=self.pk, kind=self.Kind.INDIVIDUAL)
            .exclude(state=self.State.WITHDRAWN)
            .exclude(show_name=listed)
            .update(show_name=listed)
        )
        if changed:
            self.show_name = listed
        return bool(changed)

    def invalidate(self, reason: str) -> bool:
        live = {self.State.PENDING, self.State.CONFIRMED}
        return self._change(live, state=self.State.INVALIDATED, invalidation_reason=reason)

    def release(self) -> bool:
        """Lift a hold (a moderator found the signature genuine); a pending one's email may go now."""
        changes: dict = {"hold": self.Hold.NONE}
        if self.state == self.State.PENDING and self.checked_at is None:
            changes["checked_at"] = timezone.now()
        return self._change(**changes)

    def record_checks(self, hold: str, mailed: bool, locked: bool = False) -> bool:
        """The signing rules' verdict on a pending signature: its hold, and whether its email goes.
        With `locked`, as for `_change`."""
        changes: dict = {"hold": hold}
        if mailed:
            changes["checked_at"] = timezone.now()
        return self._change({self.State.PENDING}, locked, **changes)

    def hold_for_organisation(self) -> bool:
        """Stop counting an organisation's signature while the organisation is not verified."""
        return self._change(hold=self.Hold.UNVERIFIED_ORGANISATION)

    def set_role_status(self, status: str) -> bool:
        return self._change(role_status=status)


class SignatureCounter(models.Model):
    """Sharded counters of counted signatures: the source of every count the site shows.

    Adding 1 to a single row per statement makes every confirmation on a popular statement
    queue behind one row lock. Instead each confirmation adds to one of SHARDS rows chosen at
    random, in the same transaction as the signature's change of state, so a count is exact
    the moment the transaction commits and concurrent confirmations rarely wait for each other.
    Reading a count sums at most SHARDS rows per kind; `reconcile()` corrects any drift.
    """

    SHARDS = 16
    # The counter of confirmed signatures held for checks, kept beside the kinds that count.
    AWAITING = "awaiting"
    KINDS = [*Signature.Kind.values, AWAITING]

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="counters")
    kind = models.CharField(max_length=12, choices=Signature.Kind)
    shard = models.PositiveSmallIntegerField()
    count = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("signature counter")
        verbose_name_plural = _("signature counters")
        constraints = [
            # One row per shard per kind per statement, so adding never creates duplicates.
            models.UniqueConstraint(fields=["statement", "kind", "shard"], name="one_counter_per_shard"),
        ]

    def __str__(self) -> str:
        return f"{self.statement_id}/{self.kind}/{self.shard}: {self.count}"

    @classmethod
    def ensure_rows(cls, statement_id: int) -> None:
        cls.objects.bulk_create(
            [
                cls(statement_id=statement_id, kind=kind, shard=shard)
                for kind in cls.KINDS
                for shard in range(cls.SHARDS)
            ],
            ignore_conflicts=True,
        )

    @classmethod
    def add(cls, statement_id: int, kind: str, delta: int) -> None:
        shard = random.randrange(cls.SHARDS)
        rows = cls.objects.filter(statement_id=statement_id, kind=kind, shard=shard)
        if not rows.update(count=F("count") + delta):
            cls.ensure_rows(statement_id)
            rows.update(count=F("count") + delta)

    @classmethod
    def counts_for(cls, statement_id: int) -> Counts:
        return cls.counts_for_many([statement_id])[statement_id]

    @classmethod
    def counts_for_many(cls, statement_ids: list[int]) -> dict[int, Counts]:
        """The counts of several statements in one query over their counter rows."""
        totals: dict[int, dict[str, int]] = {statement_id: {} for statement_id in statement_ids}
        rows = (
            cls.objects.filter(statement_id__in=statement_ids)
            .values("statement_id", "kind")
            .annotate(total=Sum("count"))
            .values_list("statement_id", "kind", "total")
        )
        for statement_id, kind, total in rows:
            totals[statement_id][kind] = total
        return {
            statement_id: Counts(
                individuals=kinds.get(Signature.Kind.INDIVIDUAL, 0),
                organisations=kinds.get(Signature.Kind.ORGANISATION, 0),
                notable=kinds.get(Signature.Kind.NOTABLE, 0),
                awaiting_checks=kinds.get(cls.AWAITING, 0),
            )
            for statement_id, kinds in totals.items()
        }

    @classmethod
    def reconcile(cls, statement_id: int) -> int:
        """Recount a statement's signatures from their rows and correct the counters.

        Locks every counter row of the statement first: a confirmation that has not yet added
        to its counter waits, and adds after the recount, so nothing is counted twice or lost.
        Two reconciliations of one statement run one after the other. The counts by postcode area
        are corrected under the same locks (they move only after the counters). Returns the drift
        found in the count.
        """
        cls.ensure_rows(statement_id)
        with transaction.atomic():
            list(cls.objects.select_for_update().filter(statement_id=statement_id))
            shown = cls.counts_for(statement_id)
            actual = cls._count_rows(statement_id)
            drift = actual.total - shown.total
            if actual != shown or actual.awaiting_checks != shown.awaiting_checks:
                for kind, total in [
                    (Signature.Kind.INDIVIDUAL, actual.individuals),
                    (Signature.Kind.ORGANISATION, actual.organisations),
                    (Signature.Kind.NOTABLE, actual.notable),
                    (cls.AWAITING, actual.awaiting_checks),
                ]:
                    cls.objects.filter(statement_id=statement_id, kind=kind).update(count=0)
                    cls.objects.filter(statement_id=statement_id, kind=kind, shard=0).update(count=total)
                logger.warning(
                    "Reconciled counts of statement %s: shown %s, actual %s", statement_id, shown, actual
                )
            cls._reconcile_areas(statement_id)
        return drift

    @staticmethod
    def _reconcile_areas(statement_id: int) -> None:
        shown = SignatureArea.counts_for(statement_id, shown=False)
        actual = count_areas(statement_id)
        if actual == shown:
            return
        SignatureArea.objects.filter(statement_id=statement_id).delete()
        SignatureArea.objects.bulk_create(
            [
                SignatureArea(statement_id=statement_id, area=area, count=count)
                for area, count in actual.items()
            ]
        )
        logger.warning(
            "Reconciled postcode areas of statement %s: shown %s, actual %s", statement_id, shown, actual
        )

    @staticmethod
    def _count_rows(statement_id: int) -> Counts:
        counted = Signature.objects.counted().filter(statement_id=statement_id)
        notable_verified = Q(kind=Signature.Kind.NOTABLE, role_status=Signature.RoleStatus.VERIFIED)
        totals = counted.aggregate(
            organisations=Count("pk", filter=Q(kind=Signature.Kind.ORGANISATION)),
            notable=Count("pk", filter=notable_verified),
            all=Count("pk"),
        )
        return Counts(
            individuals=totals["all"] - totals["organisations"] - totals["notable"],
            organisations=totals["organisations"],
            notable=totals["notable"],
            awaiting_checks=Signature.objects.awaiting_checks().filter(statement_id=statement_id).count(),
        )


def count_areas(statement_id: int) -> dict[str, int]:
    """{area: counted signatures}, recounted from the signature rows (one grouped query)."""
    rows = (
        Signature.objects.counted()
        .filter(statement_id=statement_id)
        .exclude(postcode="")
        .values("postcode")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("postcode", "count")
    )
    areas: Counter[str] = Counter()
    for postcode, count in rows:
        if area := postcode_area(postcode):
            areas[area] += count
    return dict(areas)
