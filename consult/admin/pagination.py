"""Pages of the lists that grow with signatures, without counting a million rows on each load."""

import json

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property

# Up to this many rows a list is counted exactly; past it, the database's estimate is shown.
EXACT_UP_TO = 10_000


def planner_estimate(queryset: QuerySet) -> int | None:
    """How many rows PostgreSQL's planner expects the query to return (from its statistics)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatedCountPaginator(Paginator):
    """Counts at most EXACT_UP_TO + 1 rows; a longer list gets the planner's estimate.

    A list filtered down to a few rows is counted exactly, and a list of a million rows costs
    an index read of ten thousand and an EXPLAIN instead of a scan of the whole table. Page
    numbers past the estimate are refused as usual.
    """

    @cached_property
    def count(self) -> int:
        bounded = self.object_list.order_by()[: EXACT_UP_TO + 1].count()
        if bounded <= EXACT_UP_TO:
            return bounded
        estimate = planner_estimate(self.object_list)
        return self.object_list.count() if estimate is None else max(estimate, bounded)
