from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class ConsultConfig(AppConfig):
    default = True
    name = "consult"
    verbose_name = "Consultations"

    def ready(self) -> None:
        # The checks of the settings read from the environment: the site's app is always installed.
        from config import checks  # noqa: F401


class ModerationAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the moderators' site (consult/admin_site.py) as the default one."""

    default = False  # Named in INSTALLED_APPS; "consult" itself means ConsultConfig.
    default_site = "consult.admin_site.ModerationAdminSite"
