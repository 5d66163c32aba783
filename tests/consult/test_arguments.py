import pytest
from django.urls import reverse

from consult.models import Argument, ArgumentSource, Consultation, ModerationDecision
from tests.consult.argument_personas import PERSONAS, fast_passwords, log_in_as, organisation_member  # noqa: F401
from tests.factories import ArgumentFactory, ConsultationFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_passwords")]


def form_data(**changes) -> dict:
    data = {
        "side": "against",
        "claim": "Watch lists grow without oversight",
        "explanation": "Guidance allows broad categories.\n\nSee https://www.example.org/guidance for more.",
        "source_title_1": "Guidance",
        "source_url_1": "https://www.example.org/guidance",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def submit(client, consultation, **changes):
    return client.post(reverse("argument_submit", args=[consultation.slug]), form_data(**changes))


@pytest.fixture
def verified_client(client, user):
    client.force_login(user)
    return client


def test_verified_user_submits_an_argument_that_waits_for_moderation(verified_client, user, consultation):
    response = submit(
        verified_client, consultation, source_title_2="Second", source_url_2="http://example.net/"
    )
    assert response.status_code == 302
    assert response.url == reverse("my_arguments")
    argument = Argument.objects.get()
    assert (argument.status, argument.author, argument.side) == ("pending", user, "against")
    assert list(argument.sources.values_list("title", "url")) == [
        ("Guidance", "https://www.example.org/guidance"),
        ("Second", "http://example.net/"),
    ]
    mine = verified_client.get(reverse("my_arguments")).content.decode()
    assert "Watch lists grow without oversight" in mine
    assert "Awaiting moderation" in mine
    page = verified_client.get(consultation.get_absolute_url()).content.decode()
    assert "Watch lists grow without oversight" not in page


def test_anonymous_visitor_is_sent_to_log_in(client, consultation):
    url = reverse("argument_submit", args=[consultation.slug])
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login")) and "next=" in response.url
    assert submit(client, consultation).status_code == 302
    assert not Argument.objects.exists()


def test_unverified_user_is_asked_to_verify_their_email(client, unverified_user, consultation):
    client.force_login(unverified_user)
    response = submit(client, consultation)
    assert response.status_code == 403
    assert "Verify your email address first" in response.content.decode()
    assert not Argument.objects.exists()


@pytest.mark.parametrize("persona", ["verified", "member", "moderator"])
def test_every_verified_persona_may_submit(client, consultation, persona):
    log_in_as(client, persona)
    assert submit(client, consultation).status_code == 302
    assert Argument.objects.get().status == "pending"


def test_submitting_needs_an_open_consultation(verified_client):
    closed = ConsultationFactory(status=Consultation.Status.CLOSED)
    assert submit(verified_client, closed).status_code == 404
    assert verified_client.get(reverse("argument_submit", args=["no-such-thing"])).status_code == 404


def test_submit_refuses_other_methods(verified_client, consultation):
    url = reverse("argument_submit", args=[consultation.slug])
    assert verified_client.put(url).status_code == 405
    assert verified_client.delete(url).status_code == 405


def test_at_least_one_source_is_required_and_half_sources_get_clear_errors(verified_client, consultation):
    response = submit(verified_client, consultation, source_title_1="", source_url_1="")
    assert response.status_code == 200
    assert "Give at least one source" in response.content.decode()
    response = submit(verified_client, consultation, source_title_2="Only a title")
    assert response.context["form"].errors["source_url_2"] == ["Enter the address of source 2."]
    response = submit(verified_client, consultation, source_url_3="https://example.org/x")
    assert response.context["form"].errors["source_title_3"] == ["Enter a title for source 3."]
    assert not Argument.objects.exists()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("javascript:alert(1)", "starting with https://"),
        ("JaVaScRiPt:alert(document.cookie)", "starting with https://"),
        ("data:text/html,<script>alert(1)</script>", "starting with https://"),
        ("ftp://example.org/file", "starting with https://"),
        ("www.example.org/report", "starting with https://"),
        ("https://user:secret@example.org/", "without a user name or password"),
        ("https://user@example.org/", "without a user name or password"),
        ("https://exa mple.org/", "Enter a valid web address"),
        ("https://", "Enter a valid web address"),
        ("https://example.org/" + "a" * 500, "at most 500 characters"),
        ("https://example.org/\x00", "Null characters are not allowed"),
    ],
)
def test_source_addresses_other_than_plain_web_addresses_are_refused(
    verified_client, consultation, url, message
):
    response = submit(verified_client, consultation, source_url_1=url)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["source_url_1"])
    assert message in errors
    assert not ArgumentSource.objects.exists()


