import datetime

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from consult.models import Argument, ArgumentSource, Consultation, Organisation, Signature, Statement


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda number: f"person{number}@example.org")
    display_name = factory.Sequence(lambda number: f"Person {number}")
    password = factory.django.Password("a-long-test-password")

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        """UserFactory(verified=True) gives the account a verified primary email address."""
        if create and extracted:
            EmailAddress.objects.update_or_create(
                user=user, email=user.email, defaults={"verified": True, "primary": True}
            )


class ConsultationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consultation

    slug = factory.Sequence(lambda number: f"consultation-{number}")
    title = factory.Sequence(lambda number: f"Consultation {number}")
    question = "Should it be done?"
    summary = "A question of public interest."
    background = "First paragraph.\n\nSecond paragraph."
    status = Consultation.Status.OPEN


class StatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Statement

    consultation = factory.SubFactory(ConsultationFactory)
    slug = factory.Sequence(lambda number: f"statement-{number}")
    title = factory.Sequence(lambda number: f"Statement {number}")
    text = "We ask for a pause."
    status = Statement.Status.OPEN


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda number: f"Organisation {number}")
    slug = factory.Sequence(lambda number: f"organisation-{number}")
    website = "https://example.org/"
    description = "An organisation."
    status = Organisation.Status.VERIFIED


class SignatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signature

    statement = factory.SubFactory(StatementFactory)
    name = factory.Sequence(lambda number: f"Signer {number}")
    email = factory.Sequence(lambda number: f"signer{number}@example.org")
    email_normalised = factory.SelfAttribute("email")


class ArgumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Argument
        skip_postgeneration_save = True

    consultation = factory.SubFactory(ConsultationFactory)
    side = "for"
    claim = factory.Sequence(lambda number: f"Claim {number}")
    explanation = "Because of the evidence."
    author = factory.SubFactory(UserFactory)
    status = Argument.Status.PUBLISHED
    published_at = factory.Faker("date_time", tzinfo=datetime.UTC)
    source = factory.RelatedFactory("tests.factories.ArgumentSourceFactory", factory_related_name="argument")


class ArgumentSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ArgumentSource

    argument = factory.SubFactory(ArgumentFactory)
    title = "A report"
    url = "https://www.example.org/report"
