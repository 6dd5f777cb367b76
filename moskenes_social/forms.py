"""Form helpers shared by every app."""

import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError


def add_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's refusal on the form: on its field when the form has it."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def reason_text(value: str) -> str:
    """A typed reason or note as it is kept: stripped of whitespace at its ends, and empty
    if it shows nothing.

    ``str.strip()`` keeps the invisible format characters (Unicode category Cf: the zero-width
    space U+200B, the word joiner U+2060, the byte order mark U+FEFF and their kin), so a
    reason of only those would pass as given. Forms (``ReasonField``) and services both
    read reasons through this function.
    """
    text = value.strip()
    if all(char.isspace() or unicodedata.category(char) == "Cf" for char in text):
        return ""
    return text


class ReasonField(forms.CharField):
    """A reason or note someone types: one that shows nothing counts as empty, so a
    required reason of only zero-width characters is refused like a blank one."""

    def to_python(self, value: Any | None) -> str | None:
        text = super().to_python(value)
        if isinstance(text, str) and not reason_text(text):
            return self.empty_value
        return text