def test_an_error_summary_links_to_each_field(verified_client, consultation):
    response = submit(verified_client, consultation, claim="", source_url_1="javascript:alert(1)")
    body = response.content.decode()
    assert 'class="error-summary"' in body
    assert 'href="#id_claim"' in body and 'href="#id_source_url_1"' in body


def test_claim_and_explanation_lengths_are_limited(verified_client, consultation):
    response = submit(verified_client, consultation, claim="x" * 141, explanation="y" * 2001)
    errors = response.context["form"].errors
    assert "at most 140 characters" in errors["claim"][0]
    assert "at most 2000 characters" in errors["explanation"][0]
    # Windows line endings count as one character each, like the browser's counter.
    response = submit(verified_client, consultation, explanation=("z" * 98 + "\r\n") * 20)
    assert response.status_code == 302
    assert len(Argument.objects.get().explanation) == 99 * 20 - 1


HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg onload=alert(1)>",
    "javascript:alert(1)",
    "right\u202etxt.exe",
    "zero\u200bwidth\u200b",
    "\u200b\u200b",
    "nul\x00byte",
    "x" * 100_000,
    "emoji 🏳️‍🌈 and Ελληνικά and עברית",
]


@pytest.mark.parametrize("field", ["claim", "explanation", "source_title_1", "source_url_1"])
@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_input_in_any_field_is_refused_or_stored_safely_and_rendered_inert(
    client, user, consultation, field, value
):
    client.force_login(user)
    response = submit(client, consultation, **{field: value})
    assert response.status_code in (200, 302)
    body = response.content.decode()
    assert "<script>alert" not in body and "<img src=x" not in body and "<svg onload" not in body
    if response.status_code == 200:
        assert response.context["form"].errors
        assert not Argument.objects.exists()
        return
    argument = Argument.objects.get()
    stored = [argument.claim, argument.explanation, *argument.sources.values_list("title", "url")[0]]
    assert not any("\u202e" in text or "\x00" in text for text in stored)
    argument.publish()
    for url in [argument.get_absolute_url(), consultation.get_absolute_url()]:
        page = client.get(url).content.decode()
        assert "<script>alert" not in page and "<img src=x" not in page and "<svg onload" not in page
        assert 'href="javascript:' not in page


def test_a_claim_of_only_invisible_characters_counts_as_empty(verified_client, consultation):
    response = submit(verified_client, consultation, claim="\u200b \u200b")
    assert response.context["form"].errors["claim"] == ["Enter your claim."]


def test_an_answer_must_be_on_the_other_side(verified_client, consultation):
    answered = ArgumentFactory(consultation=consultation, side="for")
    response = submit(verified_client, consultation, side="for", answers=answered.pk)
    assert response.context["form"].errors["answers"] == [
        "An argument can only answer one on the other side."
    ]
    assert submit(verified_client, consultation, side="against", answers=answered.pk).status_code == 302
    assert Argument.objects.get(status="pending").answers == answered


@pytest.mark.parametrize("elsewhere", ["pending", "rejected", "other consultation"])
def test_an_answer_must_be_a_published_argument_of_the_same_consultation(
    verified_client, consultation, elsewhere
):
    if elsewhere == "other consultation":
        answered = ArgumentFactory(side="for")
    else:
        answered = ArgumentFactory(consultation=consultation, side="for", status=elsewhere)
    response = submit(verified_client, consultation, answers=answered.pk)
    assert "Select a valid choice" in response.context["form"].errors["answers"][0]
    assert Argument.objects.filter(author__isnull=False, answers__isnull=False).count() == 0


def test_answer_link_preselects_the_argument_and_the_other_side(verified_client, consultation):
    answered = ArgumentFactory(consultation=consultation, side="for")
    url = reverse("argument_submit", args=[consultation.slug])
    form = verified_client.get(url, {"answers": answered.pk}).context["form"]
    assert (form["answers"].value(), form["side"].value()) == (answered.pk, "against")
    for junk in ["<script>", "9" * 40, "-1", str(answered.pk + 1000)]:
        response = verified_client.get(url, {"answers": junk})
        assert response.status_code == 200
        assert response.context["form"]["answers"].value() is None


def test_organisation_member_submits_in_the_organisations_name(client, consultation):
    member, organisation = organisation_member(name="Example Rights Network")
    client.force_login(member)
    assert submit(client, consultation, organisation=organisation.pk).status_code == 302
    argument = Argument.objects.get()
    assert argument.organisation == organisation
    argument.publish()
    assert "By Example Rights Network" in client.get(argument.get_absolute_url()).content.decode()


