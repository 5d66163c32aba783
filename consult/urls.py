from django.urls import include, path

from consult.views import arguments, mailbox, organisations, pages, policies, signing, unsubscribe

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
    path("signatures/<str:token>/thanks/", signing.thanks, name="signature_thanks"),
    path("signatures/<str:token>/", signing.manage, name="signature_manage"),
    path("signatures/<str:token>/withdraw/", signing.withdraw, name="signature_withdraw"),
    path("signatures/<str:token>/updates/", signing.change_updates, name="signature_updates"),
    path("privacy/", policies.privacy, name="privacy"),
    path("moderation-policy/", policies.moderation_policy, name="moderation_policy"),
    # Update emails' unsubscribe link (also the RFC 8058 one-click target); never expires.
    path("unsubscribe/<str:token>/", unsubscribe.unsubscribe, name="unsubscribe"),
    # Registered always; the view answers 404 unless DEBUG is on at request time.
    path("dev/mailbox/", mailbox.mailbox, name="dev_mailbox"),
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
    # The JSON API, the embeds and oEmbed (public-contract paths).
    path("", include("consult.api_urls")),
]
