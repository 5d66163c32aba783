"""Response headers that Django's SecurityMiddleware does not set."""

import secrets
from collections.abc import Callable

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation


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
    """Django's LocaleMiddleware, where the address alone decides the language.

    The pages are in English at their own address and in Welsh under /cy/ (config/urls.py), and the
    API and embeds never read the browser's languages: a reader's Accept-Language (or a language
    cookie) changes nothing, so it is not read, and a CDN must not keep a copy of each page per
    browser language (no `Vary: Accept-Language`). Were English addresses ever given a prefix too,
    Django's redirect to the reader's language would vary, and Django's middleware does it all.
    """

    def process_request(self, request: HttpRequest) -> None:
        if not self.address_decides(request):
            return super().process_request(request)
        translation.activate(translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()
        return None

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if not self.address_decides(request):
            return super().process_response(request, response)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response

    @staticmethod
    def address_decides(request: HttpRequest) -> bool:
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        patterns_used, prefixed_default_language = is_language_prefix_patterns_used(urlconf)
        return patterns_used and not prefixed_default_language


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the site's own policy built once per process, not per response.

    django-csp builds the header from the settings for every response (about 60 µs, a tenth of
    what the lightest request costs). A response that asks for nothing of its own (no csp_update,
    csp_replace or csp_exempt decorator, no report-only policy, not a debug page) gets the same
    text every time, with the request's nonce put in where a stand-in was. Every other response,
    and any policy changed since, is left to django-csp.
    """

    NONCE_STAND_IN = f"nonce-stand-in-{secrets.token_hex(16)}"
    OWN = ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        super().__init__(get_response)
        self.built: tuple[object, str, str] | None = None

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if not self.is_plain(response):
            return super().process_response(request, response)
        without_nonce, with_nonce = self.policies()
        nonce = getattr(request, "_csp_nonce", None)
        if HEADER not in response:
            response[HEADER] = with_nonce.replace(self.NONCE_STAND_IN, nonce) if nonce else without_nonce
        if nonce is None:
            # As django-csp does: a nonce asked for after the header is written would be in no policy.
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response

    def is_plain(self, response: HttpResponseBase) -> bool:
        return (
            not getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            and not (settings.DEBUG and response.status_code in (404, 500))
            and not any(hasattr(response, name) for name in self.OWN)
        )

    def policies(self) -> tuple[str, str]:
        """The policy without a nonce and with the stand-in, built again only if the setting changed."""
        config = settings.CONTENT_SECURITY_POLICY
        if self.built is None or self.built[0] is not config:
            self.built = (config, build_policy(), build_policy(nonce=self.NONCE_STAND_IN))
        return self.built[1], self.built[2]
