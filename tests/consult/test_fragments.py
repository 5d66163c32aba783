"""Parts of every page rendered once per process and language (consult/templatetags/fragments.py)."""

import pytest
from django.urls import reverse

from consult.templatetags import fragments

pytestmark = pytest.mark.django_db


def test_the_head_header_and_an_anonymous_readers_account_links_are_rendered_once_per_language(
    client, statement
):
    fragments.rendered.clear()
    client.get(reverse("home"))
    english = client.get(statement.get_absolute_url()).content.decode()
    welsh = client.get("/cy" + statement.get_absolute_url()).content.decode()
    for name in ["head", "header", "account-links", "footer"]:
        assert {key[1] for key in fragments.rendered if key[0] == name} == {"en-gb", "cy"}, name
    assert '<a class="site-name" href="/">' in english and 'href="/accounts/login/">Log in</a>' in english
    assert '<a class="site-name" href="/cy/">' in welsh and 'href="/cy/accounts/login/">' in welsh


def test_a_logged_in_reader_gets_their_own_account_links_not_the_anonymous_ones(client, user, statement):
    client.get(statement.get_absolute_url())  # An anonymous page first: its links are remembered.
    client.force_login(user)
    body = client.get(reverse("home")).content.decode()
    assert reverse("account_logout") in body and reverse("account_signup") not in body
