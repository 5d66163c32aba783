"""The moderation roles: which permissions each group has. Applied by a data migration.

Moderators change what they decide on but delete nothing (every decision stays on the record),
and see signers' personal data masked. The two personal-data permissions belong to a separate
group, given only to the moderators whose work needs them.
"""

MODERATORS = "Moderators"
SIGNER_DATA = "Signer data access"

MODERATOR_PERMISSIONS = {
    "consult": [
        "view_consultation",
        "change_consultation",
        "view_consultationsource",
        "add_consultationsource",
        "change_consultationsource",
        "view_timelineevent",
        "add_timelineevent",
        "change_timelineevent",
        "view_argument",
        "change_argument",
        "view_argumentsource",
        "view_argumentreport",
        "change_argumentreport",
        "view_statement",
        "change_statement",
        "view_statementcorrection",
        "view_organisation",
        "change_organisation",
        "view_membership",
        "view_signature",
        "change_signature",
        "view_moderationdecision",
        "view_fraudcleanup",  # Clean-ups are made and undone through the signature admin's pages.
        "view_update",
        "add_update",
        "change_update",
        "delete_update",  # Drafts only: the admin refuses to delete a sent update.
        "view_feedback",  # Read only: feedback is the reader's words, kept as sent.
        "view_statementresponse",
        "add_statementresponse",  # Recorded once, emailing the signers; never changed or deleted.
        "view_milestonemeaning",
        "add_milestonemeaning",
        "change_milestonemeaning",
        "view_signingrules",
        "change_signingrules",  # Each change through the decision that records it.
    ],
}

SIGNER_DATA_PERMISSIONS = {"consult": ["view_signer_personal_data", "export_signer_personal_data"]}


def apply_roles(apps, schema_editor=None) -> None:
    """Create the groups with exactly these permissions (run from a data migration)."""
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in [(MODERATORS, MODERATOR_PERMISSIONS), (SIGNER_DATA, SIGNER_DATA_PERMISSIONS)]:
        group, _created = Group.objects.get_or_create(name=name)
        # A permission of a model that a later migration creates is added by that later migration.
        permissions = [
            permission
            for app_label, codenames in wanted.items()
            for permission in Permission.objects.filter(
                content_type__app_label=app_label, codename__in=codenames
            )
        ]
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor=None) -> None:
    apps.get_model("auth", "Group").objects.filter(name__in=[MODERATORS, SIGNER_DATA]).delete()
