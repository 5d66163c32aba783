from django import template

from consult.forms.signing import SignForm

register = template.Library()


@register.simple_tag(takes_context=True)
def sign_form(context) -> SignForm:
    """The form the sign view handed back with its errors, or a fresh one for this reader."""
    if context.get("sign_form") is not None:
        return context["sign_form"]
    request = context["request"]
    return SignForm(user=request.user, statement=context.get("statement"))
