"""Extract the interface's strings into the Welsh catalogues and compile them (`make messages`).

Two catalogues: locale/cy (the site's own strings) and locale/allauth/cy (the strings of the parts
of allauth the site uses, which allauth does not translate into Welsh). Translate the new or
changed entries of both (none may stay empty or fuzzy: tests/consult/test_languages.py checks),
then run this again so each .mo matches its .po. Both are committed, so a machine without gettext
still serves Welsh.
"""

import subprocess
import tempfile
from pathlib import Path

import allauth
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

# Folders with no interface strings of ours (the tests, the benchmark, installed or collected files).
IGNORED = ["node_modules", "bench", "tests", "staticfiles", "var"]
ALLAUTH_SOURCE = Path(allauth.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"
ALLAUTH_CATALOGUE = Path(settings.BASE_DIR) / "locale" / "allauth" / "cy" / "LC_MESSAGES" / "django.po"
# The parts of allauth the site uses (accounts, two-factor authentication), as msggrep locations.
ALLAUTH_PARTS = [
    "account",
    "mfa",
    "core",
    "templates/account",
    "templates/mfa",
    "templates/allauth",
    "templates/layouts",
]


def allauth_locations() -> list[str]:
    """msggrep options selecting ALLAUTH_PARTS at any depth (its wildcards stop at a slash)."""
    return [f"--location={part}{'/*' * depth}" for part in ALLAUTH_PARTS for depth in range(1, 5)]


def allauth_template() -> str:
    """The msgids of the allauth parts the site uses, from allauth's own (English) catalogue."""
    command = ["msggrep", *allauth_locations(), str(ALLAUTH_SOURCE)]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def update_allauth_catalogue() -> None:
    """Merge allauth's current msgids into our Welsh for it, dropping those it no longer has."""
    catalogue = str(ALLAUTH_CATALOGUE)
    with tempfile.NamedTemporaryFile("w", suffix=".pot") as template:
        template.write(allauth_template())
        template.flush()
        subprocess.run(
            ["msgmerge", "--quiet", "--update", "--backup=none", catalogue, template.name], check=True
        )
    subprocess.run(["msgattrib", "--no-obsolete", "-o", catalogue, catalogue], check=True)


class Command(BaseCommand):
    help = "Update locale/cy and locale/allauth/cy from the code, then compile them."

    def handle(self, *args, **options) -> None:
        call_command(
            "makemessages", locale=["cy"], ignore_patterns=IGNORED, no_obsolete=True, add_location="file"
        )
        update_allauth_catalogue()
        call_command("compilemessages", locale=["cy"], ignore_patterns=[".venv", *IGNORED])
