"""Responses and events: what a statement led to, recorded once through consult.responses.record."""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from consult import responses
from consult.admin.languages import BilingualAdmin
from consult.models import Argument, Statement, StatementResponse

RECORDED_FIELDS = [
    "statement",
    "kind",
    "date",
    "summary",
    "summary_cy",
    "text",
    "text_cy",
    "source_url",
    "arguments",
]


def https_first(field: "models.Field[Any, Any]", **kwargs: Any) -> forms.Field | None:
    """A form field for `field`; a web address typed without a scheme is taken as https."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class StatementResponseForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = StatementResponse
        fields = RECORDED_FIELDS
        formfield_callback = https_first

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        statement, arguments = self.fields.get("statement"), self.fields.get("arguments")
        if isinstance(statement, forms.ModelChoiceField) and isinstance(arguments, forms.ModelChoiceField):
            statement.queryset = Statement.objects.public()
            arguments.queryset = Argument.objects.published()

    def clean_source_url(self) -> str:
        return responses.require_web_address(self.cleaned_data["source_url"])

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean() or {}
        statement = cleaned_data.get("statement")
        others = [
            argument
            for argument in cleaned_data.get("arguments", [])
            if statement is not None and argument.consultation_id != statement.consultation_id
        ]
        if others:
            raise ValidationError({"arguments": _("Choose arguments of the statement's own consultation.")})
        return cleaned_data


@admin.register(StatementResponse)
class StatementResponseAdmin(BilingualAdmin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Recording one emails the signers who asked for updates; once recorded, it stays as it is."""

    form = StatementResponseForm
    list_display = ["summary", "kind", "date", "statement", "recorded_by", "recorded_at"]
    list_filter = ["kind"]
    search_fields = ["summary", "text", "statement__title"]
    list_select_related = ["statement", "recorded_by"]
    date_hierarchy = "date"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_fields(self, request: HttpRequest, obj: StatementResponse | None = None) -> list[Any]:
        if obj is None:
            return super().get_fields(request, obj)
        return super().get_fields(request, obj) + ["recorded_by", "recorded_at", "notice"]

    def get_readonly_fields(self, request: HttpRequest, obj: StatementResponse | None = None) -> list[str]:
        # What signers were emailed and readers read is on the public record: no edits.
        if obj is None:
            return []
        return [*RECORDED_FIELDS, "recorded_by", "recorded_at", "notice"]

    def has_delete_permission(self, request: HttpRequest, obj: StatementResponse | None = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: StatementResponse, form: StatementResponseForm, change: bool
    ) -> None:
        if change:
            return  # Everything is read-only; nothing to save.
        data = form.cleaned_data
        assert isinstance(request.user, User)  # The admin lets only staff in.
        recorded = responses.record(
            data["statement"],
            request.user,
            kind=data["kind"],
            date=data["date"],
            summary=data["summary"],
            summary_cy=data["summary_cy"],
            text=data["text"],
            text_cy=data["text_cy"],
            source_url=data["source_url"],
            arguments=data["arguments"],
        )
        # The admin's messages and redirect read the saved object.
        obj.pk, obj.recorded_at = recorded.pk, recorded.recorded_at

    def save_related(
        self, request: HttpRequest, form: StatementResponseForm, formsets: Any, change: bool
    ) -> None:
        """`responses.record` saved the arguments already; there is nothing else to save."""
