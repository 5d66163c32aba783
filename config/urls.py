from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

# The admin login is allauth's, so its rate limits (and, for staff, its MFA) apply.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("consult.urls")),
]
