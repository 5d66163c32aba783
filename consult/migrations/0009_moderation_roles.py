from django.db import migrations

from consult.roles import apply_roles, remove_roles


class Migration(migrations.Migration):
    """The "Moderators" and "Signer data access" groups, with exactly the permissions they need."""

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("consult", "0008_signer_data_permissions"),
    ]

    operations = [migrations.RunPython(apply_roles, remove_roles)]
