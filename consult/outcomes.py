"""What a statement leads to, as the API and the open data publish it: whom it addresses, what
its milestones mean and the responses and events recorded on it.

The API adds this beside a statement's counts document (consult/embeds.py). It changes only by
an editor or a moderator, so it is kept in the shared cache a little longer than the counts.
"""

import time
from collections.abc import Iterable

from django.db.models import Prefetch

from consult import caching
from consult.models import Statement, StatementResponse

OUTCOMES_DOCUMENT_SECONDS = 10
# As with the counts documents (consult/embeds.py), each process keeps what it read for a second:
# a flood of API readers costs one cache round trip per statement per second per process.
LOCAL_SECONDS = 1.0
LOCAL_MAX = 1000
local_outcomes: dict[str, tuple[float, dict[str, object]]] = {}


def outcome_document(statement: Statement) -> dict[str, object]:
    """Plain JSON types only; the statement's `milestone_meanings` and `responses` may be prefetched."""
    return {
        "recipient": statement.recipient,
        "recipient_cy": statement.recipient_cy,
        "proposed_by": statement.proposed_by.name if statement.proposed_by else None,
        "milestone_meanings": [meaning.document() for meaning in statement.milestone_meanings.all()],
        "responses": [response.document() for response in statement.responses.all()],
    }


def cache_key(slug: str) -> str:
    return f"outcomes:statement:{slug}"


def outcome_documents(slugs: Iterable[str]) -> dict[str, dict[str, object]]:
    """slug -> outcome document of each public statement among `slugs`, cached ones reused."""
    slugs, now = list(slugs), time.monotonic()
    found = {slug: kept[1] for slug in slugs if (kept := local_outcomes.get(slug)) and kept[0] > now}
    wanted = [slug for slug in slugs if slug not in found]
    if not wanted:
        return found
    fresh = {
        key.removeprefix("outcomes:statement:"): document
        for key, document in caching.read_many([cache_key(slug) for slug in wanted]).items()
    }
    found.update(fresh)
    missing = [slug for slug in wanted if slug not in fresh]
    if missing:
        statements = (
            Statement.objects.public()
            .filter(slug__in=missing)
            .select_related("proposed_by")
            .prefetch_related(
                "milestone_meanings",
                Prefetch("responses", StatementResponse.objects.prefetch_related("arguments")),
            )
        )
        built = {statement.slug: outcome_document(statement) for statement in statements}
        caching.write_many(
            {cache_key(slug): document for slug, document in built.items()}, OUTCOMES_DOCUMENT_SECONDS
        )
        found.update(built)
        fresh.update(built)
    if len(local_outcomes) + len(fresh) > LOCAL_MAX:
        local_outcomes.clear()  # Crude, but bounds memory against floods of made-up slugs.
    local_outcomes.update({slug: (now + LOCAL_SECONDS, document) for slug, document in fresh.items()})
    return found


def forget_local_outcomes() -> None:
    """Drop this process's copies (with cache.clear(), tests skip the few seconds' wait)."""
    local_outcomes.clear()
