"""Forms for organisations: registering one, adding members, proposing a statement, and the
reason a moderator gives for a decision in the admin.

What people type is stored as plain text and always escaped when shown. Its fields clean it the
one way consult.text says, so an organisation cannot pass itself off as another in a list of names.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from consult import languages
from consult.forms.fields import PlainTextField
from consult.models import Consultation, Organisation, Side, Statement
from consult.text import clean_text

MAX_MILESTONES = 10
# More than the population of the United Kingdom: no statement needs a higher milestone.
MAX_MILESTONE = 100_000_000
MAX_STATEMENT_LENGTH = 10_000


class WebsiteField(forms.URLField):
    """A public web address: http or https only, no credentials, within the column's length."""

    default_validators = [URLValidator(schemes=["http", "https"])]

    def __init__(self, **kwargs) -> None:
        super().__init__(assume_scheme="https", **kwargs)

    def to_python(self, value) -> str:
        value = super().to_python(clean_text(value or "", single_line=True))
        if "@" in value.split("//", 1)[-1].split("/", 1)[0]:
            raise ValidationError(_("Enter the address without a user name or password."))
        return value


class OrganisationForm(forms.Form):
    name = PlainTextField(
        label=_("Name of the organisation"), max_length=Organisation._meta.get_field("name").max_length
    )
    website = WebsiteField(
        label=_("Website"),
        max_length=Organisation._meta.get_field("website").max_length,
        help_text=_("Its address, starting with https:// or http://. Moderators use it to verify you."),
    )
    description = PlainTextField(
        label=_("Short description"),
        single_line=False,
        max_length=Organisation._meta.get_field("description").max_length,
        help_text=_("What the organisation does, in at most 1,000 characters. It is shown publicly."),
    )
    role = PlainTextField(
        label=_("Your role there"),
        max_length=120,
        help_text=_("For example “Director” or “Policy officer”."),
    )

    def save(self, user) -> Organisation:
        data = self.cleaned_data
        return Organisation.register(
            name=data["name"],
            website=data["website"],
            description=data["description"],
            created_by=user,
            role=data["role"],
        )


class AddMemberForm(forms.Form):
    email = forms.EmailField(
        label=_("Their email address"),
        max_length=254,
        help_text=_("They need an account on this site with this email address, already verified."),
    )
    role = PlainTextField(label=_("Their role"), max_length=120)
    is_admin = forms.BooleanField(
        label=_("Make them an administrator"),
        required=False,
        help_text=_(
            "Administrators add members and act on the organisation's signatures: "
            "download their data, withdraw or erase them."
        ),
    )

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        self.organisation = organisation
        kwargs.setdefault("prefix", f"member-{organisation.pk}")
        super().__init__(*args, **kwargs)

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        self.member = (
            get_user_model()
            .objects.filter(
                email__iexact=email, emailaddress__email__iexact=email, emailaddress__verified=True
            )
            .first()
        )
        if self.member is None:
            raise ValidationError(_("There is no account with this verified email address."))
        if self.organisation.has_member(self.member):
            raise ValidationError(_("This person is already a member."))
        return email

    def save(self):
        return self.organisation.add_member(
            self.member, self.cleaned_data["role"], is_admin=self.cleaned_data["is_admin"]
        )


class MilestonesField(forms.CharField):
    """Comma-separated positive whole numbers, rising: "1000, 10000, 100000"."""

    def to_python(self, value) -> list[int]:
        text = clean_text(super().to_python(value), single_line=True)
        if not text:
            return []
        milestones = []
        for part in text.split(","):
            part = part.strip()
            if not part.isascii() or not part.isdigit():
                raise ValidationError(
                    _("“%(part)s” is not a whole number. Separate the numbers with commas."),
                    params={"part": part[:20]},
                )
            milestones.append(int(part))
        return milestones

    def validate(self, value: list[int]) -> None:
        super().validate(value)
        if len(value) > MAX_MILESTONES:
            raise ValidationError(_("Enter at most %(limit)d milestones."), params={"limit": MAX_MILESTONES})
        if any(milestone < 1 or milestone > MAX_MILESTONE for milestone in value):
            raise ValidationError(
                _("Each milestone must be between 1 and %(limit)s."), params={"limit": f"{MAX_MILESTONE:,}"}
            )
        if any(later <= earlier for earlier, later in zip(value, value[1:], strict=False)):
            raise ValidationError(_("Enter the milestones from smallest to largest, each one larger."))


class StatementProposalForm(forms.Form):
    consultation = forms.ModelChoiceField(
        label=_("Consultation"), queryset=Consultation.objects.open(), empty_label=None
    )
    title = PlainTextField(label=_("Title"), max_length=Statement._meta.get_field("title").max_length)
    text = PlainTextField(
        label=_("Text"),
        single_line=False,
        max_length=MAX_STATEMENT_LENGTH,
        help_text=_(
            "Plain text; leave a blank line between paragraphs. It cannot change once people sign it."
        ),
    )
    kind = forms.ChoiceField(label=_("Kind of statement"), choices=Statement.Kind.choices)
    stance = forms.ChoiceField(
        label=_("Stance"),
        choices=[("", _("Neither for nor against")), *Side.choices],
        required=False,
        help_text=_("Where the statement stands on the consultation's question."),
    )
    milestones = MilestonesField(
        label=_("Milestones"),
        initial="1000, 10000, 100000",
        help_text=_("Signature counts to aim for, smallest first, separated by commas: 1000, 10000, 100000."),
    )

    def save(self, organisation: Organisation, proposer) -> Statement:
        return Statement.propose(
            organisation=organisation,
            proposer=proposer,
            proposer_language=languages.current(),
            **self.cleaned_data,
        )


class ReasonForm(forms.Form):
    """The reason a moderator gives for a decision; it is kept in the moderation log."""

    reason = PlainTextField(
        label=_("Reason"),
        single_line=False,
        max_length=2000,
        help_text=_("Recorded with the decision in the moderation log."),
    )
