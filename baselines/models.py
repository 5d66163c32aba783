from django.db import models


class BenchmarkRow(models.Model):
    """One row written by the benchmark's write baseline: the ceiling for one write request.

    Nothing else reads or writes it; it exists so that the baseline inserts into a real table
    of the same database, through the same connection settings, as the sign POST does.
    """

    payload = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "benchmark row"
        verbose_name_plural = "benchmark rows"

    def __str__(self) -> str:
        return f"benchmark row {self.pk}"
