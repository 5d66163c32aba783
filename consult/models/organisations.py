from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from consult.slugs import unique_slug


class OrganisationQuerySet(models.QuerySet):
    def verified(self) -> "OrganisationQuerySet":
        return self.filter(status=Organisation.Status.VERIFIED)

    def awaiting_verification(self) -> "OrganisationQuerySet":
        return self.filter(status=Organisation.Status.PENDING)

    def of_member(self, user) -> "OrganisationQuerySet":
        return self.filter(memberships__user=user)

    def administered_by(self, user) -> "OrganisationQuerySet":
        """The organisations this person currently administers: those they act for."""
        return self.filter(memberships__user=user, memberships__is_admin=True)


class Organisation(models.Model):
    """A body that signs, proposes statements and argues in its own name once verified."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting verification")
        VERIFIED = "verified", _("Verified")
        REFUSED = "refused", _("Refused")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    website = models.URLField(_("website"), max_length=300)
    description = models.TextField(_("short description"), max_length=1000)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="organisations"
    )

    objects = OrganisationQuerySet.as_manager()
    # Editorial edits keep their versions (shown under "History" in the admin).
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [models.Index(fields=["status", "created_at"], name="organisation_queue")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisation_detail", args=[self.slug])

    @property
    def is_verified(self) -> bool:
        return self.status == self.Status.VERIFIED

    @property
    def signature_key(self) -> str:
        """The `email_normalised` of the organisation's signatures (as the sign form sets it).

        Keyed on the organisation rather than on a member's address, so the member who signs
        for it can still sign in their own name.
        """
        return f"organisation:{self.pk}"

    @classmethod
    def register(cls, *, name: str, website: str, description: str, created_by, role: str) -> "Organisation":
        """Create an organisation awaiting verification, with its creator as its first administrator."""
        for _attempt in range(3):
            slug = unique_slug(cls, name, fallback="organisation")
            try:
                with transaction.atomic():
                    organisation = cls.objects.create(
                        name=name, slug=slug, website=website, description=description, created_by=created_by
                    )
                    organisation.memberships.create(user=created_by, role=role, is_admin=True)
                    return organisation
            except IntegrityError:  # Another registration took the same slug a moment before.
                continue
        raise IntegrityError("No free slug for this organisation after 3 attempts.")

    def has_member(self, user) -> bool:
        return user.is_authenticated and self.memberships.filter(user=user).exists()

    def has_admin(self, user) -> bool:
        return user.is_authenticated and self.memberships.filter(user=user, is_admin=True).exists()

    def add_member(self, user, role: str, *, is_admin: bool = False) -> "Membership":
        return self.memberships.create(user=user, role=role, is_admin=is_admin)

    def verify(self) -> int:
        """Verify the organisation and count the signatures held until now. Returns how many.

        The decision, with its record and emails, is consult/signatories.py's `verify_organisation`.
        """
        Signature = self.signatures.model  # Its module imports this one: reached by the relation.
        held = self.signatures.filter(hold=Signature.Hold.UNVERIFIED_ORGANISATION)
        with transaction.atomic():
            if not self.is_verified:
                self.status = self.Status.VERIFIED
                self.verified_at = timezone.now()
            self.save(update_fields=["status", "verified_at"])
            # One by one through release(), so each signature moves the counters exactly once.
            return sum(signature.release() for signature in held)

    def refuse(self) -> int:
        """Refuse verification, and hold the organisation's live signatures. Returns how many.

        Held signatures are never counted or listed, but not invalidated: a refusal is often
        "not yet" (a missing document), and verifying later counts them again without anyone
        signing again. Refusing an organisation verified earlier holds those that counted.
        Moderators who judge them fraudulent invalidate them from the signature list.
        """
        Signature = self.signatures.model  # Its module imports this one: reached by the relation.
        live = self.signatures.filter(
            kind=Signature.Kind.ORGANISATION,
            hold=Signature.Hold.NONE,
            state__in=[Signature.State.PENDING, Signature.State.CONFIRMED],
        )
        with transaction.atomic():
            self.status = self.Status.REFUSED
            self.verified_at = None
            self.save(update_fields=["status", "verified_at"])
            # One by one through hold_for_organisation(), so the counters lose each exactly once.
            return sum(signature.hold_for_organisation() for signature in live.order_by("pk"))


class Membership(models.Model):
    """A person who may act for an organisation, with their role there."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=120, help_text=_("For example “Director”."))
    # Administrators act for the organisation on its signatures (export, erase, the manage link)
    # and add members; the role above is only what the member calls their job.
    is_admin = models.BooleanField(_("administrator"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            # A person is a member of an organisation once.
            models.UniqueConstraint(fields=["organisation", "user"], name="one_membership_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}, {self.organisation})"

    def leave(self) -> bool:
        """End this membership, unless it is the last one: someone must be able to act for it."""
        with transaction.atomic():
            members = Membership.objects.select_for_update().filter(organisation_id=self.organisation_id)
            if len(members) <= 1:
                return False
            self.delete()
        return True
