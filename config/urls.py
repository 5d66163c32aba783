from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from consult.views import baselines

# The admin login is allauth's, so its rate limits (and, for staff, its MFA) apply.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("consult.urls")),
    # The benchmark's ceilings; they answer 404 unless BENCHMARK_BASELINES is on (see bench/).
    path("bench/baseline/read/", baselines.read, name="bench_baseline_read"),
    path("bench/baseline/write/", baselines.write, name="bench_baseline_write"),
]
