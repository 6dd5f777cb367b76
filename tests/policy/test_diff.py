"""Comparison of versions: rules matched by code, changed words marked (policy/diff.py)."""

import pytest

from moskenes_social.people.models import User
from policy.diff import rules_compare, versions_compare, words_diff_html
from policy.models import Rule
from policy.services import rule_add, rule_change, rule_move, rule_remove, version_parameters_update
from tests.conftest import Persona

from .factories import in_force, make_draft

DEL = '<del><span class="visually-hidden">fjernet: </span>'
INS = '<ins><span class="visually-hidden">lagt til: </span>'


def test_changed_words_are_marked() -> None:
    html = words_diff_html(
        "Svar snarest på alle innlegg.", "Svar innen åtte timer på alle innlegg."
    )
    assert html == f"Svar {DEL}snarest</del>{INS}innen åtte timer</ins> på alle innlegg."


def test_text_is_escaped_and_only_the_marks_are_markup() -> None:
    html = words_diff_html("<b>x</b>", "<script>alert(1)</script>")
    assert "<script" not in html and "<b>" not in html
    assert html.startswith(f"&lt;{DEL}b</del>{INS}script</ins>&gt;")


def test_equal_texts_have_no_marks() -> None:
    assert words_diff_html("Samme tekst.", "Samme tekst.") == "Samme tekst."


def _rule(code: str, text: str = "Tekst.", title: str = "Tittel") -> Rule:
    return Rule(
        code=code,
        section="1",
        section_title="Seksjon",
        heading="",
        title=title,
        text=text,
        category="principle",
        parameters={},
        order=0,
    )


def test_rules_are_matched_by_code_in_the_new_order() -> None:
    old = [_rule("a"), _rule("b"), _rule("c", text="Gammel tekst."), _rule("d")]
    new = [_rule("a"), _rule("c", text="Ny tekst."), _rule("e"), _rule("d")]
    diffs = rules_compare(old, new)
    assert [(d.code, d.kind) for d in diffs] == [
        ("a", "unchanged"),
        ("b", "removed"),
        ("c", "changed"),
        ("e", "added"),
        ("d", "unchanged"),
    ]
    changed = diffs[2]
    assert [c.label for c in changed.changes] == ["Tekst"]
    assert changed.changes[0].html == f"{DEL}Gammel</del>{INS}Ny</ins> tekst."


def test_a_changed_text_is_compared_as_read_without_its_markdown_marks() -> None:
    old = _rule("a", text="**Vis respekt og høflighet.** Svar & takk.\n\n- Vær saklig")
    new = _rule("a", text="**Vis respekt og høflighet.** Svar & takk.\n\n- Vær kort")
    (change,) = rules_compare([old], [new])[0].changes
    assert change.old == "Vis respekt og høflighet. Svar & takk.\n\nVær saklig"
    assert "**" not in change.html and "- V" not in change.html
    assert f"{DEL}saklig</del>{INS}kort</ins>" in change.html


def test_a_change_of_emphasis_alone_is_a_change() -> None:
    (diff,) = rules_compare([_rule("a", text="Svar.")], [_rule("a", text="**Svar.**")])
    assert diff.kind == "changed"
    assert [(c.old, c.new) for c in diff.changes] == [("Svar.", "Svar.")]


def test_a_moved_rule_is_changed_even_if_its_text_is_the_same() -> None:
    diffs = rules_compare([_rule("a"), _rule("b")], [_rule("b"), _rule("a")])
    assert any(d.moved and d.kind == "changed" for d in diffs)
    assert sorted(d.code for d in diffs) == ["a", "b"]


@pytest.mark.django_db
def test_versions_compare_a_draft_with_the_version_in_force(personas: dict[str, Persona]) -> None:
    user = personas["radmann"].user
    assert isinstance(user, User)
    draft = make_draft(actor=user)
    rule = draft.rules.get(code="1-felles-grunnlag")
    rule_change(
        actor=user,
        rule=rule,
        section=rule.section,
        section_title=rule.section_title,
        heading=rule.heading,
        title=rule.title,
        text=rule.text.replace("opptretr", "opptrer"),
        category=rule.category,
        parameters=rule.parameters,
    )
    rule_remove(actor=user, rule=draft.rules.get(code="2-ikke-andre-kommuner"))
    rule_add(
        actor=user,
        version=draft,
        code="3-ny",
        section="3",
        section_title="Privat bruk av sosiale medier",
        heading="",
        title="Ny regel",
        text="Ny tekst.",
        category="private_use",
        parameters={},
    )
    rule_move(actor=user, rule=draft.rules.get(code="3-bruk-skjonn"), direction="up")
    version_parameters_update(
        actor=user,
        version=draft,
        parameters={**draft.parameters, "answer_deadline_working_hours": 6},
    )
    draft.refresh_from_db()
    comparison = versions_compare(old=in_force(), new=draft)
    assert comparison.counts["added"] == 1
    assert comparison.counts["removed"] == 1
    changed = {d.code for d in comparison.rules if d.kind == "changed"}
    assert "1-felles-grunnlag" in changed
    text_change = next(d for d in comparison.rules if d.code == "1-felles-grunnlag").changes[0]
    assert f"{DEL}opptretr</del>{INS}opptrer</ins>" in text_change.html
    assert [(c.label, c.old, c.new) for c in comparison.parameters] == [
        ("Svarfrist", "8 arbeidstimer", "6 arbeidstimer")
    ]
    assert comparison.has_changes
