from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    operator = {
        "name": settings.OPERATOR_NAME,
        "email": settings.OPERATOR_EMAIL,
        "address": settings.OPERATOR_ADDRESS,
        "registration": settings.OPERATOR_REGISTRATION,
        "ico_number": settings.OPERATOR_ICO_NUMBER,
    }
    return {"SITE_URL": settings.SITE_URL, "DEBUG_MAILBOX": settings.DEBUG, "OPERATOR": operator}