def test_nobody_submits_for_an_organisation_they_do_not_belong_to_or_that_is_unverified(client, consultation):
    _member, other_organisation = organisation_member()
    member, unverified = organisation_member(status="pending")
    client.force_login(member)
    for organisation in [other_organisation, unverified]:
        response = submit(client, consultation, organisation=organisation.pk)
        assert response.status_code == 200
        assert "Select a valid choice" in response.context["form"].errors["organisation"][0]
    assert not Argument.objects.exists()
    # Without any verified organisation the choice is not even offered.
    body = client.get(reverse("argument_submit", args=[consultation.slug])).content.decode()
    assert 'name="organisation"' not in body


def test_submitting_is_rate_limited(verified_client, consultation, settings):
    settings.FORM_RATE_LIMIT = "2/h"
    assert submit(verified_client, consultation, claim="One").status_code == 302
    assert submit(verified_client, consultation, claim="Two").status_code == 302
    response = submit(verified_client, consultation, claim="Three")
    assert response.status_code == 429 and 0 < int(response["Retry-After"]) <= 3600
    assert "too often" in response.content.decode()
    assert response.context["form"]["claim"].value() == "Three"
    assert Argument.objects.count() == 2


# "My arguments"


def test_my_arguments_shows_each_status_and_the_moderators_reason(client, user, consultation):
    ArgumentFactory(consultation=consultation, author=user, claim="Published one")
    ArgumentFactory(consultation=consultation, author=user, claim="Waiting one", status="pending")
    ArgumentFactory(
        consultation=consultation,
        author=user,
        claim="Refused one",
        status="rejected",
        decision_reason="The source does not say <b>that</b>.",
    )
    ArgumentFactory(consultation=consultation, claim="Somebody else's")
    client.force_login(user)
    response = client.get(reverse("my_arguments"))
    body = response.content.decode()
    assert [argument.claim for argument in response.context["arguments"]] == [
        "Refused one",
        "Waiting one",
        "Published one",
    ]
    assert "Published" in body and "Awaiting moderation" in body and "Rejected" in body
    assert "The source does not say &lt;b&gt;that&lt;/b&gt;." in body
    assert "Somebody else&#x27;s" not in body and "Somebody else's" not in body


def test_my_arguments_needs_a_login_and_is_linked_from_the_account_pages(client, unverified_user):
    assert client.get(reverse("my_arguments")).status_code == 302
    client.force_login(unverified_user)
    response = client.get(reverse("my_arguments"))
    assert response.status_code == 200
    assert f'href="{reverse("my_arguments")}"' in response.content.decode()
    assert client.post(reverse("my_arguments")).status_code == 200  # Harmless: it only reads.


# Permissions on the reading pages: forms only for people who are logged in.


@pytest.mark.parametrize("persona", PERSONAS)
def test_reading_pages_show_forms_only_to_logged_in_readers(client, consultation, persona):
    argument = ArgumentFactory(consultation=consultation, author=UserFactory(verified=True))
    log_in_as(client, persona, argument)
    for url in [consultation.get_absolute_url(), argument.get_absolute_url()]:
        response = client.get(url)
        body = response.content.decode()
        assert response.status_code == 200
        if persona == "anonymous":
            assert "csrfmiddlewaretoken" not in body
            assert not response.cookies
            assert "Log in to endorse" in body
            assert "endorse.js" not in body
        elif persona == "unverified":
            assert "csrfmiddlewaretoken" not in body and "endorse.js" not in body
            assert "Verify your email address" in body
        else:
            assert "endorse.js" in body
            has_endorse_button = reverse("argument_endorse", args=[consultation.slug, argument.pk]) in body
            assert has_endorse_button is (persona != "author")


def test_closed_consultation_offers_no_forms(client, user):
    closed = ConsultationFactory(status=Consultation.Status.CLOSED)
    argument = ArgumentFactory(consultation=closed)
    client.force_login(user)
    body = client.get(closed.get_absolute_url()).content.decode()
    assert "csrfmiddlewaretoken" not in body
    assert "This consultation is closed" in body
    assert "csrfmiddlewaretoken" not in client.get(argument.get_absolute_url()).content.decode()


# Rendering


def test_explanation_keeps_paragraphs_and_links_only_web_addresses(client, consultation):
    argument = ArgumentFactory(
        consultation=consultation,
        explanation=(
            "First paragraph, see https://www.example.org/a?b=1&c=2.\n\nSecond line one\nline two "
            "mail someone@example.org or javascript:alert(1) or example.com."
        ),
    )
    # The explanation's own text: the share links and the footer link to mail on purpose.
    page = client.get(argument.get_absolute_url()).content.decode()
    body = page.split('class="argument__explanation"', 1)[1].split("</div>")[0]
    assert (
        '<p>First paragraph, see <a href="https://www.example.org/a?b=1&amp;c=2" rel="nofollow ugc noopener">'
        "https://www.example.org/a?b=1&amp;c=2</a>.</p>"
    ) in body
    assert "<p>Second line one<br>line two mail someone@example.org" in body
    assert "mailto:" not in body and 'href="javascript' not in body and 'href="http://example.com' not in body


