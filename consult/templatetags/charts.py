"""The pictures on the statement and consultation pages, as inclusion tags (no view changes needed)."""

from django import template

from consult import charts
from consult.models import Statement
from consult.models.statements import Counts

register = template.Library()


@register.inclusion_tag("consult/charts/statement.html")
def statement_charts(statement: Statement, counts: Counts) -> dict:
    areas = charts.area_counts(statement)
    return {
        "statement": statement,
        "chart": charts.statement_time_chart(statement),
        "kinds": charts.kind_bars(counts),
        "nations": charts.nation_bars(areas),
        "areas": areas,
    }


@register.inclusion_tag("consult/charts/balance.html")
def balance_chart(arguments_for: list, arguments_against: list) -> dict:
    return {"rows": charts.balance(arguments_for, arguments_against)}
