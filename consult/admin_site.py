"""The moderators' back office: Django's admin, opened only to staff who use two-factor login."""

from functools import update_wrapper

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _


class ModerationAdminSite(admin.AdminSite):
    site_header = _("Consult moderation")
    site_title = _("Consult moderation")
    index_title = _("What awaits action")
    index_template = "admin/moderation_index.html"

    def admin_view(self, view, cacheable: bool = False):
        """Every admin page requires a second factor: staff without one are sent to set it up."""
        checked_view = super().admin_view(view, cacheable)

        def view_requiring_mfa(request: HttpRequest, *args, **kwargs):
            user = request.user
            if user.is_authenticated and user.is_staff and not is_mfa_enabled(user):
                messages.warning(
                    request, _("Set up two-factor authentication before using the moderation pages.")
                )
                query = urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(f"{reverse('mfa_activate_totp')}?{query}")
            return checked_view(request, *args, **kwargs)

        return update_wrapper(view_requiring_mfa, view)

    def index(self, request: HttpRequest, extra_context: dict | None = None):
        from consult.moderation_queues import queues_for

        return super().index(request, {"queues": queues_for(request.user), **(extra_context or {})})
