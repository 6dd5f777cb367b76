"""The person picker: checkboxes (or radio buttons, for one person) with a filter.

Without JavaScript it is a plain list of labelled checkboxes or radio buttons, which a
keyboard reaches with Tab and the arrow keys. ``static/js/app.js`` adds a text field
above the list that hides the people whose names do not match what is typed, and says
how many are shown. It is a ``Select`` to crispy-forms, which then renders our template
inside a fieldset with the field's label as its legend.
"""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class PersonPicker(forms.Select):
    """One person, as radio buttons."""

    input_type = "radio"
    template_name = "people/widgets/picker.html"
    option_template_name = "people/widgets/picker_option.html"
    add_id_index = True
    use_fieldset = True
    option_inherits_attrs = True
    checked_attribute = {"checked": True}

    def id_for_label(self, id_: str, index: str = "0") -> str:
        # The error summary links to the first option, as Django's RadioSelect does.
        return f"{id_}_{index}" if id_ else id_

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["picker"] = {
            "filter_label": _("Filter by name"),
            # Filled in by the script: "%(shown)s" and "%(total)s".
            "status": _("Showing %(shown)s of %(total)s"),
        }
        return context


class PeoplePicker(PersonPicker, forms.SelectMultiple):
    """Several people, as checkboxes."""

    input_type = "checkbox"