def test_argument_shows_source_domain_author_and_both_answer_links(client, consultation):
    author = UserFactory(display_name="Ffion Example")
    argument = ArgumentFactory(consultation=consultation, side="for", author=author, claim="Finds people")
    ArgumentSource.objects.filter(argument=argument).update(url="https://news.example.co.uk/story")
    reply = ArgumentFactory(consultation=consultation, side="against", answers=argument, claim="At a cost")
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert "(news.example.co.uk)" in page
    assert "By Ffion Example" in page
    assert f'Answered by: <a href="{reply.get_absolute_url()}">At a cost</a>' in page
    assert f'Answers: <a href="{argument.get_absolute_url()}">Finds people</a>' in page


def test_unpublished_replies_are_not_linked(client, consultation):
    argument = ArgumentFactory(consultation=consultation, side="for")
    ArgumentFactory(
        consultation=consultation, side="against", answers=argument, claim="Hidden", status="pending"
    )
    assert "Hidden" not in client.get(argument.get_absolute_url()).content.decode()


# Moderation decisions and the author's email


def test_approving_publishes_records_and_emails_the_author(django_capture_on_commit_callbacks, mailoutbox):
    from consult.moderation import decide_argument

    argument = ArgumentFactory(status="pending", published_at=None)
    moderator = UserFactory(is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert decide_argument(argument, moderator, approve=True) is True
    assert argument.status == "published" and argument.published_at is not None
    decision = ModerationDecision.objects.get()
    assert (decision.moderator, decision.action, decision.target) == (moderator, "approve argument", argument)
    [email] = mailoutbox
    assert email.to == [argument.author.email]
    assert email.subject == "Your argument is published"
    assert argument.get_absolute_url() in email.body
    assert email.alternatives[0][1] == "text/html"


def test_rejecting_needs_a_reason_which_the_author_reads(django_capture_on_commit_callbacks, mailoutbox):
    from consult.moderation import DecisionError, decide_argument

    argument = ArgumentFactory(status="pending", claim="<b>Bold</b> claim")
    moderator = UserFactory(is_staff=True)
    with pytest.raises(DecisionError):
        decide_argument(argument, moderator, approve=False, reason="   ")
    assert Argument.objects.get().status == "pending" and not ModerationDecision.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        decide_argument(argument, moderator, approve=False, reason="The source is a <script> blog.")
    assert (argument.status, argument.decision_reason) == ("rejected", "The source is a <script> blog.")
    [email] = mailoutbox
    assert email.subject == "Your argument was not published"
    assert "The source is a <script> blog." in email.body
    # Rejected authors are pointed to the published moderation policy.
    assert "/moderation-policy/" in email.body
    html = email.alternatives[0][0]
    assert "The source is a &lt;script&gt; blog." in html and "<b>Bold</b>" not in html
    assert ModerationDecision.objects.get().reason == "The source is a <script> blog."


def test_deciding_twice_the_same_way_emails_once(django_capture_on_commit_callbacks, mailoutbox):
    from consult.moderation import decide_argument

    argument = ArgumentFactory(status="pending")
    moderator = UserFactory(is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        decide_argument(argument, moderator, approve=True)
        assert decide_argument(argument, moderator, approve=True) is False
    assert len(mailoutbox) == 1 and ModerationDecision.objects.count() == 1


def test_no_email_for_an_argument_whose_author_has_gone(django_capture_on_commit_callbacks, mailoutbox):
    from consult.moderation import decide_argument

    argument = ArgumentFactory(status="pending", author=None)
    with django_capture_on_commit_callbacks(execute=True):
        decide_argument(argument, UserFactory(is_staff=True), approve=True)
    assert argument.status == "published" and mailoutbox == []


@pytest.mark.parametrize("field", ["side", "answers", "organisation"])
@pytest.mark.parametrize(
    "value", ["<script>alert(1)</script>", "1 OR 1=1", "for\x00", "9" * 40, "-1", "\u202efor"]
)
def test_hostile_choices_get_a_clear_error(client, consultation, field, value):
    member, _organisation = organisation_member()
    client.force_login(member)
    response = submit(client, consultation, **{field: value})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert not Argument.objects.exists()
