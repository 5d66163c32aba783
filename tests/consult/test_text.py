"""The one rule for cleaning what people type (consult/text.py), with Unicode's awkward cases."""

import pytest

from consult.forms.arguments import ArgumentForm
from consult.forms.fields import PlainTextField
from consult.forms.organisations import OrganisationForm
from consult.forms.signing import SignForm
from consult.text import clean_text

WALES = "\U0001f3f4\U000e0067\U000e0062\U000e0077\U000e006c\U000e0073\U000e007f"
FAMILY = "\U0001f469\u200d\U0001f469\u200d\U0001f467"
RAINBOW_FLAG = "\U0001f3f3\ufe0f\u200d\U0001f308"
PERSIAN = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # "I want", with its non-joiner.
MALAYALAM = "\u0d28\u0d4d\u200d"  # A chillu letter written with a joiner after the virama.


@pytest.mark.parametrize(
    "typed, cleaned",
    [
        ("Ali\u200bce \u202eEvil\u202c  Smith\x00", "Alice Evil Smith"),
        ("Al\u200dice", "Alice"),  # A joiner between ASCII letters hides nothing but itself.
        ("\u200dAlice\u200c", "Alice"),
        ("Jo \u200d Smith", "Jo Smith"),
        (FAMILY, FAMILY),
        (RAINBOW_FLAG, RAINBOW_FLAG),
        (PERSIAN, PERSIAN),
        (f"{MALAYALAM}\u0d31", f"{MALAYALAM}\u0d31"),
        (f"Cymru {WALES}", f"Cymru {WALES}"),
        ("a\U000e0067\U000e0062b", "ab"),  # Tags mean something only after a black flag.
        ("soft\u00adhyphen", "softhyphen"),
        ("\u2066isolated\u2069 \u200eleft\u200f", "isolated left"),
        ("\ufeffbom", "bom"),
        ("tab\there", "tab here"),
        ("  many   spaces  ", "many spaces"),
        ("Cafe\u0301", "Caf\u00e9"),  # Composed: the same name typed two ways is stored one way.
        ("\u200b\u200d\u202e \u3000", ""),
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),  # Escaped when shown, not here.
    ],
)
def test_one_line_text(typed, cleaned):
    assert clean_text(typed) == cleaned


def test_longer_text_keeps_its_line_breaks_as_newlines():
    typed = "First\r\nsecond\rthird\n\n\x07fourth\twith a tab\u2028"
    assert clean_text(typed, single_line=False) == "First\nsecond\nthird\n\nfourth with a tab"


def test_longer_text_of_only_blank_lines_is_empty():
    assert clean_text("\n \r\n\u200b\n", single_line=False) == ""


def test_the_length_limit_counts_the_cleaned_text():
    field = PlainTextField(max_length=5)
    assert field.clean("\u200bA\u202eB\u202cCDE\u200b") == "ABCDE"


def test_a_null_character_is_refused_not_cleaned_away():
    with pytest.raises(Exception, match="Null characters"):
        PlainTextField().clean("Ada\x00Lovelace")


def test_required_text_of_only_invisible_characters_is_missing():
    field = PlainTextField()
    with pytest.raises(Exception, match="required"):
        field.clean("\u200b\u202e\u2060")


@pytest.mark.parametrize(
    "form, name",
    [
        (SignForm, "name"),
        (SignForm, "public_role"),
        (OrganisationForm, "name"),
        (OrganisationForm, "description"),
        (ArgumentForm, "claim"),
        (ArgumentForm, "explanation"),
    ],
)
def test_every_form_cleans_text_the_one_way(form, name):
    field = form.base_fields[name]
    assert isinstance(field, PlainTextField)
    assert field.to_python(f"x\u202e{PERSIAN}") == f"x{PERSIAN}"
