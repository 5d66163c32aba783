"""The public document of a statement's counts, shared by the JSON API, the widget, the badge and oEmbed.

Under a flood every embed asks for the same few statements, so each document is built from the
sharded counters (never a COUNT over signatures) and kept in the cache for a few seconds: a
confirmed signature shows within COUNTS_DOCUMENT_SECONDS, and the database sees at most one read per
statement per COUNTS_DOCUMENT_SECONDS per cache.
"""

import time
from collections.abc import Iterable

from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils import timezone

from consult import caching, languages, outcomes
from consult.links import absolute
from consult.models import SignatureCounter, Statement
from consult.models.languages import WELSH
from consult.models.statements import Counts

COUNTS_DOCUMENT_SECONDS = 5
# Each process also keeps the documents it read for a second, so a flood of readers costs one
# cache round trip per statement per second per process, not one per request.
LOCAL_SECONDS = 1.0
LOCAL_MAX = 1000
local_documents: dict[str, tuple[float, dict | str]] = {}
# A cached "no such public statement", so a flood of requests for a bad slug stays off the database.
MISSING = "missing"


def effective_status(statement: Statement) -> str:
    """ "open", "closed" or "upcoming": what a reader sees now, not only the stored status."""
    if statement.is_open:
        return "open"
    if (
        statement.status == Statement.Status.OPEN
        and statement.opens_at
        and statement.opens_at > timezone.now()
    ):
        return "upcoming"
    return "closed"


def build_document(statement: Statement, counts: Counts) -> dict:
    """The counts document of one statement: plain JSON types only, in a stable key order."""
    return {
        "slug": statement.slug,
        "title": statement.title,
        "status": effective_status(statement),
        "url": absolute(statement.get_absolute_url()),
        "sign_url": absolute(reverse("statement_sign", args=[statement.slug])),
        "widget_url": absolute(reverse("embed_widget", args=[statement.slug])),
        "badge_url": absolute(reverse("embed_badge", args=[statement.slug])),
        "signatures": counts.total,
        "individuals": counts.individuals,
        "organisations": counts.organisations,
        "notable": counts.notable,
        "awaiting_checks": counts.awaiting_checks,
        "next_milestone": statement.next_milestone(counts.total),
        "opens_at": statement.opens_at.isoformat() if statement.opens_at else None,
        "closes_at": statement.closes_at.isoformat() if statement.closes_at else None,
        "updated_at": statement.updated_at.isoformat(),
        # What changed after people signed, oldest first (see StatementCorrection.document).
        "corrections": statement.published_corrections(),
    }


def build_welsh_document(statement: Statement, counts: Counts) -> dict:
    """The document the Welsh embeds show: Welsh title (when written) and links to the Welsh pages.

    Never served by the API, whose document stays the English one.
    """
    with languages.override(WELSH):
        document = build_document(statement, counts)
    document["title"] = statement.localised("title", WELSH)
    # So the widget can mark an English fallback lang="en".
    document["title_language"] = "en" if statement.falls_back("title", WELSH) else WELSH
    document["widget_url"] += "?lang=cy"
    document["badge_url"] += "?lang=cy"
    return document


def cache_key(slug: str, language: str = "en") -> str:
    # The English key is the one the API's documents share, so it keeps its old form.
    return f"embeds:statement:{slug}" if language != WELSH else f"embeds:statement:{slug}:cy"


def statement_document(slug: str, language: str = "en") -> dict | None:
    """The cached counts document of a public statement, or None if there is none with that slug.

    In Welsh (`language` "cy") the embeds' Welsh document; any other language gives the English one.
    """
    if len(slug) > Statement._meta.get_field("slug").max_length:
        return None  # No such slug can exist; keep oversized keys out of the cache.
    language = WELSH if language == WELSH else "en"
    build = build_welsh_document if language == WELSH else build_document
    key = cache_key(slug, language)
    now = time.monotonic()
    expires, document = local_documents.get(key, (0.0, None))
    if expires <= now:
        document = caching.read_many([key]).get(key)
        if document is None:
            statement = Statement.objects.public().filter(slug=slug).first()
            document = build(statement, statement.counts()) if statement else MISSING
            caching.write_many({key: document}, COUNTS_DOCUMENT_SECONDS)
        if len(local_documents) >= LOCAL_MAX:
            local_documents.clear()  # Crude, but bounds memory against floods of made-up slugs.
        local_documents[key] = (now + LOCAL_SECONDS, document)
    return None if document == MISSING else document


def forget_local_documents() -> None:
    """Drop this process's copies, the API's outcomes included (tests use it, with cache.clear(),
    to skip the few seconds' wait)."""
    local_documents.clear()
    outcomes.forget_local_outcomes()


def statement_documents(statements: Iterable[Statement]) -> list[dict]:
    """Documents for a page of statements: cached ones reused, the rest counted in one query."""
    statements = list(statements)
    cached = caching.read_many([cache_key(statement.slug) for statement in statements])
    missing = [
        statement for statement in statements if not isinstance(cached.get(cache_key(statement.slug)), dict)
    ]
    if missing:
        counts = SignatureCounter.counts_for_many([statement.pk for statement in missing])
        prefetch_related_objects(
            [statement for statement in missing if statement.corrected_at], "corrections"
        )
        built = {
            cache_key(statement.slug): build_document(statement, counts[statement.pk])
            for statement in missing
        }
        caching.write_many(built, COUNTS_DOCUMENT_SECONDS)
        cached.update(built)
    return [cached[cache_key(statement.slug)] for statement in statements]
