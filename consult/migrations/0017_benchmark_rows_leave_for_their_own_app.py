from django.db import migrations


class Migration(migrations.Migration):
    """The benchmark's write baseline now has its table in the baselines app, which only the
    benchmark installs (BENCHMARK_BASELINES). Its rows are throwaway (each benchmark run starts
    from a new database), so the old table is dropped rather than copied; going back creates it
    again, empty."""

    dependencies = [
        ("consult", "0016_outbox_claims"),
    ]

    operations = [
        migrations.DeleteModel(name="BenchmarkRow"),
    ]
