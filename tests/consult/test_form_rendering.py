"""Every form draws its fields through one template (consult/forms/rendering.py)."""

from django import forms
from django.conf import settings
from django.forms.renderers import get_default_renderer
from django.template.loader import render_to_string
from django.utils import translation

from consult.forms.fields import PlainTextField
from consult.forms.rendering import FormRenderer


class Question(forms.Form):
    name = PlainTextField(label="Your name", help_text="As on your post.", max_length=5)
    side = forms.ChoiceField(
        label="Which side?",
        choices=[("for", "For"), ("against", "Against")],
        widget=forms.RadioSelect,
        help_text="Choose one.",
    )
    updates = forms.BooleanField(label="Email me updates", required=False)


def test_the_site_renders_forms_with_its_own_renderer():
    assert settings.FORM_RENDERER == "consult.forms.rendering.FormRenderer"
    assert isinstance(get_default_renderer(), FormRenderer)


def test_a_field_with_an_error_names_its_hint_and_message():
    form = Question({"name": "<b>far too long</b>", "side": ""})
    html = form["name"].as_field_group()
    assert '<label for="id_name">Your name</label>' in html
    assert 'id="id_name_helptext"' in html and 'id="id_name_error"' in html
    assert 'aria-describedby="id_name_helptext id_name_error"' in html
    assert 'aria-invalid="true"' in html
    assert '<span class="visually-hidden">Error:</span>' in html
    assert "<b>far" not in html


def test_a_choice_of_several_inputs_is_a_fieldset_described_by_its_hint_and_error():
    html = Question({"side": "sideways"})["side"].as_field_group()
    assert html.strip().startswith("<fieldset")
    assert "<legend>Which side?</legend>" in html
    assert 'aria-describedby="id_side_helptext id_side_error"' in html


def test_a_checkbox_carries_its_own_label():
    html = Question()["updates"].as_field_group()
    assert 'class="field field--checkbox"' in html
    assert '<label for="id_updates"><input type="checkbox"' in html


def test_the_error_summary_links_each_error_to_its_input():
    form = Question({"name": "", "side": ""})
    form.fields["name"].required = True
    html = render_to_string("consult/forms/error_summary.html", {"form": form})
    assert 'href="#id_name"' in html and 'href="#id_side"' in html
    assert 'aria-labelledby="form-error-title"' in html and 'id="form-error-title"' in html


def test_a_whole_form_renders_the_summary_then_each_field_group():
    html = str(Question({"name": ""}))
    assert html.index("error-summary") < html.index('for="id_name"')


def test_the_hidden_error_prefix_is_welsh_for_welsh_readers():
    with translation.override("cy"):
        html = Question({"name": "far too long"})["name"].as_field_group()
    assert "Error:" not in html
