"""Every email the site sends: what it says, and how it joins the outbox.

What an email says comes from a template triplet, <prefix>_subject.txt, <prefix>_message.txt and
<prefix>_message.html (the naming allauth uses; the site's own are under templates/emails/). The
subject and the text part are plain text, never HTML-escaped. Links are absolute, built from
SITE_URL (never from a request's Host header), and lead to the pages in the reader's language.

An email is an outbox row written in the transaction that decides it, sent after the commit by
the one sender (consult/sending.py). `queue` writes the email now: a notification describes a
decision as it was made. A signer's email is written when it is sent, because its links carry
tokens stored at that moment (`queue_for_signer`, `render_for_sending`). The tasks at the end are
what hands rows to the sender, unless the task that decided the email sends it itself (`sent_here`).
"""

import contextlib
import secrets
import time
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from email.message import EmailMessage as BuiltMessage
from functools import partial
from typing import Any

from celery import shared_task
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.template import Context, TemplateDoesNotExist
from django.template.defaultfilters import linebreaks
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from consult import abuse, languages, markup, sending
from consult.links import absolute
from consult.models import OutboundEmail, Signature, SignatureToken, Statement, Update

UNSUBSCRIBE_SALT = "consult.unsubscribe"
CONFIRMATIONS = [OutboundEmail.Kind.CONFIRM, OutboundEmail.Kind.CONFIRM_AGAIN]


def one_line(text: str) -> str:
    """A header's text: whitespace (line breaks included) collapsed, so no header is injected."""
    return " ".join(text.split())


