import pytest
from django.core.cache import cache
from django.urls import reverse

from consult.models import Argument, Consultation, Statement
from tests.conftest import forget_shared_pages
from tests.factories import ArgumentFactory, OrganisationFactory, SignatureFactory, StatementFactory

pytestmark = pytest.mark.django_db


def test_home_lists_public_consultations_with_statement_counts(client, statement):
    SignatureFactory(statement=statement).confirm()
    response = client.get(reverse("home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert statement.consultation.title in body
    assert statement.title in body
    assert "1 signature" in body


def test_home_hides_draft_consultations(client):
    from tests.factories import ConsultationFactory

    ConsultationFactory(title="Secret draft", status=Consultation.Status.DRAFT)
    assert "Secret draft" not in client.get(reverse("home")).content.decode()


def test_consultation_page_shows_published_arguments_on_both_sides(client, consultation):
    ArgumentFactory(consultation=consultation, side="for", claim="Catches offenders")
    ArgumentFactory(consultation=consultation, side="against", claim="Mass surveillance")
    ArgumentFactory(
        consultation=consultation, side="for", claim="Not yet moderated", status=Argument.Status.PENDING
    )
    response = client.get(reverse("consultation_detail", args=[consultation.slug]))
    assert response.status_code == 200
    assert [a.claim for a in response.context["arguments_for"]] == ["Catches offenders"]
    assert [a.claim for a in response.context["arguments_against"]] == ["Mass surveillance"]
    assert "Not yet moderated" not in response.content.decode()


def test_consultation_page_ignores_an_unknown_ordering(client, consultation):
    response = client.get(reverse("consultation_detail", args=[consultation.slug]), {"order": "<script>"})
    assert response.status_code == 200
    assert response.context["ordering"] == "endorsed"
    assert "<script>" not in response.content.decode()


def test_draft_consultation_is_not_found(client):
    from tests.factories import ConsultationFactory

    draft = ConsultationFactory(status=Consultation.Status.DRAFT)
    response = client.get(reverse("consultation_detail", args=[draft.slug]))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_argument_page_shows_its_sources_and_replies(client, consultation):
    argument = ArgumentFactory(consultation=consultation, side="for", claim="Finds missing people")
    ArgumentFactory(consultation=consultation, side="against", claim="At what cost", answers=argument)
    response = client.get(argument.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert "Finds missing people" in body
    assert "www.example.org" in body
    assert "At what cost" in body


def test_pending_argument_page_is_not_found(client, consultation):
    argument = ArgumentFactory(consultation=consultation, status=Argument.Status.PENDING)
    assert client.get(argument.get_absolute_url()).status_code == 404


def test_user_text_is_escaped_and_links_are_inert(client, consultation):
    argument = ArgumentFactory(
        consultation=consultation,
        claim="<script>alert(1)</script>",
        explanation="See javascript:alert(1) and <img src=x onerror=alert(1)> https://example.org/x",
    )
    body = client.get(argument.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "<img src=x" not in body
    assert 'href="javascript:' not in body
    assert '<a href="https://example.org/x"' in body


def test_statement_page_shows_counts_by_kind_and_verified_signatories(client, statement):
    organisation = OrganisationFactory(name="Rights Group")
    SignatureFactory(statement=statement, kind="organisation", organisation=organisation).confirm()
    notable = SignatureFactory(
        statement=statement, kind="notable", name="Sam MP", public_role="MP for Somewhere"
    )
    notable.confirm()
    notable.set_role_status("verified")
    SignatureFactory(
        statement=statement, name="Unverified Role", kind="notable", public_role="Peer"
    ).confirm()
    SignatureFactory(statement=statement, name="Listed Person", show_name=True).confirm()
    SignatureFactory(statement=statement, name="Private Person").confirm()
    response = client.get(statement.get_absolute_url())
    body = response.content.decode()
    counts = response.context["counts"]
    assert (counts.total, counts.individuals, counts.organisations, counts.notable) == (5, 3, 1, 1)
    assert "Rights Group" in body
    assert "Sam MP" in body and "MP for Somewhere" in body
    assert "Listed Person" in body
    assert "Private Person" not in body
    assert "Unverified Role" not in body


def test_statement_page_never_shows_emails(client, statement):
    SignatureFactory(statement=statement, name="Listed", email="secret@example.org", show_name=True).confirm()
    assert "secret@example.org" not in client.get(statement.get_absolute_url()).content.decode()


def test_closed_statement_says_its_count_is_final(client, consultation):
    closed = StatementFactory(consultation=consultation, status=Statement.Status.CLOSED)
    assert "no longer takes signatures" in client.get(closed.get_absolute_url()).content.decode()


def test_proposed_statement_is_not_found(client, consultation):
    proposed = StatementFactory(consultation=consultation, status=Statement.Status.PROPOSED)
    assert client.get(proposed.get_absolute_url()).status_code == 404


def test_reading_pages_set_no_cookie(client, statement):
    argument = ArgumentFactory(consultation=statement.consultation)
    for url in [reverse("home"), statement.consultation.get_absolute_url(), argument.get_absolute_url()]:
        response = client.get(url)
        assert response.status_code == 200
        assert not response.cookies, url


def test_pages_load_nothing_from_other_hosts(client, statement):
    body = client.get(statement.consultation.get_absolute_url()).content.decode()
    assert 'src="http' not in body
    assert 'rel="stylesheet" href="http' not in body


def test_server_error_page_is_friendly(client, settings):
    from django.template import loader

    body = loader.render_to_string("500.html")
    assert "Sorry, something went wrong" in body


def test_home_counts_every_statement_in_one_query(client, consultation, django_assert_max_num_queries):
    for _ in range(2):
        SignatureFactory(statement=StatementFactory(consultation=consultation)).confirm()
    with django_assert_max_num_queries(4) as few:
        client.get(reverse("home"))
    for _ in range(5):
        SignatureFactory(statement=StatementFactory(consultation=consultation)).confirm()
    forget_shared_pages()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("home"))
    assert response.content.decode().count("1 signature") == 7


def test_statement_page_shares_its_signatory_lists_for_a_few_seconds(client, user, statement):
    """Readers share one rendering of the lists; a logged-in reader's count panel stays live."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(user)
    SignatureFactory(statement=statement, name="First Signer", show_name=True).confirm()
    assert "First Signer" in client.get(statement.get_absolute_url()).content.decode()
    SignatureFactory(statement=statement, name="Second Signer", show_name=True).confirm()
    with CaptureQueriesContext(connection) as queries:
        body = client.get(statement.get_absolute_url()).content.decode()
    assert not any('"consult_signature"' in query["sql"] for query in queries.captured_queries)
    assert "Second Signer" not in body  # The shared rendering, a few seconds old at most...
    assert "<strong>2</strong>" in body  # ...under a count read afresh.
    cache.clear()  # Once it expires, the lists are read again.
    assert "Second Signer" in client.get(statement.get_absolute_url()).content.decode()
