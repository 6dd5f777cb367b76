from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from moskenes_social.bounds import date_validators

from .labels import ACTION_LABELS

# A search is a few words: longer input is a mistake or a tool, not a person.
SEARCH_MAX_LENGTH = 100


def _action_choices() -> list[tuple[str, str]]:
    labels = sorted(((str(label), code) for code, label in ACTION_LABELS.items()))
    return [("", str(_("All actions"))), *((code, label) for label, code in labels)]


def _search(*, label: Any, help_text: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        help_text=help_text,
        widget=forms.TextInput(attrs={"type": "search"}),
    )


def _day(*, label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        validators=date_validators(future_days=0),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class EventFilterForm(forms.Form):
    """The log's filter (GET): the period, who, which action, which account, and words of
    the reason. Every field is optional; an empty form shows the whole log."""

    fra = _day(label=_("From"))
    til = _day(label=_("To"))
    person = _search(label=_("Person"), help_text=_("Part of the name or username."))
    handling = forms.ChoiceField(label=_("Action"), choices=_action_choices, required=False)
    konto = _search(
        label=_("Account"),
        help_text=_("Part of the account's name: its own events and its posts'."),
    )
    sok = _search(label=_("Reason"), help_text=_("Words in the reason given."))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first: date | None = cleaned.get("fra")
        last: date | None = cleaned.get("til")
        if first and last and first > last:
            self.add_error("til", _("The end of the period cannot be before its start."))
        return cleaned