def render_plain(template_name: str, context: dict) -> str:
    """A subject or text part: rendered as written, with no HTML escaping (`&` stays `&`)."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


def render(prefix: str, context: dict, language: str) -> tuple[str, str, str]:
    """The subject, text and HTML of the triplet `prefix` in `language` ("" if it has no HTML)."""
    with languages.override(language):
        subject = one_line(render_plain(f"{prefix}_subject.txt", context))
        text = render_plain(f"{prefix}_message.txt", context)
        try:
            html = render_to_string(f"{prefix}_message.html", context)
        except TemplateDoesNotExist:  # Some of allauth's emails, which the site has not restyled.
            html = ""
    return subject, text, html


class Email(EmailMultiAlternatives):
    """Django's email, whose MIME boundary is chosen as its message is built. Left to the email
    package, it is checked against the whole text with a regular expression compiled afresh for
    each message (a third of the CPU of writing a confirmation's bytes); a random one of 128
    bits cannot be in a text written before it was drawn."""

    def message(self, **options: Any) -> BuiltMessage:
        built = super().message(**options)
        if built.is_multipart():
            built.set_boundary(f"{'=' * 15}{secrets.token_hex(16)}==")
        return built


def message(subject: str, text: str, html: str, to: str, headers: dict | None = None) -> Email:
    email = Email(one_line(subject), text, settings.DEFAULT_FROM_EMAIL, [to], headers=headers)
    if html:
        email.attach_alternative(html, "text/html")
    return email


# Whether rows written now are sent by this process once their transaction commits (`sent_here`).
sending_here: ContextVar[bool] = ContextVar("sending_here", default=False)


@contextlib.contextmanager
def sent_here() -> Iterator[None]:
    """Emails queued in this block are sent by this process after the commit, not by a task of
    their own: for a task that decides an email (the one acting on a sign form), which would
    otherwise publish a second task only for a worker to pick it up again."""
    token = sending_here.set(True)
    try:
        yield
    finally:
        sending_here.reset(token)


def save_and_deliver(outbound: OutboundEmail) -> OutboundEmail:
    """Write a new row and have the sender send it once the transaction that writes it commits:
    in a task of its own, or, in `sent_here`, in this process. A row sent here is written claimed
    already, so no sender takes it meanwhile (and no claim costs a transaction of its own); if
    this process dies before sending it, the sweep sends it once the claim has lapsed."""
    if not sending_here.get():
        outbound.save(force_insert=True)
        transaction.on_commit(partial(sending.enqueue, send_outbound_email, outbound.pk))
        return outbound
    claimed_at = time.monotonic()
    outbound.claimed_until = timezone.now() + sending.lease()
    outbound.save(force_insert=True)

    def send_here() -> None:
        sending.deliver_claimed([outbound], render_for_sending, claimed_at)

    # A send that fails leaves the row to the sweep; what committed stays committed.
    transaction.on_commit(send_here, robust=True)
    return outbound


def queue(
    name: str, *, to: str, context: dict, language: str, about: models.Model | None = None
) -> OutboundEmail:
    """Write templates/emails/<name>_* with `context` in `language` now, and queue it to `to`.

    Call it inside the transaction that decides the email; links in `context` are absolute
    already. `about` is what the email concerns, shown in the admin and the personal-data export.
    """
    return queue_templates(f"emails/{name}", to=to, context=context, language=language, about=about)


def queue_templates(
    prefix: str, *, to: str, context: dict, language: str, about: models.Model | None = None
) -> OutboundEmail:
    subject, text, html = render(prefix, context, language)
    return queue_written(subject, text, html, to=to, language=language, template=prefix, about=about)


def queue_written(
    subject: str, text: str, html: str, *, to: str, language: str, template: str, about: models.Model | None
) -> OutboundEmail:
    """Queue an email whose subject, text and HTML are written already."""
    about_fields = {}
    if about is not None:
        about_fields = {"content_type": ContentType.objects.get_for_model(about), "object_id": str(about.pk)}
    outbound = OutboundEmail(
        kind=OutboundEmail.Kind.MESSAGE,
        to=to,
        language=languages.supported(language),
        template=template,
        subject=one_line(subject),
        text=text,
        html=html,
        **about_fields,
    )
    return save_and_deliver(outbound)


def queue_for_signer(signature: Signature, kind: str, ip_hash: str = "") -> OutboundEmail:
    """Queue a confirmation or "already signed" email, written when it is sent.

    `ip_hash`: for a repeat email, the hashed address that asked for it (the mail caps count it).
    """
    outbound = OutboundEmail(signature=signature, kind=kind, language=signature.language, ip_hash=ip_hash)
    return save_and_deliver(outbound)


# Signers' emails, written when sent.


def unsubscribe_token(signature: Signature) -> str:
    """A link that never expires: a signed signature id, nothing stored."""
    return signing.dumps(signature.pk, salt=UNSUBSCRIBE_SALT)


def signature_for_unsubscribe(token: str) -> Signature | None:
    try:
        signature_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return Signature.objects.select_related("statement").filter(pk=signature_id).first()


def signer_context(signature: Signature, manage_token: str) -> dict:
    """What every email to a signer shows, in the active language."""
    return {
        "signature": signature,
        "statement": signature.statement,
        "statement_url": absolute(signature.statement.get_absolute_url()),
        "manage_url": absolute(reverse("signature_manage", args=[manage_token])),
        "SITE_URL": settings.SITE_URL,
    }


def confirmation(
    signature: Signature, manage_token: str, confirm_token: str, again: bool = False
) -> EmailMultiAlternatives:
    with languages.override(signature.language):
        context = signer_context(signature, manage_token) | {
            "confirm_url": absolute(reverse("signature_confirm", args=[confirm_token])),
            "again": again,
        }
    return message(*render("emails/signature_confirm", context, signature.language), signature.email)


def already_signed(signature: Signature, manage_token: str) -> EmailMultiAlternatives:
    with languages.override(signature.language):
        context = signer_context(signature, manage_token)
    return message(*render("emails/signature_already_signed", context, signature.language), signature.email)


@dataclass(frozen=True)
class UpdateLayout:
    """An update as readers of one language get it, written once for a whole batch.

    Each reader's own tokens (in the manage and unsubscribe links) stand in it as random markers
    until `to` puts them in: a hundred thousand emails cost one rendering per language, not one
    each, and each still reads exactly as if it had been rendered for its reader alone.
    """

    subject: str
    text: str
    html: str
    unsubscribe_url: str
    # The stand-ins for the manage token and the unsubscribe token.
    markers: tuple[str, str]

    def to(self, address: str, manage_token: str, unsubscribe: str) -> EmailMultiAlternatives:
        text, html, unsubscribe_url = self.text, self.html, self.unsubscribe_url
        for marker, token in zip(self.markers, (manage_token, unsubscribe), strict=True):
            text, html = text.replace(marker, token), html.replace(marker, token)
            unsubscribe_url = unsubscribe_url.replace(marker, token)
        headers = {
            # Mail clients offer a one-click unsubscribe that POSTs to this URL, without a cookie.
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
        return message(self.subject, text, html, address, headers=headers)


def update_layout(update: Update, language: str, preview: bool = False) -> UpdateLayout:
    """The update in `language` (a Welsh reader gets the English where no Welsh was written).

    The unsubscribe link (also the one-click POST target) keeps its unprefixed address; the
    others go to the pages in that language. A preview's personal links lead to the statement.
    """
    # Unguessable, so that nothing a moderator writes can be taken for a marker.
    markers = (secrets.token_hex(12), secrets.token_hex(12))
    with languages.override(settings.LANGUAGE_CODE):
        unsubscribe_url = absolute(reverse("unsubscribe", args=[markers[1]]))
    with languages.override(language):
        statement_url = absolute(update.statement.get_absolute_url())
        manage_url = absolute(reverse("signature_manage", args=[markers[0]]))
        if preview:
            manage_url = unsubscribe_url = statement_url
        body = update.localised("body")
        # A correction notice is written from our templates with the moderator's reason and the
        # signed text in it, as plain text: shown exactly as written, never read as Markdown.
        if update.kind == Update.Kind.CORRECTION:
            body_html = linebreaks(body, autoescape=True)
        else:
            body_html = markup.to_html(body)
        context = {
            "statement": update.statement,
            "statement_url": statement_url,
            "manage_url": manage_url,
            "unsubscribe_url": unsubscribe_url,
            "SITE_URL": settings.SITE_URL,
            "update": update,
            "body_html": body_html,
            "body_text": markup.to_text(body_html),
        }
        text = render_plain("emails/update_message.txt", context)
        html = render_to_string("emails/update_message.html", context)
        return UpdateLayout(update.localised("subject"), text, html, unsubscribe_url, markers)


def update_layouts(update: Update) -> dict[str, UpdateLayout]:
    return {code: update_layout(update, code) for code, _name in settings.LANGUAGES}


def update_for_signer(update: Update, signature: Signature, manage_token: str) -> EmailMultiAlternatives:
    """The update as `signature`'s signer gets it (one rendering: a batch shares its layouts)."""
    layout = update_layout(update, languages.supported(signature.language))
    return layout.to(signature.email, manage_token, unsubscribe_token(signature))


def update_preview(update: Update, language: str, to: str = "") -> EmailMultiAlternatives:
    """The update as a reader of `language` gets it, for a moderator to check before sending."""
    return update_layout(update, languages.supported(language), preview=True).to(to, "", "")


def queue_update_test(update: Update, moderator) -> OutboundEmail:
    """Queue the update, as an English-reading signer gets it, to the moderator alone."""
    preview = update_preview(update, "en", moderator.email)
    [(html, _mimetype)] = preview.alternatives
    subject = gettext("[Test] %(subject)s") % {"subject": preview.subject}
    return queue_written(
        subject, preview.body, html, to=moderator.email, language="en", template="update test", about=update
    )


@dataclass
class Batch:
    """What the messages of one batch share, fetched or stored once for all of them."""

    layouts: dict[int, dict[str, UpdateLayout]]
    manage_tokens: dict[int, str]
    confirm_tokens: dict[int, str]


def prepare(rows: list[OutboundEmail]) -> Batch:
    """Statements and updates in two queries at most, and every link's token stored in one."""
    signer_rows = [row for row in rows if row.kind in OutboundEmail.SIGNER_KINDS]
    updates = Update.objects.in_bulk({row.update_id for row in signer_rows if row.update_id})
    # The task that signs and sends at once (`sent_here`) has its statement in hand already.
    known = {
        row.signature.statement_id: row.signature.statement
        for row in signer_rows
        if Signature.statement.is_cached(row.signature)
    }
    statement_ids = {row.signature.statement_id for row in signer_rows}
    statements = known | Statement.objects.in_bulk(
        (statement_ids | {update.statement_id for update in updates.values()}) - set(known)
    )
    for row in signer_rows:
        row.signature.statement = statements[row.signature.statement_id]
    for update in updates.values():
        update.statement = statements[update.statement_id]
    tokens = SignatureToken.issue_for(
        {
            SignatureToken.Purpose.MANAGE: [row.signature_id for row in signer_rows],
            SignatureToken.Purpose.CONFIRM: [row.signature_id for row in rows if row.kind in CONFIRMATIONS],
        }
    )
    return Batch(
        layouts={update_id: update_layouts(update) for update_id, update in updates.items()},
        manage_tokens=tokens[SignatureToken.Purpose.MANAGE],
        confirm_tokens=tokens[SignatureToken.Purpose.CONFIRM],
    )


def write(row: OutboundEmail, batch: Batch) -> EmailMultiAlternatives:
    if row.kind == OutboundEmail.Kind.MESSAGE:
        return message(row.subject, row.text, row.html, row.to)
    manage_token = batch.manage_tokens[row.signature_id]
    if row.kind == OutboundEmail.Kind.UPDATE:
        layout = batch.layouts[row.update_id][languages.supported(row.signature.language)]
        return layout.to(row.signature.email, manage_token, unsubscribe_token(row.signature))
    if row.kind == OutboundEmail.Kind.ALREADY_SIGNED:
        return already_signed(row.signature, manage_token)
    again = row.kind == OutboundEmail.Kind.CONFIRM_AGAIN
    return confirmation(row.signature, manage_token, batch.confirm_tokens[row.signature_id], again)


def render_for_sending(rows: list[OutboundEmail]) -> dict[int, EmailMultiAlternatives | sending.Withheld]:
    """The messages of claimed rows, by row id. Their links' tokens are stored (and committed:
    the sender calls this outside a transaction) first, so a link followed at once works.

    Signers' first and repeat emails pass the signing rules here first (consult/abuse.py): off
    the web request, and before any link is made. A row they hold back is withheld, not written."""
    withheld = {row.pk: sending.Withheld(reason) for row in rows if (reason := abuse.screen(row))}
    rows = [row for row in rows if row.pk not in withheld]
    batch = prepare(rows)
    return withheld | {row.pk: write(row, batch) for row in rows}


# The tasks: thin, they take ids, and any of them may run twice (a row is sent once).


@shared_task
def send_outbound_email(outbound_id: int) -> bool:
    """Send one row, queued when its transaction committed; returns whether it was sent."""
    emails = OutboundEmail.objects.filter(pk=outbound_id)
    return sending.deliver(emails, render_for_sending).sent == 1


@shared_task
def send_outbound_batch(first_id: int, last_id: int) -> int:
    """Send the due rows with ids from `first_id` to `last_id` (a batch of an update's fan-out)."""
    emails = OutboundEmail.objects.filter(pk__range=(first_id, last_id))
    outcome = sending.deliver(emails, render_for_sending, sending.BATCH_SIZE)
    if outcome.unfinished:  # Its claim ran out before the batch did: the rest go in a new task.
        sending.enqueue(send_outbound_batch, first_id, last_id)
    return outcome.sent


@shared_task
def send_unsent_emails() -> int:
    """Beat's sweep: rows whose task never ran, whose sender died, or whose retry is due."""
    return sending.sweep(render_for_sending)
