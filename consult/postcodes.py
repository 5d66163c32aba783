"""Postcode areas and the nations they lie in, for counting signatures by nation.

The area is the one or two letters a UK postcode starts with ("CF10 1AA" -> "CF", "B1 1AA" -> "B").
A few areas cross a border (SY and CH straddle England and Wales, TD and DG England and Scotland);
each is given the nation most of its addresses lie in, so these counts are approximate there.
"""

from django.utils.translation import gettext_lazy as _

WALES = frozenset({"CF", "LD", "LL", "NP", "SA", "SY"})
SCOTLAND = frozenset(
    {"AB", "DD", "DG", "EH", "FK", "G", "HS", "IV", "KA", "KW", "KY", "ML", "PA", "PH", "TD", "ZE"}
)
NORTHERN_IRELAND = frozenset({"BT"})
# Crown dependencies use UK-style postcodes but are not in the UK.
ELSEWHERE = frozenset({"GY", "JE", "IM"})

NATIONS = {
    "england": _("England"),
    "wales": _("Wales"),
    "scotland": _("Scotland"),
    "northern-ireland": _("Northern Ireland"),
    "elsewhere": _("Channel Islands and Isle of Man"),
}


def postcode_area(postcode: str) -> str:
    """The area letters of a postcode, or "" when it does not start like one."""
    text = postcode.strip().upper()
    letters = ""
    for character in text[:2]:
        if not ("A" <= character <= "Z"):
            break
        letters += character
    # An area is followed by the district's digit: "G1", "CF10". "GIR 0AA" and garbage have none.
    if not letters or len(text) <= len(letters) or not text[len(letters)].isdigit():
        return ""
    return letters


def nation_of_area(area: str) -> str:
    """The nation key ("england", "wales", ...) of a postcode area."""
    if area in WALES:
        return "wales"
    if area in SCOTLAND:
        return "scotland"
    if area in NORTHERN_IRELAND:
        return "northern-ireland"
    if area in ELSEWHERE:
        return "elsewhere"
    return "england"


def nation_of(postcode: str) -> str | None:
    """The nation key of a postcode, or None when it has no recognisable area."""
    area = postcode_area(postcode)
    return nation_of_area(area) if area else None
