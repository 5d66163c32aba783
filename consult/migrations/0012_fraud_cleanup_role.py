from django.db import migrations

from consult.roles import apply_roles


def keep_roles(apps, schema_editor=None) -> None:
    """Going back leaves the groups as they are; 0009 removes them."""


class Migration(migrations.Migration):
    """Moderators see fraud clean-ups (they make and undo them from the signature admin)."""

    dependencies = [("consult", "0011_editorial_history")]

    operations = [migrations.RunPython(apply_roles, keep_roles)]
