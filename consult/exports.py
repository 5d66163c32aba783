"""CSV exports of signatures for moderators entitled to them: streamed, and safe to open.

A cell that starts with =, +, -, @, a tab or a carriage return is a formula to a spreadsheet
(CSV injection); such cells get a leading apostrophe, which spreadsheets show as text.

The file starts with a UTF-8 byte-order mark: without it Excel reads the file in the system's
legacy encoding and garbles Welsh and accented names (ŵ, ŷ, é).
"""

import csv
from collections.abc import Iterator

from consult.models import Signature, Statement

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BYTE_ORDER_MARK = "\ufeff"
COLUMNS = [
    ("signed", "created_at"),
    ("confirmed", "confirmed_at"),
    ("state", "state"),
    ("kind", "kind"),
    ("name", "name"),
    ("email", "email"),
    ("postcode", "postcode"),
    ("listed", "show_name"),
    ("wants updates", "wants_updates"),
    ("organisation", "organisation__name"),
    ("public role", "public_role"),
]


def mask_email(email: str) -> str:
    """'jo@example.org' -> 'j***@example.org': enough to tell signers apart, not to write to them."""
    local, at, domain = email.partition("@")
    return f"{local[:1]}***{at}{domain}" if at else "***"


def neutralise(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


class Echo:
    """A file-like object that hands back what is written, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def signature_rows(statement: Statement) -> Iterator[str]:
    """The CSV, a line at a time; rows come from the database in chunks (constant memory)."""
    writer = csv.writer(Echo())
    yield BYTE_ORDER_MARK + writer.writerow([header for header, _field in COLUMNS])
    fields = [field for _header, field in COLUMNS]
    rows = Signature.objects.filter(statement=statement).order_by("pk").values_list(*fields)
    for row in rows.iterator(chunk_size=2_000):
        yield writer.writerow([neutralise(value) for value in row])
