"""Drawing allauth's forms the site's way (templates/allauth/elements/fields.html)."""

from django import template
from django.forms import BoundField

register = template.Library()


@register.filter
def without_placeholder(field: BoundField) -> BoundField:
    """The field without allauth's placeholder: hint text, not a placeholder, says what to enter
    (a placeholder disappears as soon as someone types, and is too faint for many to read)."""
    field.field.widget.attrs.pop("placeholder", None)
    return field
