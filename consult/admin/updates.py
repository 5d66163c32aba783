"""Update emails in the admin: write, preview exactly as signers get them, test, approve, send
once, watch (and resume) the sending; and the milestone emails held for a moderator.

Each decision here (approve, send, resume, send a milestone now, cancel it) is a function of
consult/updates.py or consult/milestones.py that records itself; the views only ask and report.
"""

from collections.abc import Callable
from functools import partial

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_sameorigin

from consult import emails, milestones, updates
from consult.models import Update

CONTENT_FIELDS = ["statement", "subject", "body", "subject_cy", "body_cy"]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ApprovalForm(forms.Form):
    reason = forms.CharField(
        label=_("Note (optional)"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


@admin.register(Update)
class UpdateAdmin(admin.ModelAdmin):
    list_display = ["subject", "statement", "kind", "status", "audience_size", "progress_bar", "created_at"]
    list_filter = ["status", "kind"]
    search_fields = ["subject", "statement__title"]
    list_select_related = ["statement"]
    readonly_fields = [
        "preview",
        "recipients",
        "progress_bar",
        "kind",
        "milestone",
        "status",
        "held_until",
        "approval",
        "sent_at",
    ]
    change_form_template = "admin/consult/update/change_form.html"

    def get_fields(self, request: HttpRequest, obj: Update | None = None) -> list:
        fields = ["statement", ("subject", "subject_cy"), ("body", "body_cy")]
        if obj is None:
            return fields
        shown = [*fields, "preview", "recipients", "status", "approval", "progress_bar", "sent_at"]
        return [*shown, "milestone", "held_until"] if obj.kind == Update.Kind.MILESTONE else shown

    def get_readonly_fields(self, request: HttpRequest, obj: Update | None = None) -> list[str]:
        if obj is not None and not obj.is_editable:
            # Approved, held, sending or sent: what was decided on does not change.
            return [*self.readonly_fields, *CONTENT_FIELDS]
        return self.readonly_fields

    def save_model(self, request: HttpRequest, obj: Update, form, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request: HttpRequest, obj: Update | None = None) -> bool:
        # Only drafts, and only for those who may delete updates at all.
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.status == Update.Status.DRAFT)

    @admin.display(description=_("Preview"))
    def preview(self, obj: Update) -> str:
        return preview_html(obj)

    @admin.display(description=_("Recipients now"))
    def recipients(self, obj: Update) -> int:
        return updates.audience(obj.statement).count()

    @admin.display(description=_("Approval"))
    def approval(self, obj: Update) -> str:
        if obj.approved_at is None:
            return "–"
        return format_html("{} ({:%d %b %Y %H:%M})", obj.approved_by, obj.approved_at)

    @admin.display(description=_("Progress"))
    def progress_bar(self, obj: Update) -> str:
        if obj.status not in (Update.Status.SENDING, Update.Status.SENT):
            return "–"
        progress = obj.progress()
        return format_html(
            '<progress max="{}" value="{}"></progress> {}{} sent, {} failed, {} skipped, {} waiting of {}',
            max(progress["total"], 1),
            progress["total"] - progress["pending"],
            _("Stalled: ") if updates.is_stalled(obj) else "",
            progress["sent"],
            progress["failed"],
            progress["skipped"],
            progress["pending"],
            progress["total"],
        )

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None):
        update = self.get_object(request, object_id)
        if update is not None and update.status in (Update.Status.SENDING, Update.Status.SENT):
            extra_context = {
                **(extra_context or {}),
                "stalled": updates.is_stalled(update),
                "failures": update.emails.failures(),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self) -> list:
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/send/", view(self.send_view), name="consult_update_send"),
            path("<int:pk>/preview/<str:language>/", view(self.preview_view), name="consult_update_preview"),
            path("<int:pk>/resume/", view(self.resume_view), name="consult_update_resume"),
            path(
                "<int:pk>/milestone/<str:decision>/",
                view(self.milestone_view),
                name="consult_update_milestone",
            ),
            *super().get_urls(),
        ]

    def get_update(self, request: HttpRequest, pk: int) -> Update:
        """The update, for someone who may change updates; 404 or 403 otherwise."""
        update = get_object_or_404(Update.objects.select_related("statement", "created_by"), pk=pk)
        if not self.has_change_permission(request, update):
            raise PermissionDenied
        return update

    def decide(
        self, request: HttpRequest, decision: Callable[[], object], done: str, then: str
    ) -> HttpResponse:
        """Take a decision and tell the moderator it was taken, or why it was not."""
        try:
            decision()
        except updates.Refused as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
            return HttpResponseRedirect(request.path)
        self.message_user(request, done, messages.SUCCESS)
        return HttpResponseRedirect(then)

    def send_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """GET: the preview, the audience and what sending needs. POST: send a test to yourself,
        approve it (a second moderator), or send it for real."""
        update = self.get_update(request, pk)
        change_url = reverse("admin:consult_update_change", args=[update.pk])
        approval_form = ApprovalForm(request.POST if "approve" in request.POST else None)
        if request.method == "POST" and "test" in request.POST:
            emails.queue_update_test(update, request.user)
            self.message_user(
                request, _("A test is on its way to %(email)s.") % {"email": request.user.email}
            )
            return HttpResponseRedirect(request.path)
        if request.method == "POST" and "approve" in request.POST and approval_form.is_valid():
            approve = partial(updates.approve, update, request.user, approval_form.cleaned_data["reason"])
            return self.decide(request, approve, _("Approved."), request.path)
        if request.method == "POST" and "send" in request.POST:
            send = partial(updates.send, update, request.user)
            return self.decide(request, send, _("Sending has started."), change_url)
        audience = updates.audience(update.statement).count()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Send this update"),
            "update": update,
            "audience": audience,
            "needs_approval": updates.needs_approval(update, audience),
            "threshold": settings.UPDATE_APPROVAL_THRESHOLD,
            "is_author": update.created_by_id == request.user.pk,
            "approval_form": approval_form,
            "preview": preview_html(update),
            "opts": self.model._meta,
            "change_url": change_url,
        }
        status = 400 if request.method == "POST" else 200
        return TemplateResponse(request, "admin/consult/update/send.html", context, status=status)

    def preview_view(self, request: HttpRequest, pk: int, language: str) -> HttpResponse:
        """The update's HTML part exactly as a signer reading `language` gets it, for its frame."""
        if language not in dict(settings.LANGUAGES):
            raise Http404
        [(html, _mimetype)] = emails.update_preview(self.get_update(request, pk), language).alternatives
        return framed_email(html)

    def resume_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """POST: "resume now" for a stalled or failing update (recorded)."""
        update = self.get_update(request, pk)
        change_url = reverse("admin:consult_update_change", args=[update.pk])
        if request.method != "POST":
            return HttpResponseRedirect(change_url)
        resume = partial(updates.resume, update, request.user)
        return self.decide(request, resume, _("Sending is resumed."), change_url)

    def milestone_view(self, request: HttpRequest, pk: int, decision: str) -> HttpResponse:
        """GET: ask for the reason. POST: send a held milestone email now, or cancel it (recorded)."""
        update = self.get_update(request, pk)
        decide = {"send": milestones.send_now, "cancel": milestones.cancel}.get(decision)
        if decide is None or update.kind != Update.Kind.MILESTONE:
            raise Http404
        form = ReasonForm(request.POST or None)
        change_url = reverse("admin:consult_update_change", args=[update.pk])
        if request.method == "POST" and form.is_valid():
            done = _("The milestone email is on its way.") if decision == "send" else _("Cancelled.")
            return self.decide(
                request, partial(decide, update, request.user, form.cleaned_data["reason"]), done, change_url
            )
        titles = {"send": _("Send this milestone email now"), "cancel": _("Cancel this milestone email")}
        context = {
            **self.admin_site.each_context(request),
            "title": titles[decision],
            "update": update,
            "decision": decision,
            "form": form,
            "audience": updates.audience(update.statement).count(),
            "preview": preview_html(update),
            "opts": self.model._meta,
            "change_url": change_url,
        }
        status = 400 if request.method == "POST" else 200
        return TemplateResponse(request, "admin/consult/update/milestone.html", context, status=status)


