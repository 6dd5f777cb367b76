"""``{% filter_field %}``: a filter form's field in Bootstrap's markup, with the label tied
to the widget, help text and errors announced (``aria-describedby``, ``aria-invalid``)."""

from django import forms
from django.template import engines
from django.utils import translation

from accounts.forms import PlainSelect


class _Filter(forms.Form):
    kind = forms.ChoiceField(
        label="Kind", choices=[("", "All"), ("a", "A & B")], required=False, widget=PlainSelect
    )
    name = forms.CharField(label="Name", required=False, help_text="Part of the name.")
    mine = forms.BooleanField(label="Only mine", required=False)
    needed = forms.CharField(label="Needed")


def _render(field: forms.BoundField) -> str:
    return (
        engines["django"].from_string("{% load fields %}{% filter_field f %}").render({"f": field})
    )


def test_a_select() -> None:
    html = _render(_Filter({"kind": "a"})["kind"])
    assert html.startswith(
        '<div id="div_id_kind" class="mb-3"><label for="id_kind" class="form-label">Kind</label>'
    )
    assert '<select class="form-select" id="id_kind" name="kind">' in html
    assert '<option value="a" selected>A &amp; B</option>' in html
    assert "is-invalid" not in html and "aria-invalid" not in html


def test_a_search_with_help_text() -> None:
    html = _render(_Filter()["name"])
    assert 'aria-describedby="id_name_helptext"' in html
    assert 'class="form-control"' in html
    assert html.endswith(
        '<div id="id_name_helptext" class="form-text">Part of the name.</div></div>'
    )


def test_a_checkbox() -> None:
    html = _render(_Filter({"mine": "on"})["mine"])
    assert html == (
        '<div class="mb-3"><div id="div_id_mine" class="form-check">'
        '<input type="checkbox" name="mine" class="form-check-input" id="id_mine" checked>'
        '<label for="id_mine" class="form-check-label">Only mine</label></div></div>'
    )


def test_an_invalid_choice_is_announced_in_norwegian() -> None:
    with translation.override("nb"):
        form = _Filter({"kind": "zzz"})
        assert not form.is_valid()
        html = _render(form["kind"])
    assert 'class="form-select is-invalid"' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_kind_error"' in html
    assert (
        '<div id="id_kind_error" class="invalid-feedback"><p id="error_1_id_kind"><strong>' in html
    )
    assert "Velg et gyldig valg" in html


def test_a_required_field_is_marked() -> None:
    html = _render(_Filter()["needed"])
    assert 'Needed<span class="asteriskField">*</span></label>' in html
    assert " required" in html
