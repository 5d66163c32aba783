"""The one sender: how outbox rows leave, whatever their kind.

`deliver` claims a batch of due rows for a lease (`claimed_until`, committed before anything is
sent, so two senders never hold one row), has them written, and sends them over one SMTP
connection, marking each row the moment the server has accepted its message. A failure for now
(a 4xx reply, a timeout, a lost connection) sets when the row is due again, further away after
each failure; a refusal for good (a 5xx reply to the message or its recipient) gives the row up
with the reason kept. The sweep, run by beat every minute, sends what no task did: rows whose
task never ran (the broker was down), whose sender died (the lease lapsed) or whose retry is due.

The guarantee: nobody is skipped, and a row is sent twice only when a sender dies between the
server accepting its message and the row being marked, so at most one duplicate per sender
process killed mid-send. A sender stops taking rows well before its lease lapses, so a slow
sender's rows are never sent by another meanwhile.
"""

import logging
import re
import smtplib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
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
    connection = get_connection()
    is_open, unreachable = False, ""
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
                sent, is_open = send_one(row, email, connection)
                outcome.sent += sent
        outcome.unreachable = bool(unreachable)
    finally:
        connection.close()
    return outcome


def open_connection(connection) -> tuple[bool, str]:
    """Whether the connection opened, and if not, why."""
    try:
        connection.open()
    except (smtplib.SMTPException, OSError) as error:
        return False, reason(error)
    return True, ""


def send_one(row: OutboundEmail, email: EmailMessage, connection) -> tuple[bool, bool]:
    """Send one message and record the outcome on its row: whether it was sent, and whether the
    connection is still usable."""
    try:
        connection.send_messages([email])
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
