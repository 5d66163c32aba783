"""Personal data in the admin, for staff without the permission to see it: never shown whole, never
searched, filtered, sorted or probed.

The moderators' site mixes `PersonalDataAdmin` into every ModelAdmin it registers (and into their
inlines), so an admin added later is covered without doing anything (consult/admin_site.py). A
field is personal by its type (an EmailField), by its name (`email`, `postcode`, `ip_hash`...) or
by being listed in PERSONAL_FIELDS_OF; a lookup is personal if its path reaches such a field
through any relation (`author__email__startswith`).
"""

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.admin.options import BaseModelAdmin
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpRequest, HttpResponse

from consult.exports import mask_email

PERMISSION = "consult.view_signer_personal_data"
# An address's domain too: a small organisation's or a person's own domain names its signer.
PERSONAL_NAMES = frozenset({"email", "email_normalised", "email_domain", "postcode", "ip_hash", "password"})
# Fields that hold personal data or credentials although their names do not say so: an email's
# recipient and body (its links carry tokens), a clean-up's criteria (addresses, IP hashes), and
# a second factor's secret.
PERSONAL_FIELDS_OF = {
    "consult.outboundemail": frozenset({"to", "text", "html"}),
    "consult.fraudcleanup": frozenset({"criteria", "pending_ids"}),
    "mfa.authenticator": frozenset({"data"}),
}
# An address as it appears in HTML or JSON; form values and textareas are left alone (see below).
EMAIL_IN_TEXT = re.compile(
    r"<textarea\b.*?</textarea>|\bvalue=\"[^\"]*\"|([\w.%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)",
    re.DOTALL | re.IGNORECASE,
)


# The mixins are checked as the admins they are mixed into.
if TYPE_CHECKING:
    FormFieldsBase = BaseModelAdmin[Any]
    ModelAdminBase = admin.ModelAdmin[Any]
else:
    FormFieldsBase = ModelAdminBase = object


def may_see_personal_data(request: HttpRequest) -> bool:
    return request.user.has_perm(PERMISSION)


def is_personal(model: type[models.Model], field: Any) -> bool:
    name = getattr(field, "name", "")
    return (
        isinstance(field, models.EmailField)
        or name in PERSONAL_NAMES
        or name in PERSONAL_FIELDS_OF.get(model._meta.label_lower, ())
    )


def touches_personal_data(model: type[models.Model], lookup: str) -> bool:
    """Whether a lookup, search or ordering path reaches a personal field, directly or through relations."""
    for part in lookup.lstrip("-^=@").split(LOOKUP_SEP):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False  # A transform or a lookup such as `startswith`: the path has ended.
        if is_personal(model, field):
            return True
        if not field.is_relation or field.related_model is None:
            return False
        model = field.related_model
    return False


def personal_field_names(model: type[models.Model]) -> list[str]:
    return [field.name for field in model._meta.concrete_fields if is_personal(model, field)]


def without_personal(model: type[models.Model], names: Iterable[Any]) -> list[Any]:
    """`names` (field names, rows of names, callables, list filters) less those that are personal."""
    kept: list[Any] = []
    for name in names:
        if isinstance(name, tuple | list) and all(isinstance(each, str) for each in name):
            row = without_personal(model, name)
            if row:
                kept.append(tuple(row) if isinstance(name, tuple) else row)
        elif isinstance(name, str) and touches_personal_data(model, name):
            continue
        elif (
            isinstance(name, tuple | list)
            and isinstance(name[0], str)
            and touches_personal_data(model, name[0])
        ):
            continue  # A list filter given as (field, filter class).
        else:
            kept.append(name)
    return kept


def mask_emails_in(content: bytes, charset: str = "utf-8") -> bytes:
    """Every address in a page masked, except in form values (masking those would save the mask)."""

    def mask(match: re.Match[str]) -> str:
        return match.group(0) if match.group(1) is None else mask_email(match.group(1))

    return EMAIL_IN_TEXT.sub(mask, content.decode(charset, errors="replace")).encode(charset)


def masked_column(model: type[models.Model], name: str) -> Callable[[models.Model], str]:
    """A changelist column showing the field `name` masked, and not sortable."""
    field = model._meta.get_field(name)

    @admin.display(description=getattr(field, "verbose_name", name))
    def column(obj: models.Model) -> str:
        value = getattr(obj, name)
        return mask_email(value) if value and isinstance(field, models.EmailField) else "–"

    return column


