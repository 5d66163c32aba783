from allauth.account.decorators import secure_admin_login
from django.apps import apps
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

# The admin login is allauth's, so its rate limits (and, for staff, its MFA) apply.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    # Public contracts (API, embeds, oEmbed, open data): one address each, never a language prefix.
    path("", include("consult.api_urls")),
]
if apps.is_installed("baselines"):
    # The benchmark's ceilings, only where BENCHMARK_BASELINES installed them (see bench/).
    urlpatterns.append(path("", include("baselines.urls")))

# The pages, in English at their own address and in Welsh under /cy/: the language is in the
# address, so the switcher is a plain link and choosing a language needs no cookie.
pages: list[URLPattern | URLResolver] = [
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("consult.urls")),
]
if apps.is_installed("development"):
    # The development mailbox, only while DEBUG is on.
    pages.append(path("", include("development.urls")))
urlpatterns += i18n_patterns(*pages, prefix_default_language=False)
