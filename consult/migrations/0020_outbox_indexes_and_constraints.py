from django.db import migrations, models

from consult.roles import apply_roles


def keep_roles(apps, schema_editor=None) -> None:
    """Going back leaves the groups as they are."""


class Migration(migrations.Migration):
    """Update deliveries and the refused flag are gone (the outbox's rows and states hold them);
    moderators' permissions follow."""

    dependencies = [("consult", "0019_move_update_deliveries_into_the_outbox")]

    operations = [
        migrations.RemoveIndex(
            model_name='outboundemail',
            name='outbox_unsent',
        ),
        migrations.RemoveField(
            model_name='outboundemail',
            name='refused',
        ),
        migrations.DeleteModel(
            name='UpdateDelivery',
        ),
        migrations.AddIndex(
            model_name='outboundemail',
            index=models.Index(condition=models.Q(('state', 'pending')), fields=['next_attempt_at'], name='outbox_due'),
        ),
        migrations.AddIndex(
            model_name='outboundemail',
            index=models.Index(condition=models.Q(('update__isnull', False)), fields=['update', 'state', 'id'], name='outbox_update_batches'),
        ),
        migrations.AddIndex(
            model_name='outboundemail',
            index=models.Index(condition=models.Q(('content_type__isnull', False)), fields=['content_type', 'object_id'], name='outbox_about'),
        ),
        migrations.AddConstraint(
            model_name='outboundemail',
            constraint=models.UniqueConstraint(condition=models.Q(('update__isnull', False)), fields=('update', 'signature'), name='one_email_per_update_per_signer'),
        ),
        migrations.AddConstraint(
            model_name='outboundemail',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind__in', ['confirm', 'confirm_again', 'already_signed', 'update']), _negated=True), ('signature__isnull', False), _connector='OR'), name='signer_email_names_signature'),
        ),
        migrations.AddConstraint(
            model_name='outboundemail',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'update'), _negated=True), ('update__isnull', False), _connector='OR'), name='update_email_names_update'),
        ),
        migrations.RunPython(apply_roles, keep_roles),
    ]