class PersonalFormFields(FormFieldsBase):
    """Change forms without personal fields, for an admin or an inline (`self.model`)."""

    def get_exclude(self, request: HttpRequest, obj: models.Model | None = None) -> Any:
        exclude = super().get_exclude(request, obj)
        if obj is None or may_see_personal_data(request):
            return exclude
        return [*(exclude or []), *personal_field_names(self.model)]

    def get_fields(self, request: HttpRequest, obj: models.Model | None = None) -> Any:
        fields = super().get_fields(request, obj)
        if obj is None or may_see_personal_data(request):
            return fields
        return without_personal(self.model, fields)

    def get_fieldsets(self, request: HttpRequest, obj: models.Model | None = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or may_see_personal_data(request):
            return fieldsets
        return [
            (title, {**options, "fields": without_personal(self.model, options.get("fields", []))})
            for title, options in fieldsets
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: models.Model | None = None) -> Any:
        fields = super().get_readonly_fields(request, obj)
        if obj is None or may_see_personal_data(request):
            return fields
        return without_personal(self.model, fields)


class PersonalDataAdmin(PersonalFormFields, ModelAdminBase):
    """What every registered ModelAdmin does with personal data for staff without the permission."""

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest) -> bool:
        # A filter by URL (`?email__startswith=a`) answers "is there such a person": refused (400).
        if touches_personal_data(self.model, lookup) and (
            request is None or not may_see_personal_data(request)
        ):
            return False
        return super().lookup_allowed(lookup, value, request)

    def to_field_allowed(self, request: HttpRequest, to_field: str) -> bool:
        # `?_to_field=email` would make a list hand back each row's address.
        if touches_personal_data(self.model, to_field) and not may_see_personal_data(request):
            return False
        return super().to_field_allowed(request, to_field)

    def get_search_fields(self, request: HttpRequest) -> Any:
        fields = super().get_search_fields(request)
        return fields if may_see_personal_data(request) else without_personal(self.model, fields)

    def get_list_filter(self, request: HttpRequest) -> Any:
        filters = super().get_list_filter(request)
        return filters if may_see_personal_data(request) else without_personal(self.model, filters)

    def get_list_display(self, request: HttpRequest) -> Any:
        columns = super().get_list_display(request)
        if may_see_personal_data(request):
            return columns
        personal = set(personal_field_names(self.model))
        return [
            masked_column(self.model, column) if isinstance(column, str) and column in personal else column
            for column in columns
        ]

    def get_ordering(self, request: HttpRequest) -> Any:
        # Sorted by address, a list of masked addresses still tells where a known one would fall.
        ordering = super().get_ordering(request) or self.model._meta.ordering
        if may_see_personal_data(request):
            return ordering
        return without_personal(self.model, ordering) or ["-pk"]

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        changelist = super().get_changelist(request, **kwargs)
        return changelist if may_see_personal_data(request) else unsortable_by_personal_data(changelist)

    def get_inlines(self, request: HttpRequest, obj: models.Model | None) -> list[type]:
        return [with_personal_data_rules(inline) for inline in super().get_inlines(request, obj)]


def unsortable_by_personal_data(changelist: type[ChangeList]) -> type[ChangeList]:
    """The changelist, ignoring `?o=` on a column sorted by a personal field.

    Django checks `sortable_by` only when drawing the headers, not when reading `?o=`.
    """

    class PersonalDataChangeList(changelist):  # type: ignore[valid-type,misc]
        def get_ordering_field(self, field_name: Any) -> Any:
            order_field = super().get_ordering_field(field_name)
            if isinstance(order_field, str) and touches_personal_data(self.model, order_field):
                return None
            return order_field

    return PersonalDataChangeList


_wrapped: dict[type, type] = {}


def with_personal_data_rules(admin_class: type) -> type:
    """`admin_class` (a ModelAdmin or an inline) with the personal-data rules mixed in first."""
    mixin = PersonalDataAdmin if issubclass(admin_class, admin.ModelAdmin) else PersonalFormFields
    if issubclass(admin_class, mixin):
        return admin_class
    if admin_class not in _wrapped:
        attributes = {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__}
        _wrapped[admin_class] = type(admin_class.__name__, (mixin, admin_class), attributes)
    return _wrapped[admin_class]


def mask_response(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """For staff without the permission: every address left in a page (a user's name is their
    address, shown by every link, label and log entry that names them) is masked."""
    if response.streaming or may_see_personal_data(request):
        return response
    content_type = response.get("Content-Type", "")
    if not content_type.startswith(("text/html", "application/json")):
        return response

    def mask(rendered: HttpResponse) -> None:
        rendered.content = mask_emails_in(rendered.content, rendered.charset)

    if getattr(response, "is_rendered", True):
        mask(response)
    else:
        response.add_post_render_callback(mask)  # type: ignore[attr-defined]
    return response
