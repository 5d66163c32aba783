"""The one sender: how outbox rows leave, whatever their kind.

`deliver` claims a batch of due rows for a lease (`claimed_until`, committed before anything is
sent, so two senders never hold one row), has them written, and sends them over one SMTP
connection (each worker process keeps it open between batches), marking each row the moment
the server has accepted its message. A failure for now (a 4xx reply, a timeout, a lost
connection) sets when the row is due again, further away after each failure; a refusal for
good (a 5xx reply to the message or its recipient) gives the row up with the reason kept. The sweep, run by
beat every minute, sends what no task did: rows whose task never ran (the broker was down),
whose sender died (the lease lapsed) or whose retry is due.

The guarantee: nobody is skipped, and a row is sent twice only when a sender dies between the
server accepting its message and the row being marked, so at most one duplicate per sender
process killed mid-send. A sender stops taking rows well before its lease lapses, so a slow
sender's rows are never sent by another meanwhile.
"""

import logging
import re
import smtplib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from celery.signals import worker_process_shutdown
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db.models import Q, QuerySet
from django.utils import timezone

from consult.models import OutboundEmail, Update

logger = logging.getLogger(__name__)


class Withheld(Exception):
    """What a renderer gives instead of a message for a row that must not go: it is skipped."""


Renderer = Callable[[list[OutboundEmail]], dict[int, EmailMessage | Withheld]]

BATCH_SIZE = 500
# Rows younger than this are left to the task queued when they were written.
SWEEP_AFTER = timedelta(minutes=1)
# How long one sweep goes on sending (beat starts one a minute).
SWEEP_FOR = timedelta(seconds=45)
ADDRESS = re.compile(r"<?[^\s<>@]+@[^\s<>@]+>?")

# Errors about one message or its recipient; the connection can carry the next message.
MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError)
# What a kept connection the server closed while it idled raises at its next command.
DROPPED_ERRORS = (smtplib.SMTPServerDisconnected, ConnectionError)
# A kept SMTP connection idle longer than this is closed rather than reused: well inside the five
# minutes servers commonly wait before dropping an idle client.
KEEP_IDLE_FOR = 30.0


@dataclass
class Outcome:
    claimed: int = 0
    sent: int = 0
    # The lease ran short before every claimed row was tried: the rest were let go.
    unfinished: bool = False
    # The mail server could not be reached: the rest were put off.
    unreachable: bool = False


def lease() -> timedelta:
    """How long a sender holds the rows it claimed: several SMTP timeouts, at least a minute."""
    return timedelta(seconds=max(60, 3 * email_timeout()))


def email_timeout() -> float:
    return settings.EMAIL_TIMEOUT or 20


def is_permanent(error: Exception) -> bool:
    """Whether a failed send was refused for good (a 5xx reply), not just for now (4xx, no answer)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _message in error.recipients.values())
    return isinstance(error, smtplib.SMTPDataError) and error.smtp_code >= 500


def reason(error: Exception) -> str:
    """What went wrong, as kept on the row: the server's reply without the recipient's address,
    so the same failure reads the same for everyone (and the reason holds no personal data)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
        code, reply = next(iter(error.recipients.values()))
        text = f"{code} {reply.decode(errors='replace') if isinstance(reply, bytes) else reply}"
    elif isinstance(error, smtplib.SMTPResponseException):
        reply = error.smtp_error
        text = f"{error.smtp_code} {reply.decode(errors='replace') if isinstance(reply, bytes) else reply}"
    else:
        text = f"{type(error).__name__}: {error}"
    return ADDRESS.sub("<address>", " ".join(text.split()))[:1000]


def enqueue(task, *args) -> None:
    """Queue a task; with the broker down, leave the work to the sweep. Never raises: it runs
    after a commit, often inside someone's request."""
    try:
        task.delay(*args)
    except Exception:
        logger.exception("Could not queue %s%s; the sweep will do it", task.name, args)


def deliver(emails: QuerySet[OutboundEmail], render: Renderer, limit: int = 1) -> Outcome:
    """Claim up to `limit` due rows of `emails`, write them with `render`, and send them."""
    claimed_at = time.monotonic()
    return deliver_claimed(emails.claim(limit, lease()), render, claimed_at)


def deliver_claimed(claimed: list[OutboundEmail], render: Renderer, claimed_at: float) -> Outcome:
    """Write and send rows this sender holds, claimed for `lease()` at `claimed_at` (monotonic)."""
    if not claimed:
        return Outcome()
    needed = []
    for row in claimed:
        if moot := row.moot_because:
            row.skip(moot)
        else:
            needed.append(row)
    # Nothing may start once the lease could lapse during it (a send can take two timeouts).
    deadline = claimed_at + lease().total_seconds() - 2 * email_timeout()
    outcome = send(needed, written(needed, render), deadline)
    outcome.claimed = len(claimed)
    if update_ids := {row.update_id for row in claimed if row.update_id}:
        Update.objects.filter(pk__in=update_ids).finish_sent()
    return outcome


def written(rows: list[OutboundEmail], render: Renderer) -> dict[int, EmailMessage | Exception]:
    """Each row's message; a row that cannot be written gets the error instead of stopping the batch."""
    try:
        return render(rows)
    except Exception:
        if len(rows) == 1:
            logger.exception("Could not write outbound email %s", rows[0].pk)
            return {rows[0].pk: ValueError("The email could not be written.")}
        messages: dict[int, EmailMessage | Exception] = {}
        for row in rows:  # Find the row at fault; write the others.
            messages |= written([row], render)
        return messages


