"""``{% filter_field form.x %}``: a field of a list's filter form (``{% load fields %}``).

The filters above the account list, the inbox and the register are rendered on every view
of those pages. Crispy's field template cost about 0.5 ms a field there (``make bench``),
more than the rows it filters; this writes the same Bootstrap markup (label, widget, errors,
help text) in Python. The widget itself, its ``aria-describedby`` (help text, errors) and
``aria-invalid`` come from Django's ``BoundField``, as with crispy. Forms that change data
keep crispy and its layouts.
"""

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()

_ASTERISK = format_html('<span class="asteriskField">{}</span>', "*")


@register.simple_tag
def filter_field(field: BoundField) -> SafeString:
    widget = field.field.widget
    invalid = " is-invalid" if field.errors else ""
    errors = (
        format_html(
            '<div id="{}_error" class="invalid-feedback">{}</div>',
            field.auto_id,
            format_html_join(
                "",
                '<p id="error_{}_{}"><strong>{}</strong></p>',
                ((n, field.auto_id, error) for n, error in enumerate(field.errors, 1)),
            ),
        )
        if field.errors
        else ""
    )
    help_text = (
        format_html(
            '<div id="{}_helptext" class="form-text">{}</div>', field.auto_id, field.help_text
        )
        if field.help_text
        else ""
    )
    required = _ASTERISK if field.field.required else ""
    own_class = widget.attrs.get("class", "")
    if isinstance(widget, forms.CheckboxInput):
        control = field.as_widget(attrs={"class": f"{own_class} form-check-input{invalid}".strip()})
        return format_html(
            '<div class="mb-3"><div id="div_{}" class="form-check">{}'
            '<label for="{}" class="form-check-label">{}{}</label>{}{}</div></div>',
            field.auto_id,
            control,
            field.id_for_label,
            field.label,
            required,
            errors,
            help_text,
        )
    css = "form-select" if isinstance(widget, forms.Select) else "form-control"
    control = field.as_widget(attrs={"class": f"{own_class} {css}{invalid}".strip()})
    return format_html(
        '<div id="div_{}" class="mb-3"><label for="{}" class="form-label">{}{}</label>{}{}{}</div>',
        field.auto_id,
        field.id_for_label,
        field.label,
        required,
        control,
        errors,
        help_text,
    )
