"""Forms for arguments: submitting one with its sources, endorsing, positions and reports.

Everything a user types is plain text, cleaned the one way consult.text says, so what moderators
read is what readers see.
"""

from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from consult import languages
from consult.forms.fields import PlainTextField
from consult.models import Argument, ArgumentReport, ArgumentSource, Consultation, Organisation, Side, Stance

MAX_SOURCES = 3


def validate_source_url(value: str) -> None:
    """Only full http(s) addresses, without credentials: a source is a page anyone can open."""
    max_length = ArgumentSource._meta.get_field("url").max_length
    if len(value) > max_length:
        raise ValidationError(
            _("Enter an address of at most %(limit)d characters."), params={"limit": max_length}
        )
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https"):
        raise ValidationError(_("Enter the full address of the source, starting with https:// or http://."))
    URLValidator(
        schemes=["http", "https"], message=_("Enter a valid web address, such as https://www.example.org/")
    )(value)
    if parts.username is not None or parts.password is not None:
        raise ValidationError(_("Enter the address without a user name or password in it."))


class SourceURLField(PlainTextField):
    default_validators = [validate_source_url]
    widget = forms.URLInput

    def __init__(self, **kwargs) -> None:
        super().__init__(single_line=True, **kwargs)


class AnsweredArgumentChoice(forms.ModelChoiceField):
    def label_from_instance(self, argument: Argument) -> str:
        return f"{argument.get_side_display()}: {argument.claim}"


class ArgumentForm(forms.ModelForm):
    side = forms.ChoiceField(
        label=_("Which side is your argument on?"),
        choices=Side.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the side your argument is on.")},
    )
    claim = PlainTextField(
        label=_("Your claim"),
        help_text=_("One sentence, at most 140 characters."),
        max_length=140,
        error_messages={"required": _("Enter your claim.")},
    )
    explanation = PlainTextField(
        label=_("Explanation"),
        help_text=_(
            "At most 2,000 characters of plain text. Leave a blank line between paragraphs; "
            "web addresses become links."
        ),
        max_length=2000,
        single_line=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Enter the explanation of your claim.")},
    )
    answers = AnsweredArgumentChoice(
        label=_("Does it answer an argument on the other side? (optional)"),
        queryset=Argument.objects.none(),
        required=False,
        empty_label=_("No, it stands on its own"),
    )
    organisation = forms.ModelChoiceField(
        label=_("Submit it as"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Myself"),
    )

    class Meta:
        model = Argument
        fields = ["side", "claim", "explanation", "answers", "organisation"]

    def __init__(self, *args, consultation: Consultation, author, **kwargs) -> None:
        instance = Argument(consultation=consultation, author=author, language=languages.current())
        kwargs.setdefault("instance", instance)
        super().__init__(*args, **kwargs)
        self.fields["answers"].queryset = consultation.arguments.published().order_by("side", "claim")
        # Kept even when empty, so a forged organisation gets an error rather than being ignored.
        self.fields["organisation"].queryset = Organisation.objects.verified().filter(
            memberships__user=author
        )
        for number in range(1, MAX_SOURCES + 1):
            required = _(" (optional)") if number > 1 else ""
            self.fields[f"source_title_{number}"] = PlainTextField(
                label=_("Title of source %(number)d%(optional)s") % {"number": number, "optional": required},
                max_length=ArgumentSource._meta.get_field("title").max_length,
                required=False,
            )
            self.fields[f"source_url_{number}"] = SourceURLField(
                label=_("Address of source %(number)d") % {"number": number},
                help_text=_("The full address, starting with https://"),
                required=False,
            )

    def clean(self) -> dict:
        cleaned = super().clean()
        answers, side = cleaned.get("answers"), cleaned.get("side")
        if answers and side and answers.side == side:
            self.add_error("answers", _("An argument can only answer one on the other side."))
        self.sources = self._clean_sources(cleaned)
        return cleaned

    def _clean_sources(self, cleaned: dict) -> list[tuple[str, str]]:
        sources = []
        for number in range(1, MAX_SOURCES + 1):
            title_field, url_field = f"source_title_{number}", f"source_url_{number}"
            if title_field in self.errors or url_field in self.errors:
                continue
            title, url = cleaned.get(title_field), cleaned.get(url_field)
            if title and url:
                sources.append((title, url))
            elif url:
                self.add_error(title_field, _("Enter a title for source %(number)d.") % {"number": number})
            elif title:
                self.add_error(url_field, _("Enter the address of source %(number)d.") % {"number": number})
        if not sources and not any(field.startswith("source_") for field in self.errors):
            self.add_error("source_title_1", _("Give at least one source, with its title and address."))
        return sources

    @transaction.atomic
    def save(self, commit: bool = True) -> Argument:
        argument = super().save()
        ArgumentSource.objects.bulk_create(
            ArgumentSource(argument=argument, title=title, url=url) for title, url in self.sources
        )
        return argument

    def offers_organisations(self) -> bool:
        return self.fields["organisation"].queryset.exists()

    def source_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[f"source_title_{number}"], self[f"source_url_{number}"])
            for number in range(1, MAX_SOURCES + 1)
        ]


class EndorseForm(forms.Form):
    endorse = forms.ChoiceField(choices=[("yes", _("Endorse")), ("no", _("Take back"))])


class PositionForm(forms.Form):
    stance = forms.ChoiceField(
        label=_("Where do you stand?"),
        choices=Stance.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose for, against or undecided.")},
    )


class ReportForm(forms.ModelForm):
    reason = forms.ChoiceField(
        label=_("What is wrong with it?"),
        choices=ArgumentReport.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what is wrong with the argument.")},
    )
    note = PlainTextField(
        label=_("Anything moderators should know (optional)"),
        help_text=_("At most 1,000 characters."),
        max_length=1000,
        required=False,
        single_line=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    class Meta:
        model = ArgumentReport
        fields = ["reason", "note"]
