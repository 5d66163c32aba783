"""A model's decisions as buttons on its admin change page, each asking for its reason first
(the same plain-text reason form as the list actions' step, which drops invisible characters).

The decisions are the domain functions (consult/moderation.py, consult/signatories.py), which
apply, record and notify in one transaction; these views only ask, call and report.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _

from consult.forms.organisations import ReasonForm
from consult.moderation import DecisionError

DECISION_CHANGE_FORM = "admin/consult/decision_change_form.html"


# Type checkers see the mixin as a ModelAdmin; at run time it is a plain mixin, first in the MRO.
@dataclass(frozen=True)
class Decision:
    label: Any
    # decide(obj, moderator, reason) -> whether it applied.
    decide: Callable[..., bool]


class DecisionButtonsMixin:
    """Adds `decisions` (name -> Decision) as buttons on the change page, at <id>/decide/<name>/.

    The admin using it sets `change_form_template = DECISION_CHANGE_FORM` (or extends it).
    """

    decisions: dict[str, Decision] = {}

    def get_urls(self) -> list[URLPattern]:
        opts = self.model._meta  # type: ignore[attr-defined]
        view = self.admin_site.admin_view(self.decision_view)  # type: ignore[attr-defined]
        name = f"{opts.app_label}_{opts.model_name}_decide"
        return [path("<path:object_id>/decide/<str:decision>/", view, name=name), *super().get_urls()]  # type: ignore[misc]

    def decision_url(self, obj: Any, decision: str) -> str:
        opts = self.model._meta  # type: ignore[attr-defined]
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_decide", args=[obj.pk, decision])

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        obj = self.get_object(request, object_id)  # type: ignore[attr-defined]
        buttons = []
        if obj is not None and self.has_change_permission(request, obj):  # type: ignore[attr-defined]
            buttons = [
                (decision.label, self.decision_url(obj, name)) for name, decision in self.decisions.items()
            ]
        extra_context = {**(extra_context or {}), "decision_buttons": buttons}
        response: HttpResponse = super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        return response

    def decision_view(self, request: HttpRequest, object_id: str, decision: str) -> HttpResponse:
        """GET: ask for the reason. POST with one: take the decision, then back to the object."""
        chosen = self.decisions.get(decision)
        obj = self.get_object(request, object_id)  # type: ignore[attr-defined]
        if chosen is None or obj is None:
            raise Http404
        if not self.has_change_permission(request, obj):  # type: ignore[attr-defined]
            raise PermissionDenied
        opts = self.model._meta  # type: ignore[attr-defined]
        change_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        form = ReasonForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            self.take(request, chosen, obj, form.cleaned_data["reason"])
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "title": chosen.label,
            "object": obj,
            "form": form,
            "opts": opts,
            "change_url": change_url,
        }
        status = 400 if request.method == "POST" else 200
        return TemplateResponse(request, "admin/consult/decide.html", context, status=status)

    def take(self, request: HttpRequest, chosen: Decision, obj: Any, reason: str) -> None:
        try:
            applied = chosen.decide(obj, request.user, reason)
        except DecisionError as refusal:
            messages.error(request, str(refusal))
            return
        if applied:
            messages.success(request, _("Done: %(decision)s.") % {"decision": chosen.label})
        else:
            messages.warning(request, _("This decision does not apply to it as it stands: nothing changed."))
