from django.db import migrations, models
from django.db.models import F


def creators_administer(apps, schema_editor):
    """Each organisation's creator (its registrant) administers it; every other member does not."""
    Membership = apps.get_model("consult", "Membership")
    Membership.objects.filter(user_id=F("organisation__created_by_id")).update(is_admin=True)


class Migration(migrations.Migration):
    dependencies = [
        ("consult", "0024_abuse_signing_rules"),
    ]

    operations = [
        migrations.AddField(
            model_name="membership",
            name="is_admin",
            field=models.BooleanField(default=False, verbose_name="administrator"),
        ),
        # Going back drops the column, so there is nothing to undo.
        migrations.RunPython(creators_administer, migrations.RunPython.noop),
    ]