def send(rows: list[OutboundEmail], messages: dict, deadline: float) -> Outcome:
    """Send `rows` over one connection, opened when first needed, marking each as it goes."""
    outcome = Outcome()
    connection, is_open = kept_connection()
    kept, unreachable = is_open, ""
    try:
        for position, row in enumerate(rows):
            email = messages[row.pk]
            if isinstance(email, Withheld):
                row.skip(str(email))
                continue
            if not is_open and not unreachable and not isinstance(email, Exception):
                # Opened here, not by send_messages(), which would close it after each message.
                is_open, unreachable = open_connection(connection)
            if unreachable:
                row.retry_later(unreachable)
            elif time.monotonic() > deadline:
                left = OutboundEmail.objects.filter(pk__in=[row.pk for row in rows[position:]])
                left.postpone(timezone.now())
                outcome.unfinished = True
                break
            elif isinstance(email, Exception):
                row.give_up(reason(email))
            else:
                sent, is_open = send_one(row, email, connection, kept)
                outcome.sent += sent
                kept = False
        outcome.unreachable = bool(unreachable)
    finally:
        keep_or_close(connection, is_open)
    return outcome


class Kept(threading.local):
    """This thread's SMTP connection between batches, with the settings it was opened with."""

    connection: SMTPBackend | None = None
    settings: tuple = ()
    used_at = 0.0


kept_here = Kept()


def email_settings() -> tuple:
    return (
        settings.EMAIL_BACKEND,
        settings.EMAIL_HOST,
        settings.EMAIL_PORT,
        settings.EMAIL_HOST_USER,
        settings.EMAIL_USE_TLS,
        settings.EMAIL_USE_SSL,
        settings.EMAIL_TIMEOUT,
    )


def kept_connection() -> tuple:
    """A connection for a batch, and whether it is open already: the one kept from this thread's
    last batch while it is fresh and the settings are the same, or a new one, not yet open.
    Connecting and greeting the server for each email was an eighth of a signature's task."""
    connection = kept_here.connection
    kept_here.connection = None
    if connection is not None:
        if kept_here.settings == email_settings() and time.monotonic() - kept_here.used_at < KEEP_IDLE_FOR:
            return connection, True
        connection.close()
    return get_connection(), False


def keep_or_close(connection, is_open: bool) -> None:
    """Keep an open SMTP connection for this thread's next batch; close anything else. Other
    backends (the local mail folder, tests' memory) start afresh each batch, as they always did."""
    if is_open and isinstance(connection, SMTPBackend) and connection.connection is not None:
        kept_here.connection, kept_here.settings = connection, email_settings()
        kept_here.used_at = time.monotonic()
    else:
        connection.close()


@worker_process_shutdown.connect
def close_kept_connection(**kwargs) -> None:
    """A worker process that stops says goodbye to the mail server (QUIT) rather than vanishing."""
    if (connection := kept_here.connection) is not None:
        kept_here.connection = None
        connection.close()


def open_connection(connection) -> tuple[bool, str]:
    """Whether the connection opened, and if not, why."""
    try:
        connection.open()
    except (smtplib.SMTPException, OSError) as error:
        return False, reason(error)
    return True, ""


def send_one(row: OutboundEmail, email: EmailMessage, connection, kept: bool) -> tuple[bool, bool]:
    """Send one message and record the outcome on its row: whether it was sent, and whether the
    connection is still usable. `kept`: the connection idled since an earlier batch."""
    try:
        send_over(email, connection, kept)
    except MESSAGE_ERRORS as error:
        (row.give_up if is_permanent(error) else row.retry_later)(reason(error))
    except (smtplib.SMTPException, OSError) as error:
        row.retry_later(reason(error))
        connection.close()  # Broken: the next message goes over a new one, if the server answers.
        return False, False
    except ValueError as error:  # A header Django refuses to write (a line break in it).
        row.give_up(reason(error))
    else:
        row.mark_sent()
        return True, True
    return False, True


def send_over(email: EmailMessage, connection, kept: bool) -> None:
    """Send over the connection; one the server closed while it idled is opened again once. The
    server had dropped it before this message's first command, so it never had the message (a
    timeout is not retried: the server may still take what it was sent)."""
    try:
        connection.send_messages([email])
    except DROPPED_ERRORS:
        if not kept:
            raise
        connection.close()
        connection.open()
        connection.send_messages([email])


def sweep(render: Renderer, seconds: float = SWEEP_FOR.total_seconds()) -> int:
    """Send the rows no task has sent, for up to `seconds`; returns how many were sent."""
    days = OutboundEmail.GIVE_UP_AFTER.days
    OutboundEmail.objects.expired().give_up(f"Not delivered within {days} days: given up.")
    waiting = OutboundEmail.objects.filter(
        Q(attempts__gt=0) | Q(created_at__lte=timezone.now() - SWEEP_AFTER)
    )
    stop_at, sent = time.monotonic() + seconds, 0
    while time.monotonic() < stop_at:
        outcome = deliver(waiting, render, BATCH_SIZE)
        sent += outcome.sent
        if not outcome.claimed or outcome.unreachable:
            break
    return sent
