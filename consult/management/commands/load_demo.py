"""Load the demo consultation. Safe to run any number of times: it converges, never duplicates."""

import itertools
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.text import slugify

from consult import demo, history, responses
from consult.models import (
    Argument,
    Consultation,
    Organisation,
    Position,
    Signature,
    SignatureCounter,
    Statement,
    Update,
)


class Command(BaseCommand):
    help = "Load the demo consultation on police facial recognition (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        consultation = load_consultation()
        editor = load_editor()
        load_arguments(consultation, editor)
        load_readers(consultation)
        against, in_favour = (load_statement(consultation, fields) for fields in demo.STATEMENTS)
        load_signatures(against)
        load_signatures_for(in_favour)
        for statement in (against, in_favour):
            load_milestone_meanings(statement)
        load_event(against, editor)
        load_update(against, editor)
        # The history tables are normally kept by beat; fill them so the charts show the demo.
        history.record_hours()
        # A demo loaded before its signers had postcodes is given them by `sign`, outside the
        # counters' path: recount, so "By nation" matches the rows.
        for statement in (against, in_favour):
            SignatureCounter.reconcile(statement.pk)
        statements = "; ".join(
            f"“{statement.title}” with {statement.counts().total} signatures"
            for statement in (against, in_favour)
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo loaded: “{consultation.title}”, {consultation.arguments.count()} arguments, "
                f"statements {statements}."
            )
        )


def load_consultation() -> Consultation:
    fields = dict(demo.CONSULTATION)
    consultation, _ = Consultation.objects.update_or_create(slug=fields.pop("slug"), defaults=fields)
    for date, title in demo.TIMELINE:
        consultation.timeline.update_or_create(
            date=date, defaults={"title": title, "title_cy": demo.TIMELINE_CY[title]}
        )
    for key, (title, url, publisher, published_on) in demo.SOURCES.items():
        title_cy, publisher_cy = demo.SOURCES_CY[key]
        consultation.sources.update_or_create(
            url=url,
            defaults={
                "title": title,
                "title_cy": title_cy,
                "publisher": publisher,
                "publisher_cy": publisher_cy,
                "published_on": published_on,
            },
        )
    return consultation


def load_editor():
    editor, created = get_user_model().objects.get_or_create(
        email="editors@example.org", defaults={"display_name": "Consult editors (demo)"}
    )
    if created:
        editor.set_unusable_password()
        editor.save(update_fields=["password"])
    return editor


def load_arguments(consultation: Consultation, editor) -> None:
    for side, claim, explanation, source_keys in demo.ARGUMENTS:
        claim_cy, explanation_cy = demo.ARGUMENTS_CY[claim]
        # The Welsh among the defaults: a rerun writes it into rows loaded before it existed.
        argument, created = Argument.objects.update_or_create(
            consultation=consultation,
            claim=claim,
            defaults={
                "side": side,
                "explanation": explanation,
                "author": editor,
                "claim_cy": claim_cy,
                "explanation_cy": explanation_cy,
            },
        )
        if created:
            argument.publish()
        for key in source_keys:
            title, url, _publisher, _date = demo.SOURCES[key]
            argument.sources.update_or_create(
                url=url, defaults={"title": title, "title_cy": demo.SOURCES_CY[key][0]}
            )


def load_readers(consultation: Consultation) -> None:
    """Invented readers' positions and endorsements: what the three orderings are computed from."""
    claims = [claim for _side, claim, _explanation, _sources in demo.ARGUMENTS]
    for number, (stance, endorsed) in enumerate(demo.DEMO_READERS, start=1):
        reader, created = get_user_model().objects.get_or_create(
            email=f"demo-reader-{number}@example.org",
            defaults={"display_name": f"Demo reader {number} (invented)"},
        )
        if created:
            reader.set_unusable_password()
            reader.save(update_fields=["password"])
        Position.record(consultation, reader, stance)
        for index in endorsed:
            consultation.arguments.get(claim=claims[index]).endorse(reader)


