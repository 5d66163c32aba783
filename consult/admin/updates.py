"""Composing and sending update emails in the admin: preview, test to yourself, then send once."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from consult import updates
from consult.models import ModerationDecision, Update


@admin.register(Update)
class UpdateAdmin(admin.ModelAdmin):
    list_display = ["subject", "statement", "kind", "status", "audience_size", "progress_bar", "created_at"]
    list_filter = ["status", "kind"]
    search_fields = ["subject", "statement__title"]
    list_select_related = ["statement"]
    readonly_fields = ["preview", "recipients", "progress_bar", "kind", "milestone", "status", "sent_at"]
    change_form_template = "admin/consult/update/change_form.html"

    def get_fields(self, request: HttpRequest, obj: Update | None = None) -> list[str]:
        fields = ["statement", ("subject", "subject_cy"), ("body", "body_cy")]
        return (
            fields if obj is None else [*fields, "preview", "recipients", "status", "progress_bar", "sent_at"]
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Update | None = None) -> list[str]:
        if obj is not None and obj.status != Update.Status.DRAFT:
            # Sent (or sending) updates are part of the record: nothing about them changes.
            return [*self.readonly_fields, "statement", "subject", "body", "subject_cy", "body_cy"]
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
        return format_html('<div class="update-preview">{}</div>', updates.render_html(obj.body))

    @admin.display(description=_("Recipients now"))
    def recipients(self, obj: Update) -> int:
        return updates.audience(obj.statement).count()

    @admin.display(description=_("Progress"))
    def progress_bar(self, obj: Update) -> str:
        if obj.status == Update.Status.DRAFT:
            return "–"
        progress = obj.progress()
        return format_html(
            '<progress max="{}" value="{}"></progress> {} sent, {} failed, {} skipped of {}',
            max(progress["total"], 1),
            progress["sent"] + progress["failed"] + progress["skipped"],
            progress["sent"],
            progress["failed"],
            progress["skipped"],
            progress["total"],
        )

    def get_urls(self):
        return [
            path("<int:pk>/send/", self.admin_site.admin_view(self.send_view), name="consult_update_send"),
            *super().get_urls(),
        ]

    def send_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """GET: confirm, showing how many people it goes to. POST: send a test, or send for real."""
        update = get_object_or_404(Update.objects.select_related("statement"), pk=pk)
        if not self.has_change_permission(request, update):
            raise PermissionDenied
        change_url = reverse("admin:consult_update_change", args=[update.pk])
        if request.method == "POST" and "test" in request.POST:
            updates.build_test_message(update, request.user.email).send()
            self.message_user(request, _("A test was sent to %(email)s.") % {"email": request.user.email})
            return HttpResponseRedirect(request.path)
        if request.method == "POST":
            if updates.begin_sending(update):
                ModerationDecision.record(
                    request.user,
                    update,
                    "send update",
                    f"Sent to {updates.audience(update.statement).count()} signers",
                )
                self.message_user(request, _("Sending has started."), messages.SUCCESS)
            else:
                self.message_user(request, _("This update has already been sent."), messages.WARNING)
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Send this update"),
            "update": update,
            "audience": updates.audience(update.statement).count(),
            "preview": updates.render_html(update.body),
            "opts": self.model._meta,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/consult/update/send.html", context)
