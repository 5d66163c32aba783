from django.urls import path

from consult.views import (
    arguments,
    embeds,
    open_data,
    organisations,
    pages,
    personal_data,
    policies,
    signing,
    site,
    unsubscribe,
)

# The pages people read and the forms they fill in, in English and (under /cy/) in Welsh: see
# config/urls.py. Public-contract paths other sites and programs use live in consult/api_urls.py.
urlpatterns = [
    path("", pages.home, name="home"),
    path("consultations/<slug:slug>/", pages.consultation_detail, name="consultation_detail"),
    path("consultations/<slug:slug>/arguments/<int:pk>/", pages.argument_detail, name="argument_detail"),
    path("consultations/<slug:slug>/arguments/new/", arguments.submit_argument, name="argument_submit"),
    path(
        "consultations/<slug:slug>/arguments/<int:pk>/endorse/",
        arguments.endorse_argument,
        name="argument_endorse",
    ),
    path(
        "consultations/<slug:slug>/arguments/<int:pk>/report/",
        arguments.report_argument,
        name="argument_report",
    ),
    path("consultations/<slug:slug>/position/", arguments.record_position, name="consultation_position"),
    path("accounts/arguments/", arguments.my_arguments, name="my_arguments"),
    path("statements/<slug:slug>/", pages.statement_detail, name="statement_detail"),
    # The signer's path: sign, check your email, confirm, thanks, manage (links carry tokens).
    path("statements/<slug:slug>/sign/", signing.sign, name="statement_sign"),
    path("statements/<slug:slug>/sign/check-email/", signing.check_email, name="signature_check_email"),
    path("signatures/confirm/<str:token>/", signing.confirm, name="signature_confirm"),
    path("signatures/resend/", signing.resend, name="signature_resend"),
    # A signer's copy of their data and its erasure, before the catch-all manage path.
    path("personal-data/erased/", personal_data.erased, name="signature_erased"),
    path("signatures/<str:token>/data/", personal_data.download, name="signature_data"),
    path("signatures/<str:token>/erase/", personal_data.erase, name="signature_erase"),
    path("accounts/signatures/<int:pk>/data/", personal_data.account_download, name="my_signature_data"),
    path("accounts/signatures/<int:pk>/erase/", personal_data.account_erase, name="my_signature_erase"),
    path("signatures/<str:token>/thanks/", signing.thanks, name="signature_thanks"),
    path("signatures/<str:token>/", signing.manage, name="signature_manage"),
    path("signatures/<str:token>/withdraw/", signing.withdraw, name="signature_withdraw"),
    path("signatures/<str:token>/updates/", signing.change_updates, name="signature_updates"),
    path("signatures/<str:token>/listing/", signing.change_listing, name="signature_listing"),
    path("privacy/", policies.privacy, name="privacy"),
    path("moderation-policy/", policies.moderation_policy, name="moderation_policy"),
    # Who runs the site and how to reach them (linked from every page's footer and banner).
    path("about/", site.about, name="about"),
    path("contact/", site.contact, name="contact"),
    path("accessibility/", site.accessibility, name="accessibility"),
    path("cookies/", site.cookies, name="cookies"),
    path("feedback/", site.feedback, name="feedback"),
    path("feedback/sent/", site.feedback_sent, name="feedback_sent"),
    # Update emails' unsubscribe link (also mail clients' one-click target); never expires.
    path("unsubscribe/<str:token>/", unsubscribe.unsubscribe, name="unsubscribe"),
    path("organisations/<slug:slug>/", organisations.organisation_detail, name="organisation_detail"),
    path("accounts/organisations/", organisations.my_organisations, name="my_organisations"),
    path("accounts/organisations/new/", organisations.register_organisation, name="organisation_register"),
    path(
        "accounts/organisations/<slug:slug>/members/",
        organisations.add_member,
        name="organisation_add_member",
    ),
    path(
        "accounts/organisations/<slug:slug>/leave/",
        organisations.leave_organisation,
        name="organisation_leave",
    ),
    path(
        "accounts/organisations/<slug:slug>/propose/",
        organisations.propose_statement,
        name="statement_propose",
    ),
    path("open-data/", open_data.open_data, name="open_data"),
    # The page with the snippets (for people); what the snippets load is in consult/api_urls.py.
    path("statements/<slug:slug>/embed/", embeds.statement_embed, name="statement_embed"),
]