def load_statement(consultation: Consultation, fields: dict[str, Any]) -> Statement:
    fields = dict(fields)
    statement, _ = Statement.objects.update_or_create(
        slug=fields.pop("slug"), defaults={**fields, "consultation": consultation}
    )
    return statement


def load_milestone_meanings(statement: Statement) -> None:
    for signatures, meaning, meaning_cy in demo.MILESTONE_MEANINGS:
        statement.milestone_meanings.update_or_create(
            signatures=signatures, defaults={"meaning": meaning, "meaning_cy": meaning_cy}
        )


def load_event(statement: Statement, editor) -> None:
    """Record the demo's event once, as a moderator records one (its decision and update too)."""
    fields: dict[str, Any] = dict(demo.EVENT)
    arguments = statement.consultation.arguments.filter(claim=fields.pop("argument"))
    if not statement.responses.filter(summary=fields["summary"]).exists():
        responses.record(statement, editor, arguments=arguments, **fields)


def load_update(statement: Statement, editor) -> None:
    """The demo's draft update; its text is brought up to date only while it is still a draft."""
    fields = dict(demo.UPDATE)
    update, created = Update.objects.get_or_create(
        statement=statement, subject=fields.pop("subject"), defaults={**fields, "created_by": editor}
    )
    if not created and update.is_editable:
        Update.objects.filter(pk=update.pk).update(**fields)


def load_signatures(statement: Statement) -> None:
    for name, website, description in demo.DEMO_ORGANISATIONS:
        organisation, _ = Organisation.objects.update_or_create(
            slug=slugify(name),
            defaults={"name": name, "website": website, "description": description, "status": "verified"},
        )
        sign(statement, name, f"contact@{organisation.slug}.example.org", organisation=organisation)
    for name, role in demo.DEMO_NOTABLE:
        signature = sign(statement, name, f"{slugify(name)}@example.org", public_role=role)
        signature.set_role_status(Signature.RoleStatus.VERIFIED)
    names = itertools.product(demo.FIRST_NAMES, demo.LAST_NAMES)
    for number, (first, last) in enumerate(names):
        sign(
            statement,
            f"{first} {last}",
            f"{first}.{last}.{number}@example.org".lower(),
            listed=number % 3 == 0,
            postcode=demo.DEMO_POSTCODES[number % len(demo.DEMO_POSTCODES)],
        )


def load_signatures_for(statement: Statement) -> None:
    """Invented signers of the statement for, each with an address of their own."""
    for name, role in demo.DEMO_NOTABLE_FOR:
        signature = sign(statement, name, f"{slugify(name)}@example.org", public_role=role)
        signature.set_role_status(Signature.RoleStatus.VERIFIED)
    names = itertools.product(reversed(demo.FIRST_NAMES), demo.LAST_NAMES)
    for number, (first, last) in enumerate(itertools.islice(names, demo.INDIVIDUALS_FOR)):
        sign(
            statement,
            f"{first} {last}",
            f"{first}.{last}.for.{number}@example.org".lower(),
            listed=number % 2 == 0,
            postcode=demo.DEMO_POSTCODES[(number + 3) % len(demo.DEMO_POSTCODES)],
        )


def sign(
    statement: Statement,
    name: str,
    email: str,
    *,
    organisation=None,
    public_role="",
    listed=True,
    postcode="",
):
    kind = Signature.Kind.INDIVIDUAL
    if organisation:
        kind = Signature.Kind.ORGANISATION
    elif public_role:
        kind = Signature.Kind.NOTABLE
    signature, _ = Signature.objects.live().get_or_create(
        statement=statement,
        email_normalised=email,
        defaults={
            "name": name,
            "email": email,
            "kind": kind,
            "organisation": organisation,
            "public_role": public_role,
            "role_status": Signature.RoleStatus.PENDING if public_role else "",
            "show_name": listed,
            "postcode": postcode,
        },
    )
    if signature.postcode != postcode:
        Signature.objects.filter(pk=signature.pk).update(postcode=postcode)
    if signature.state == Signature.State.PENDING:
        signature.confirm()
    return signature
