"""What awaits a moderator's action, counted for the admin index."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from consult.models import Argument, ArgumentReport, Organisation, Signature, Statement, Update


@dataclass(frozen=True)
class Queue:
    label: str
    count: int
    url: str


# (label, model, the rows awaiting action, the changelist filters that show them)
QUEUES = [
    (_("Arguments awaiting moderation"), Argument, Argument.objects.pending, {"status__exact": "pending"}),
    (
        _("Reports on arguments"),
        ArgumentReport,
        lambda: ArgumentReport.objects.filter(resolved_at__isnull=True),
        {"resolved_at__isempty": "1"},
    ),
    (
        _("Statements proposed by organisations"),
        Statement,
        Statement.objects.awaiting_approval,
        {"status__exact": "proposed"},
    ),
    (
        _("Organisations awaiting verification"),
        Organisation,
        Organisation.objects.awaiting_verification,
        {"status__exact": "pending"},
    ),
    (
        _("Holders of public roles awaiting verification"),
        Signature,
        Signature.objects.notable_awaiting_verification,
        {"role_status__exact": "pending"},
    ),
    (
        _("Signatures held as suspect"),
        Signature,
        Signature.objects.held_as_suspect,
        {"hold__exact": "suspect", "state__exact": "confirmed"},
    ),
    (
        _("Confirmed signatures over the rate for their address"),
        Signature,
        Signature.objects.held_over_rate,
        {"hold__exact": "rate", "state__exact": "confirmed"},
    ),
    (
        _("Signatures whose email waits (mail cap)"),
        Signature,
        Signature.objects.waiting_for_email,
        {"hold__exact": "mail_cap", "state__exact": "pending"},
    ),
    (
        _("Milestone emails held for a moderator"),
        Update,
        Update.objects.held_milestones,
        {"status__exact": "held", "kind__exact": "milestone"},
    ),
]


def queues_for(user) -> list[Queue]:
    """The queues this moderator may act on; each count is one indexed query."""
    queues = []
    for label, model, awaiting, filters in QUEUES:
        if user.has_perm(f"{model._meta.app_label}.change_{model._meta.model_name}"):
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            queues.append(Queue(label, awaiting().count(), f"{url}?{urlencode(filters)}"))
    return queues
