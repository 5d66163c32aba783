from allauth.account.decorators import secure_admin_login
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from consult.views import baselines

# The admin login is allauth's, so its rate limits (and, for staff, its MFA) apply.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("admin/", admin.site.urls),
    # Public contracts (API, embeds, oEmbed, open data): one address each, never a language prefix.
    path("", include("consult.api_urls")),
    # The benchmark's ceilings; they answer 404 unless BENCHMARK_BASELINES is on (see bench/).
    path("bench/baseline/read/", baselines.read, name="bench_baseline_read"),
    path("bench/baseline/write/", baselines.write, name="bench_baseline_write"),
]

# The pages, in English at their own address and in Welsh under /cy/: the language is in the
# address, so the switcher is a plain link and choosing a language needs no cookie.
urlpatterns += i18n_patterns(
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("consult.urls")),
    prefix_default_language=False,
)