def preview_html(update: Update) -> str:
    """The update in each language as signers get it: the HTML part in a sandboxed frame, the
    text part beside it."""
    return format_html_join(
        "",
        '<figure class="update-preview" lang="{}"><figcaption>{}</figcaption>'
        '<iframe sandbox src="{}" title="{}" width="640" height="400"></iframe>'
        "<figcaption>{}</figcaption><pre>{}</pre></figure>",
        (
            (
                code,
                _("HTML, as signers reading %(language)s see it") % {"language": name},
                reverse("admin:consult_update_preview", args=[update.pk, code]),
                _("The email in %(language)s") % {"language": name},
                _("Plain text, the same email"),
                emails.update_preview(update, code).body,
            )
            for code, name in settings.LANGUAGES
        ),
    )


# The previewed email is a document of its own, framed by the admin page (and sandboxed there):
# nothing in it runs, loads from elsewhere or submits; its inline styles show as mail clients do.
@xframe_options_sameorigin
@csp_replace(
    {
        "default-src": [NONE],
        "script-src": [NONE],
        "style-src": [UNSAFE_INLINE],
        "img-src": [NONE],
        "font-src": [NONE],
        "connect-src": [NONE],
        "form-action": [NONE],
        "frame-ancestors": [SELF],
        "sandbox": True,
    }
)
def framed_email(html: str) -> HttpResponse:
    return HttpResponse(html)
