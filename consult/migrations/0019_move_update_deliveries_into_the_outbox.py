from datetime import timedelta

from django.db import migrations

BATCH = 5_000


def move_to_one_outbox(apps, schema_editor):
    """Signing's outbox rows get a state; update deliveries become outbox rows of kind "update"."""
    OutboundEmail = apps.get_model("consult", "OutboundEmail")
    UpdateDelivery = apps.get_model("consult", "UpdateDelivery")
    OutboundEmail.objects.filter(sent_at__isnull=False).update(state="sent")
    OutboundEmail.objects.filter(sent_at__isnull=True, refused=True).update(state="failed")
    for outbound in OutboundEmail.objects.filter(state="pending").exclude(last_attempt_at=None).iterator():
        outbound.next_attempt_at = outbound.last_attempt_at + timedelta(minutes=10)
        outbound.save(update_fields=["next_attempt_at"])
    deliveries = UpdateDelivery.objects.select_related("signature").order_by("pk").iterator(chunk_size=BATCH)
    batch = []
    for delivery in deliveries:
        batch.append(
            OutboundEmail(
                kind="update",
                state=delivery.status,
                update_id=delivery.update_id,
                signature_id=delivery.signature_id,
                language=delivery.signature.language,
                attempts=delivery.attempts,
                last_error=delivery.error,
                sent_at=delivery.sent_at,
                last_attempt_at=delivery.sent_at,
            )
        )
        if len(batch) == BATCH:
            OutboundEmail.objects.bulk_create(batch)
            batch = []
    OutboundEmail.objects.bulk_create(batch)


def move_back(apps, schema_editor):
    """Update emails become deliveries again; emails written when queued had no place before."""
    OutboundEmail = apps.get_model("consult", "OutboundEmail")
    UpdateDelivery = apps.get_model("consult", "UpdateDelivery")
    updates = OutboundEmail.objects.filter(kind="update").order_by("pk").iterator(chunk_size=BATCH)
    batch = []
    for email in updates:
        batch.append(
            UpdateDelivery(
                update_id=email.update_id,
                signature_id=email.signature_id,
                status=email.state,
                attempts=min(email.attempts, 32767),
                error=email.last_error[:500],
                sent_at=email.sent_at,
            )
        )
        if len(batch) == BATCH:
            UpdateDelivery.objects.bulk_create(batch)
            batch = []
    UpdateDelivery.objects.bulk_create(batch)
    OutboundEmail.objects.filter(kind__in=["update", "message"]).delete()
    OutboundEmail.objects.filter(state="failed").update(refused=True)



class Migration(migrations.Migration):
    """Signing's outbox rows get a state; update deliveries become outbox rows."""

    dependencies = [("consult", "0018_one_outbox_for_every_email")]

    operations = [
        migrations.RunPython(move_to_one_outbox, move_back),
    ]
