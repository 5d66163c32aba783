"""The public reading pages: home, consultation, argument and statement."""

from itertools import zip_longest

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from consult import caching
from consult.models import (
    Argument,
    Consultation,
    Position,
    Side,
    Signature,
    SignatureCounter,
    Stance,
    Statement,
    StatementResponse,
)
from consult.views.former_slugs import follow_former_slug
from consult.views.reading import reading_page

ORDERINGS = {
    "endorsed": ("-endorsement_count", "-published_at"),
    "convincing": ("-persuaded_count", "-endorsement_count", "-published_at"),
    "newest": ("-published_at",),
}


def get_public_consultation(slug: str) -> Consultation:
    return get_object_or_404(Consultation.objects.public(), slug=slug)


def get_public_statement(slug: str) -> Statement:
    return get_object_or_404(
        Statement.objects.public().select_related("consultation", "proposed_by"), slug=slug
    )


def get_published_argument(consultation: Consultation, pk: int) -> Argument:
    arguments = consultation.arguments.published().with_endorsements()
    return get_object_or_404(
        arguments.select_related("author", "organisation", "answers__consultation").prefetch_related(
            "sources", published_replies()
        ),
        pk=pk,
    )


def published_replies() -> Prefetch:
    """The published arguments answering each argument, for the "answered by" links."""
    return Prefetch(
        "answered_by",
        queryset=Argument.objects.published().select_related("consultation"),
        to_attr="published_replies",
    )


def published_arguments_of_response() -> Prefetch:
    """The published arguments a response or event bears on (a rejected one is never linked)."""
    return Prefetch(
        "arguments",
        queryset=Argument.objects.published().select_related("consultation"),
        to_attr="published_arguments",
    )


def reader_context(request: HttpRequest, consultation: Consultation) -> dict:
    """What a logged-in reader has done here: their endorsements and position. Nothing for others."""
    if not request.user.is_authenticated:
        return {"endorsed_ids": set(), "can_take_part": False}
    position = Position.objects.filter(consultation=consultation, user=request.user).first()
    endorsed = request.user.endorsements.filter(argument__consultation=consultation)
    return {
        "endorsed_ids": set(endorsed.values_list("argument_id", flat=True)),
        "position": position,
        "stances": Stance.choices,
        "can_take_part": request.user.has_verified_email,
    }


def with_counts(statements) -> list[Statement]:
    """Give each statement its `current_counts`, for all of them in one query."""
    statements = list(statements)
    counts = SignatureCounter.counts_for_many([statement.pk for statement in statements])
    for statement in statements:
        statement.current_counts = counts[statement.pk]
    return statements


@reading_page()
def home(request: HttpRequest) -> HttpResponse:
    consultations = list(
        Consultation.objects.public().prefetch_related(
            Prefetch("statements", queryset=Statement.objects.public(), to_attr="public_statements")
        )
    )
    with_counts(statement for consultation in consultations for statement in consultation.public_statements)
    return render(request, "consult/home.html", {"consultations": consultations})


def published_arguments(consultation: Consultation, ordering: str):
    arguments = (
        consultation.arguments.published()
        .with_endorsements()
        .select_related("author", "organisation", "answers__consultation")
        .prefetch_related("sources", published_replies())
        .order_by(*ORDERINGS[ordering], "pk")
    )
    return {side: [a for a in arguments if a.side == side] for side in Side.values}


def timeline(consultation: Consultation) -> list:
    """The consultation's events and the responses to its statements, oldest first."""
    events = list(consultation.timeline.all())
    responses = StatementResponse.objects.filter(
        statement__in=consultation.statements.public()
    ).select_related("statement")
    return sorted([*events, *responses], key=lambda entry: entry.date)


@reading_page(shared_params=["order"])
def consultation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = get_public_consultation(slug)
    ordering = request.GET.get("order", "endorsed")
    if ordering not in ORDERINGS:
        ordering = "endorsed"
    arguments = published_arguments(consultation, ordering)
    context = {
        "consultation": consultation,
        "arguments_for": arguments[Side.FOR],
        "arguments_against": arguments[Side.AGAINST],
        # Pairs, one of each side, so that a phone's single column alternates between the sides.
        "argument_rows": list(zip_longest(arguments[Side.FOR], arguments[Side.AGAINST])),
        "ordering": ordering,
        "orderings": [
            ("endorsed", _("Most endorsed")),
            ("convincing", _("Most convincing to the other side")),
            ("newest", _("Newest")),
        ],
        "statements": with_counts(consultation.statements.public()),
        "timeline": timeline(consultation),
        **reader_context(request, consultation),
    }
    return render(request, "consult/consultation_detail.html", context)


@reading_page()
def argument_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    consultation = get_public_consultation(slug)
    argument = get_published_argument(consultation, pk)
    context = {
        "consultation": consultation,
        "argument": argument,
        "replies": argument.answered_by.published()
        .with_endorsements()
        .select_related("consultation", "author", "organisation", "answers__consultation")
        .prefetch_related("sources", published_replies()),
        **reader_context(request, consultation),
    }
    return render(request, "consult/argument_detail.html", context)


# How long every reader shares one rendering of a statement's charts and signatory lists (a
# logged-in reader's page, built afresh, reads the count panel above them on every request).
SIGNATORIES_SECONDS = 5


def statement_signatories(statement: Statement, counts) -> str:
    """The charts and signatory lists of a statement, rendered at most once per few seconds.

    With a million signatures these are the page's costly part (three lists and the charts'
    queries), and they are the same for every reader, so a flood of readers costs one rendering.
    """

    def render_signatories() -> str:
        counted = statement.signatures.counted().select_related("organisation")
        listed = counted.filter(kind=Signature.Kind.INDIVIDUAL, show_name=True).order_by("-confirmed_at")
        context = {
            "statement": statement,
            "counts": counts,
            "organisations": counted.filter(kind=Signature.Kind.ORGANISATION).order_by("organisation__name"),
            "notable": counted.filter(
                kind=Signature.Kind.NOTABLE, role_status=Signature.RoleStatus.VERIFIED
            ).order_by("name"),
            "listed": listed[:50],
        }
        return render_to_string("consult/_statement_signatories.html", context)

    key = f"pages:statement-signatories:{statement.pk}:{get_language()}"
    html = caching.remembered(key, SIGNATORIES_SECONDS, render_signatories)
    return mark_safe(html)  # Rendered by the template engine above, which escaped every value.


@reading_page()
@follow_former_slug
def statement_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The statement, its counts, signatories and corrections, and a link to its sign page."""
    statement = get_public_statement(slug)
    counts = statement.counts()
    corrections = list(statement.corrections.all())
    next_milestone = statement.next_milestone(counts.total)
    meanings = {meaning.signatures: meaning for meaning in statement.milestone_meanings.all()}
    context = {
        "statement": statement,
        "counts": counts,
        "next_milestone": next_milestone,
        "next_milestone_meaning": meanings.get(next_milestone) if next_milestone else None,
        "milestone_meanings": meanings.values(),
        "responses": statement.responses.prefetch_related(published_arguments_of_response()),
        "signatories": statement_signatories(statement, counts),
        "corrections": corrections,
        "withdrawal": statement.withdrawal(corrections),
    }
    return render(request, "consult/statement_detail.html", context)
