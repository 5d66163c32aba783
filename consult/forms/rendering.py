"""How every form on the site renders: one field template and one error summary.

`FORM_RENDERER` names this renderer, so `{{ form.name.as_field_group }}` (or `{{ field }}`'s
group in a loop) draws a label, hint, error message and widget the same way on every page:
the error message has an id and begins with a visually hidden "Error:", and the widget's
aria-describedby names the hint and the error (Django's BoundField adds it). Questions with
several inputs (radios) are a fieldset with a legend; a single checkbox carries its label.
Templates come from the project's own engine (TemplatesSetting), so the project's templates
folder holds the field template and Django's widget templates are found through django.forms.
"""

from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    form_template_name = "consult/forms/form.html"
    field_template_name = "consult/forms/field.html"
