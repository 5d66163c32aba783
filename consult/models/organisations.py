from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationQuerySet(models.QuerySet):
    def verified(self) -> "OrganisationQuerySet":
        return self.filter(status=Organisation.Status.VERIFIED)

    def awaiting_verification(self) -> "OrganisationQuerySet":
        return self.filter(status=Organisation.Status.PENDING)


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

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [models.Index(fields=["status", "created_at"], name="organisation_queue")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_verified(self) -> bool:
        return self.status == self.Status.VERIFIED


class Membership(models.Model):
    """A person who may act for an organisation, with their role there."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=120, help_text=_("For example “Director”."))
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
