"""The error summary above a form (templates/includes/form_errors.html)."""

from django import forms
from django.template.loader import render_to_string


class _Form(forms.Form):
    purpose = forms.CharField(label="Hva er formålet med profilen?")
    name = forms.CharField(label="Navn")
    when = forms.CharField(label="Dato og tid:")


def test_a_question_or_a_colon_in_the_label_takes_no_colon_after_it() -> None:
    html = render_to_string("includes/form_errors.html", {"form": _Form(data={})})
    assert "Hva er formålet med profilen? Feltet er påkrevet." in html
    assert "Navn: Feltet er påkrevet." in html
    assert "Dato og tid: Feltet er påkrevet." in html
    assert "?:" not in html and "::" not in html
