"""The development mailbox: the emails Django's file-based backend wrote, newest first.

With the embedded defaults nobody runs a mail server, so without this page a person trying the
site would stop at "check your email". It reads settings.EMAIL_FILE_PATH and nothing else.
"""

import email
import email.policy
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

# Django's file-based backend writes each message followed by a line of 79 dashes.
SEPARATOR = re.compile(rb"^-{79}$", re.MULTILINE)
LINK = re.compile(r"https?://[^\s<>\"']+")
MAX_FILES = 50


@dataclass
class MailboxMessage:
    subject: str
    to: str
    date: str
    text: str
    links: list[str] = field(default_factory=list)


def parse(raw: bytes) -> MailboxMessage | None:
    message = email.message_from_bytes(raw.strip() + b"\n", policy=email.policy.default)
    if not message["subject"] and not message["to"]:
        return None
    part = message.get_body(preferencelist=("plain",))
    text = part.get_content() if part is not None else ""
    return MailboxMessage(
        subject=str(message["subject"] or ""),
        to=str(message["to"] or ""),
        date=str(message["date"] or ""),
        text=text,
        links=list(dict.fromkeys(LINK.findall(text))),
    )


def read_messages() -> list[MailboxMessage]:
    folder = getattr(settings, "EMAIL_FILE_PATH", None)
    if not folder or not Path(folder).is_dir():
        return []
    files = sorted(Path(folder).glob("*.log"), key=lambda path: path.stat().st_mtime, reverse=True)
    messages = []
    for path in files[:MAX_FILES]:
        for chunk in reversed(SEPARATOR.split(path.read_bytes())):
            if chunk.strip() and (message := parse(chunk)) is not None:
                messages.append(message)
    return messages
