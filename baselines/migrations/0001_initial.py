from django.db import migrations, models


class Migration(migrations.Migration):
    """The table the write baseline inserts into (it was consult_benchmarkrow before)."""

    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="BenchmarkRow",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("payload", models.CharField(max_length=64)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "verbose_name": "benchmark row",
                "verbose_name_plural": "benchmark rows",
            },
        ),
    ]
