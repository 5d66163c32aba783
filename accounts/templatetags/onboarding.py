from django import template
from django.http import HttpRequest

from accounts import onboarding

register = template.Library()


@register.simple_tag(takes_context=True)
def onboarding_destination(context: template.Context) -> str:
    request: HttpRequest | None = context.get("request")
    return onboarding.destination(request) if request is not None else ""
