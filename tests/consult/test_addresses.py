import pytest
from django.core.exceptions import ValidationError

from consult.addresses import (
    check_deliverable,
    is_disposable,
    normalise_email,
    normalise_postcode,
)
from tests.naughty import naughty_strings


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("Jo.Bloggs@Example.org", "jo.bloggs@example.org"),
        ("jo.bloggs+petition@gmail.com", "jobloggs@gmail.com"),
        ("J.O.Bloggs@GoogleMail.com", "jobloggs@gmail.com"),
        ("jo+tag@example.org", "jo+tag@example.org"),
        ("  jo@example.org ", "jo@example.org"),
        ('"jo"@example.org', "jo@example.org"),
        ('"j\\o"@example.org', "jo@example.org"),
        ('"Jo Bloggs"@example.org', '"jo bloggs"@example.org'),
        ('"a@b"@example.org', '"a@b"@example.org'),
        ('"a\\"b"@example.org', '"a\\"b"@example.org'),
        ('""@example.org', '""@example.org'),
        ('"alicejones+2"@googlemail.com', "alicejones@gmail.com"),
    ],
)
def test_emails_are_normalised_so_one_person_has_one_form(address, expected):
    assert normalise_email(address) == expected


def test_one_gmail_inbox_has_one_normalised_form_however_its_local_part_is_quoted():
    spellings = ["alice.jones@gmail.com", '"alicejones"@gmail.com', '"alicejones+2"@gmail.com']
    assert {normalise_email(address) for address in spellings} == {"alicejones@gmail.com"}


@pytest.mark.parametrize("address", naughty_strings())
def test_normalising_hostile_addresses_gives_one_stable_form(address):
    """Whatever comes in, normalising is total and idempotent: a second pass changes nothing."""
    once = normalise_email(address)
    assert normalise_email(once) == once


@pytest.mark.parametrize(
    "address", ["user@localhost", "a@[1.2.3.4]", "a@[IPv6:::1]", "a@intranet", "a@x.localhost"]
)
def test_addresses_no_member_of_the_public_could_use_are_refused(address):
    with pytest.raises(ValidationError):
        check_deliverable(address)


def test_ordinary_address_is_deliverable():
    check_deliverable("jo@example.org.uk")


def test_disposable_domains_and_their_subdomains_are_recognised():
    assert is_disposable("x@mailinator.com")
    assert is_disposable("x@sub.mailinator.com")
    assert not is_disposable("x@example.org")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("sw1a1aa", "SW1A 1AA"),
        (" SW1A  1AA ", "SW1A 1AA"),
        ("m11ae", "M1 1AE"),
        ("cr26xh", "CR2 6XH"),
        ("gir0aa", "GIR 0AA"),
    ],
)
def test_uk_postcodes_are_normalised(typed, expected):
    assert normalise_postcode(typed) == expected


@pytest.mark.parametrize("typed", ["12345", "SW1A", "<script>", "SW1A 1AA1", "ZZ99 9ZZZ"])
def test_anything_else_is_not_a_postcode(typed):
    with pytest.raises(ValidationError):
        normalise_postcode(typed)
