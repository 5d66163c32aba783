import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from consult.models import Argument, Endorsement, Position
from tests.consult.argument_personas import fast_passwords  # noqa: F401
from tests.factories import ArgumentFactory, ConsultationFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_passwords")]


def test_endorsing_twice_makes_one_endorsement_and_withdrawing_removes_it(consultation):
    argument = ArgumentFactory(consultation=consultation)
    reader = UserFactory()
    assert argument.endorse(reader) is True
    assert argument.endorse(reader) is False
    assert Endorsement.objects.filter(argument=argument, user=reader).count() == 1
    assert argument.withdraw_endorsement(reader) is True
    assert argument.withdraw_endorsement(reader) is False
    assert not Endorsement.objects.exists()


def test_the_database_refuses_a_second_endorsement_by_the_same_person(consultation):
    argument = ArgumentFactory(consultation=consultation)
    reader = UserFactory()
    Endorsement.objects.create(argument=argument, user=reader)
    with pytest.raises(IntegrityError), transaction.atomic():
        Endorsement.objects.create(argument=argument, user=reader)


def test_authors_may_not_endorse_their_own_argument(consultation):
    argument = ArgumentFactory(consultation=consultation)
    assert argument.can_be_endorsed_by(argument.author) is False
    assert argument.can_be_endorsed_by(UserFactory()) is True


def test_recording_a_position_again_changes_it(consultation):
    reader = UserFactory()
    Position.record(consultation, reader, "for")
    Position.record(consultation, reader, "undecided")
    assert list(Position.objects.values_list("stance", flat=True)) == ["undecided"]


def test_clean_refuses_an_answer_on_the_same_side(consultation):
    answered = ArgumentFactory(consultation=consultation, side="for")
    with pytest.raises(ValidationError) as refused:
        Argument(
            consultation=consultation, side="for", claim="c", explanation="e", answers=answered
        ).full_clean()
    assert "answers" in refused.value.message_dict


def test_the_database_refuses_an_answer_on_the_same_side(consultation):
    answered = ArgumentFactory(consultation=consultation, side="for")
    with pytest.raises(IntegrityError), transaction.atomic():
        ArgumentFactory(consultation=consultation, side="for", answers=answered)
    assert Argument.objects.count() == 1


def test_the_database_refuses_an_answer_to_another_consultation(consultation):
    answered = ArgumentFactory(side="for", consultation=ConsultationFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        ArgumentFactory(consultation=consultation, side="against", answers=answered)


def test_the_database_refuses_moving_an_answer_or_its_argument_to_the_same_side(consultation):
    answered = ArgumentFactory(consultation=consultation, side="for")
    reply = ArgumentFactory(consultation=consultation, side="against", answers=answered)
    with pytest.raises(IntegrityError), transaction.atomic():
        Argument.objects.filter(pk=reply.pk).update(side="for")
    with pytest.raises(IntegrityError), transaction.atomic():
        Argument.objects.filter(pk=answered.pk).update(side="against")
    unrelated = ArgumentFactory(consultation=consultation, side="for")
    with pytest.raises(IntegrityError), transaction.atomic():
        Argument.objects.filter(pk=reply.pk).update(answers=reply)
    # Everything else about answers stays possible: publishing, moving across, dropping the link.
    reply.publish()
    Argument.objects.filter(pk=reply.pk).update(answers=unrelated)
    Argument.objects.filter(pk=reply.pk).update(answers=None)
    answered.delete()
    assert Argument.objects.filter(pk=reply.pk).exists()


# The three orderings, on one hand-built consultation.
#
#   argument  published  endorsed by (their position)                     total  other side
#   A         day 1      3 "for", 1 "against" on another consultation only  4      0
#   B         day 2      1 "against", 1 "undecided"                         2      2
#   C         day 3      1 "against", 1 with no position                    2      1
#   D         day 4      nobody                                             0      0
#   X         day 5      (against side, so never in the "for" column)       1      1
#
#   most endorsed:          A (4), C (2, newer), B (2), D (0)
#   most convincing:        B (2), C (1), A (0 but 4 in all), D (0)
#   newest:                 D, C, B, A


@pytest.fixture
def ranked(consultation):
    day = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    claims = {}
    for number, claim in enumerate("ABCD", start=1):
        claims[claim] = ArgumentFactory(
            consultation=consultation,
            side="for",
            claim=claim,
            published_at=day + datetime.timedelta(days=number),
        )
    claims["X"] = ArgumentFactory(
        consultation=consultation, side="against", claim="X", published_at=day + datetime.timedelta(days=5)
    )
    elsewhere = ConsultationFactory()

    def endorser(stance: str | None, on=consultation):
        person = UserFactory()
        if stance:
            Position.objects.create(consultation=on, user=person, stance=stance)
        return person

    for person in [endorser("for"), endorser("for"), endorser("for"), endorser("against", on=elsewhere)]:
        claims["A"].endorse(person)
    for person in [endorser("against"), endorser("undecided")]:
        claims["B"].endorse(person)
    for person in [endorser("against"), endorser(None)]:
        claims["C"].endorse(person)
    claims["X"].endorse(endorser("for"))
    return claims


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ("endorsed", ["A", "C", "B", "D"]),
        ("convincing", ["B", "C", "A", "D"]),
        ("newest", ["D", "C", "B", "A"]),
        ("nonsense", ["A", "C", "B", "D"]),
    ],
)
def test_each_ordering_gives_the_hand_computed_order(client, consultation, ranked, order, expected):
    response = client.get(reverse("consultation_detail", args=[consultation.slug]), {"order": order})
    assert [argument.claim for argument in response.context["arguments_for"]] == expected
    assert [argument.claim for argument in response.context["arguments_against"]] == ["X"]


def test_the_page_shows_both_counts(client, consultation, ranked):
    body = client.get(reverse("consultation_detail", args=[consultation.slug])).content.decode()
    assert "4 endorsements</span>" in body
    assert "2 endorsements, 2 from the other side or undecided" in body
    assert "1 endorsement, 1 from the other side or undecided" in body
    assert "0 endorsements" in body


def test_changing_position_moves_an_endorsement_between_the_counts(consultation, ranked):
    reader = Endorsement.objects.filter(argument=ranked["B"], user__positions__stance="against").get().user
    Position.record(consultation, reader, "for")
    counted = Argument.objects.with_endorsements().get(pk=ranked["B"].pk)
    assert (counted.endorsement_count, counted.persuaded_count) == (2, 1)


def test_clean_explains_what_the_database_would_refuse(consultation):
    answered = ArgumentFactory(consultation=consultation, side="for")
    elsewhere = ArgumentFactory(side="for")
    reply = ArgumentFactory(consultation=consultation, side="against", answers=answered)
    reply.answers = elsewhere
    with pytest.raises(ValidationError) as refused:
        reply.full_clean()
    assert refused.value.message_dict["answers"] == [
        "An argument can only answer one in the same consultation."
    ]
    answered.side = "against"
    with pytest.raises(ValidationError) as refused:
        answered.full_clean()
    assert "side" in refused.value.message_dict


def test_admin_change_form_shows_the_rule_instead_of_failing(client, superuser, consultation):
    answered = ArgumentFactory(consultation=consultation, side="for")
    reply = ArgumentFactory(consultation=consultation, side="against", answers=answered)
    client.force_login(superuser)
    url = reverse("admin:consult_argument_change", args=[reply.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data |= {"side": "for", "sources-TOTAL_FORMS": "0", "sources-INITIAL_FORMS": "0"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "An argument can only answer one on the other side." in response.content.decode()
    assert Argument.objects.get(pk=reply.pk).side == "against"
