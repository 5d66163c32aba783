import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("consult", "0009_moderation_roles"),
    ]

    operations = [
        migrations.CreateModel(
            name="SignatureArea",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("area", models.CharField(max_length=2, verbose_name="postcode area")),
                ("count", models.PositiveIntegerField(default=0, verbose_name="signatures")),
                (
                    "statement",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="signature_areas",
                        to="consult.statement",
                    ),
                ),
            ],
            options={
                "verbose_name": "signatures by postcode area",
                "verbose_name_plural": "signatures by postcode area",
                "ordering": ["statement", "area"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("statement", "area"), name="one_signature_area_per_statement"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="SignatureHour",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("hour", models.DateTimeField(verbose_name="hour")),
                ("count", models.PositiveIntegerField(default=0, verbose_name="signatures confirmed")),
                (
                    "statement",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="signature_hours",
                        to="consult.statement",
                    ),
                ),
            ],
            options={
                "verbose_name": "signature hour",
                "verbose_name_plural": "signature hours",
                "ordering": ["statement", "hour"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("statement", "hour"), name="one_signature_hour_per_statement"
                    )
                ],
            },
        ),
        migrations.AddIndex(
            model_name="signature",
            index=models.Index(
                condition=models.Q(("hold", ""), ("state", "confirmed")),
                fields=["confirmed_at", "statement"],
                name="signature_confirmations",
            ),
        ),
    ]
