import csv
import io

import pytest

from consult.exports import mask_email, neutralise, signature_rows
from tests.factories import SignatureFactory


@pytest.mark.parametrize(
    ("email", "masked"),
    [("jo@example.org", "j***@example.org"), ("a@b.org", "a***@b.org"), ("broken", "***"), ("", "***")],
)
def test_emails_are_masked_to_their_first_letter_and_domain(email, masked):
    assert mask_email(email) == masked


@pytest.mark.parametrize("value", ["=1+1", "+44 20", "-2", "@SUM(A1)", "\tcmd", "\rcmd", '=HYPERLINK("x")'])
def test_formula_cells_are_neutralised(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["Jo Bloggs", "", None, "a=b", "O'Neil", "مرحبا"])
def test_ordinary_cells_are_left_alone(value):
    assert neutralise(value) == ("" if value is None else value)


@pytest.mark.django_db
def test_export_streams_every_signature_with_hostile_names_inert(statement):
    SignatureFactory(statement=statement, name="=cmd|' /C calc'!A0", email="x@example.org")
    SignatureFactory(statement=statement, name='Quote "and" comma, newline\nhere', email="y@example.org")
    lines = signature_rows(statement)
    parsed = list(csv.reader(io.StringIO("".join(lines).removeprefix("\ufeff"))))
    assert parsed[0][:5] == ["signed", "confirmed", "state", "kind", "name"]
    names = [row[4] for row in parsed[1:]]
    assert names == ["'=cmd|' /C calc'!A0", 'Quote "and" comma, newline\nhere']


@pytest.mark.django_db
def test_export_starts_with_a_byte_order_mark_so_excel_reads_welsh_names(statement):
    SignatureFactory(statement=statement, name="Siân Llŷr Gwenllïan Ŵyn", email="sian@example.org")
    encoded = "".join(signature_rows(statement)).encode()
    assert encoded.startswith(b"\xef\xbb\xbfsigned,")
    assert encoded.count(b"\xef\xbb\xbf") == 1
    parsed = list(csv.reader(io.StringIO(encoded.decode("utf-8-sig"))))
    assert parsed[0][0] == "signed" and parsed[1][4] == "Siân Llŷr Gwenllïan Ŵyn"
