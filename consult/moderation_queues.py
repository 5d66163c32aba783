"""What awaits a moderator's action, counted for the admin index."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from consult.models import Argument, ArgumentReport, Organisation, Signature, Statement


@dataclass(frozen=True)
class Queue:
    label: str
    count: int
    url: str


def changelist(model, **filters) -> str:
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return f"{url}?{urlencode(filters)}" if filters else url


def queues_for(user) -> list[Queue]:
    """The queues this moderator may act on; each count is one indexed query."""
    queues = []
    if user.has_perm("consult.change_argument"):
        queues.append(
            Queue(
                _("Arguments awaiting moderation"),
                Argument.objects.pending().count(),
                changelist(Argument, status__exact="pending"),
            )
        )
    if user.has_perm("consult.change_argumentreport"):
        queues.append(
            Queue(
                _("Reports on arguments"),
                ArgumentReport.objects.filter(resolved_at__isnull=True).count(),
                changelist(ArgumentReport, resolved_at__isempty="1"),
            )
        )
    if user.has_perm("consult.change_statement"):
        queues.append(
            Queue(
                _("Statements proposed by organisations"),
                Statement.objects.awaiting_approval().count(),
                changelist(Statement, status__exact="proposed"),
            )
        )
    if user.has_perm("consult.change_organisation"):
        queues.append(
            Queue(
                _("Organisations awaiting verification"),
                Organisation.objects.awaiting_verification().count(),
                changelist(Organisation, status__exact="pending"),
            )
        )
    if user.has_perm("consult.change_signature"):
        queues.append(
            Queue(
                _("Public office holders awaiting verification"),
                Signature.objects.notable_awaiting_verification().count(),
                changelist(Signature, role_status__exact="pending"),
            )
        )
        queues.append(
            Queue(
                _("Signatures held as suspect"),
                Signature.objects.held_as_suspect().count(),
                changelist(Signature, hold__exact="suspect", state__exact="confirmed"),
            )
        )
    return queues
