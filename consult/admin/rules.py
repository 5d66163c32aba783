"""The signing rules, which a moderator tunes: each save is the decision that records the change."""

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consult import signing_rules
from consult.forms.organisations import ReasonForm
from consult.models import SigningRules
from consult.rule_changes import change_rules

if TYPE_CHECKING:
    from accounts.models import User

    RulesForm = forms.ModelForm[SigningRules]
    RulesModelAdmin = admin.ModelAdmin[SigningRules]
else:  # Django's ModelForm and ModelAdmin take no type argument at run time.
    RulesForm = forms.ModelForm
    RulesModelAdmin = admin.ModelAdmin


def setting_text(name: str) -> str:
    value = getattr(settings, SigningRules.SETTINGS[name])
    return ", ".join(value) if isinstance(value, list | tuple) else str(value)


class SigningRulesForm(RulesForm):
    """The rules, each field blank for the operator's setting, and the reason for changing them."""

    reason = ReasonForm.base_fields["reason"]

    class Meta:
        model = SigningRules
        fields = list(SigningRules.SETTINGS)
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in SigningRules.RANGE_FIELDS | SigningRules.DOMAIN_FIELDS
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in SigningRules.SETTINGS:
            field = self.fields[name]
            default = setting_text(name) or _("none")
            blank = _("Leave blank for the operator's setting: %(value)s.") % {"value": default}
            field.help_text = f"{field.help_text} {blank}"


@admin.register(SigningRules)
class SigningRulesAdmin(RulesModelAdmin):
    form = SigningRulesForm
    list_display = ["__str__"]
    readonly_fields = ["in_force"]
    fieldsets = [
        (None, {"fields": ["in_force"]}),
        (gettext_lazy("Rate per address per statement"), {"fields": ["burst_limit", "sustained_limit"]}),
        (gettext_lazy("Mail caps"), {"fields": ["mail_cap_per_ip", "mail_cap_per_domain"]}),
        (gettext_lazy("Address ranges"), {"fields": ["allowed_ranges", "blocked_ranges"]}),
        (gettext_lazy("Email domains"), {"fields": ["allowed_domains", "blocked_domains"]}),
        (gettext_lazy("Why"), {"fields": ["reason"]}),
    ]

    @admin.display(description=gettext_lazy("rules in force now"))
    def in_force(self, rules: SigningRules) -> SafeString:
        current = signing_rules.current()
        rows = []
        for name in SigningRules.SETTINGS:
            value = getattr(current, name)
            shown = ", ".join(value) if isinstance(value, tuple) else value
            source = _("set here") if getattr(rules, name) else _("operator's setting")
            label = getattr(SigningRules._meta.get_field(name), "verbose_name", name)
            rows.append((label, shown or _("none"), source))
        items = format_html_join("", "<li>{}: {} ({})</li>", rows)
        return format_html("<ul>{}</ul>", items)

    def save_model(self, request: HttpRequest, obj: SigningRules, form: RulesForm, change: bool) -> None:
        """Not a plain save: the decision applies the change and records it, from what to what."""
        values = {name: form.cleaned_data[name] for name in SigningRules.SETTINGS}
        if not change_rules(cast("User", request.user), values, form.cleaned_data["reason"]):
            messages.info(request, _("The rules were as given already: nothing changed."))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # One set of rules, made by the migration.

    def has_delete_permission(self, request: HttpRequest, obj: SigningRules | None = None) -> bool:
        return False  # Blank fields are how the settings come back.
