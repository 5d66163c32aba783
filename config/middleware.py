"""Response headers that Django's SecurityMiddleware does not set."""

from collections.abc import Callable

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware


def permissions_policy(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Turn off browser features the site never uses (camera, microphone, location, topics)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    return middleware


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's LocaleMiddleware, without `Vary: Accept-Language` where the address decides the language.

    The pages are in English at their own address and in Welsh under /cy/ (config/urls.py), and the
    API and embeds never read the browser's languages: a reader's Accept-Language changes nothing,
    so a CDN must not keep a copy of each page per browser language. Were English addresses ever
    given a prefix too, Django's redirect to the reader's language would vary, and keeps its header.
    """

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        vary = response.headers.get("Vary")
        response = super().process_response(request, response)
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        patterns_used, prefixed_default_language = is_language_prefix_patterns_used(urlconf)
        if patterns_used and not prefixed_default_language:
            # Put back what the view said; the middleware added only Accept-Language.
            if vary is None:
                del response["Vary"]
            else:
                response.headers["Vary"] = vary
        return response
