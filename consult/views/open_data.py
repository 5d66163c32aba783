"""Open data: each statement's counts and hourly history, and each consultation's published arguments.

Published under the Open Government Licence v3.0. Nothing here names a signer or carries an
email address, a user id or a postcode: only counts, and arguments as the site shows them.
These views never touch the session, the user or the CSRF token, so they set no cookie.
"""

import csv
import io

from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from consult import charts
from consult.exports import neutralise
from consult.history import statement_hours
from consult.models import ArgumentSource, Consultation, Statement
from consult.outcomes import outcome_document
from consult.postcodes import nation_of_area
from consult.views.former_slugs import follow_former_slug
from consult.views.headers import open_cors, public_cache
from consult.views.reading import reading_page

LICENCE = {
    "name": "Open Government Licence v3.0",
    "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
}
METHODS = ["GET", "HEAD", "OPTIONS"]
# The history changes at most once a minute or so; a minute's caching takes the load off the site.
CACHE_SECONDS = 60


def not_found(detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=404)


def public_statement(slug: str) -> Statement | None:
    return Statement.objects.public().filter(slug=slug).first()


@require_safe
@reading_page()
def open_data(request: HttpRequest) -> HttpResponse:
    statements = (
        Statement.objects.public().select_related("consultation").order_by("consultation__title", "title")
    )
    consultations = Consultation.objects.public().order_by("title")
    context = {"statements": statements, "consultations": consultations, "licence": LICENCE}
    return render(request, "consult/open_data.html", context)


def history_rows(statement: Statement) -> list[dict]:
    rows, cumulative = [], 0
    for hour, count in statement_hours(statement):
        cumulative += count
        rows.append({"hour": hour.isoformat(), "signatures": count, "cumulative": cumulative})
    return rows


def document_header(statement: Statement) -> dict:
    return {
        "statement": statement.slug,
        "title": statement.title,
        "url": settings.SITE_URL + statement.get_absolute_url(),
        "licence": LICENCE,
        # What changed after people signed, with the reasons: the record of what they signed.
        "corrections": statement.published_corrections(),
        # Whom it addresses, what its milestones lead to, and the responses and events since.
        **outcome_document(statement),
    }


@require_http_methods(METHODS)
@open_cors
@public_cache(CACHE_SECONDS)
@follow_former_slug
def history_json(request: HttpRequest, slug: str) -> HttpResponse:
    statement = public_statement(slug)
    if statement is None:
        return not_found(_("No public statement has this slug."))
    return JsonResponse(document_header(statement) | {"hours": history_rows(statement)})


@require_http_methods(METHODS)
@open_cors
@public_cache(CACHE_SECONDS)
@follow_former_slug
def history_csv(request: HttpRequest, slug: str) -> HttpResponse:
    statement = public_statement(slug)
    if statement is None:
        return HttpResponse(_("No public statement has this slug."), status=404, content_type="text/plain")
    columns = ["hour", "signatures", "cumulative"]
    rows = ([row[column] for column in columns] for row in history_rows(statement))
    return csv_response(f"{statement.slug}-history.csv", columns, rows)


@require_http_methods(METHODS)
@open_cors
@public_cache(CACHE_SECONDS)
@follow_former_slug
def counts_json(request: HttpRequest, slug: str) -> HttpResponse:
    statement = public_statement(slug)
    if statement is None:
        return not_found(_("No public statement has this slug."))
    counts = statement.counts()
    areas = charts.area_counts(statement)
    nations: dict[str, int] = {}
    for area, count in areas:
        nations[nation_of_area(area)] = nations.get(nation_of_area(area), 0) + count
    document = document_header(statement) | {
        "counts": {
            "individuals": counts.individuals,
            "organisations": counts.organisations,
            "notable": counts.notable,
            "total": counts.total,
        },
        # Only signers who gave a postcode; exact, like the counts.
        "by_nation": nations,
        "by_postcode_area": dict(areas),
    }
    return JsonResponse(document)


def published_arguments(consultation: Consultation):
    return (
        consultation.arguments.published()
        .with_endorsements()
        .select_related("author", "organisation", "consultation")
        .prefetch_related(Prefetch("sources", queryset=ArgumentSource.objects.order_by("pk")))
        .order_by("published_at", "pk")
    )


def argument_document(argument) -> dict:
    """An argument as the site shows it: nothing about its author beyond the public name."""
    return {
        "id": argument.pk,
        "side": argument.side,
        "claim": argument.claim,
        "explanation": argument.explanation,
        "sources": [{"title": source.title, "url": source.url} for source in argument.sources.all()],
        "endorsements": argument.endorsement_count,
        "endorsements_from_other_side": argument.persuaded_count,
        "made_by": str(argument.made_by),
        "answers": argument.answers_id,
        "published_at": argument.published_at.isoformat() if argument.published_at else None,
        "url": settings.SITE_URL + argument.get_absolute_url(),
    }


def public_consultation(slug: str) -> Consultation | None:
    return Consultation.objects.public().filter(slug=slug).first()


@require_http_methods(METHODS)
@open_cors
@public_cache(CACHE_SECONDS)
def arguments_json(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = public_consultation(slug)
    if consultation is None:
        return not_found(_("No public consultation has this slug."))
    document = {
        "consultation": consultation.slug,
        "title": consultation.title,
        "url": settings.SITE_URL + consultation.get_absolute_url(),
        "licence": LICENCE,
        "arguments": [argument_document(argument) for argument in published_arguments(consultation)],
    }
    return JsonResponse(document)


ARGUMENT_COLUMNS = ["id", "side", "claim", "explanation", "sources", "endorsements"]
ARGUMENT_COLUMNS += ["endorsements_from_other_side", "made_by", "answers", "published_at", "url"]


@require_http_methods(METHODS)
@open_cors
@public_cache(CACHE_SECONDS)
def arguments_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The same as arguments.json, one row per argument; sources as "title <url>" lines in one cell."""
    consultation = public_consultation(slug)
    if consultation is None:
        return HttpResponse(_("No public consultation has this slug."), status=404, content_type="text/plain")
    return csv_response(f"{consultation.slug}-arguments.csv", ARGUMENT_COLUMNS, argument_rows(consultation))


def argument_rows(consultation: Consultation):
    for argument in published_arguments(consultation):
        row = argument_document(argument)
        row["sources"] = "\n".join(f"{source['title']} <{source['url']}>" for source in row["sources"])
        yield [row[column] for column in ARGUMENT_COLUMNS]


def csv_response(filename: str, columns: list[str], rows) -> HttpResponse:
    """A CSV download whose cells are neutralised, so no spreadsheet runs them as formulas."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows([neutralise(value) for value in row] for row in rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
