"""The moderators' back office: Django's admin, opened only to staff who use two-factor login.

Every ModelAdmin registered here gets the personal-data rules (consult/admin_personal_data.py), and
every page it serves is masked for staff without the permission to see personal data.
"""

from functools import update_wrapper

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from accounts.onboarding import forget_destination, remember_destination
from consult.admin_personal_data import mask_response, with_personal_data_rules


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
                # allauth drops `next` once two-factor is set up: the recovery codes page reads it here.
                remember_destination(request, request.get_full_path())
                query = urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(f"{reverse('mfa_activate_totp')}?{query}")
            if user.is_authenticated:
                forget_destination(request)  # Arrived: the set-up's way back is spent.
            return mask_response(request, checked_view(request, *args, **kwargs))

        return update_wrapper(view_requiring_mfa, view)

    def register(self, model_or_iterable, admin_class=None, **options) -> None:
        """Register as usual, with the personal-data rules mixed into the ModelAdmin."""
        super().register(
            model_or_iterable, with_personal_data_rules(admin_class or admin.ModelAdmin), **options
        )

    def index(self, request: HttpRequest, extra_context: dict | None = None):
        from consult.moderation_queues import queues_for

        return super().index(request, {"queues": queues_for(request.user), **(extra_context or {})})
