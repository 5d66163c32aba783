from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class ConsultConfig(AppConfig):
    default = True
    name = "consult"
    verbose_name = "Consultations"


class ModerationAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the moderators' site (consult/admin_site.py) as the default one."""

    default = False  # Named in INSTALLED_APPS; "consult" itself means ConsultConfig.
    default_site = "consult.admin_site.ModerationAdminSite"
