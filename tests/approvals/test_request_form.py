"""The request form as a requester meets it: every question once, with a field, and the
error summary in the form's order."""

import re

import pytest

from approvals.services import request_missing
from policy.selectors import policy_in_force
from tests.approvals.factories import make_draft
from tests.conftest import Persona
from tests.factories import make_user

pytestmark = pytest.mark.django_db

HIDDEN_LABEL = re.compile(r'<label[^>]*class="[^"]*visually-hidden[^"]*"[^>]*>.*?</label>', re.S)


def _form_page(personas: dict[str, Persona]) -> str:
    return str(personas["kommunikasjon"].client.get("/soknader/ny/").content.decode())


def test_the_radmann_permission_question_has_a_field_and_is_optional(
    personas: dict[str, Persona],
) -> None:
    page = _form_page(personas)
    assert 'name="answer_radmann_permission"' in page
    staff, leader = personas["kommunikasjon"].user, personas["leder"].user
    assert staff and leader and leader.unit
    draft = make_draft(requester=staff, unit=leader.unit, leader=leader)
    assert "answer_radmann_permission" not in request_missing(request=draft)


def test_every_question_and_its_help_are_shown_once(personas: dict[str, Persona]) -> None:
    visible = HIDDEN_LABEL.sub("", _form_page(personas))
    for question in policy_in_force().registration_questions:
        assert visible.count(question.label) == 1, question.key
        if question.help:
            assert visible.count(question.help) == 1, question.key


def test_the_free_text_answer_is_described_by_the_questions_help(
    personas: dict[str, Persona],
) -> None:
    page = _form_page(personas)
    assert 'id="help_purpose"' in page
    assert re.search(
        r'<textarea[^>]*aria-describedby="help_purpose"[^>]*id="id_answer_purpose"', page
    )


def test_the_error_summary_follows_the_forms_order(personas: dict[str, Persona]) -> None:
    response = personas["kommunikasjon"].client.post("/soknader/ny/", {"submit": "1"})
    page = response.content.decode()
    summary, form = page.split('id="form-errors"', 1)[1].split("</ul>", 1)
    in_summary = re.findall(r'href="#(id_[a-z_0-9]+)"', summary)
    assert len(in_summary) > 20
    in_form = [i for i in re.findall(r'id="(id_[a-z_0-9]+)"', form) if i in in_summary]
    seen: list[str] = []
    for field_id in in_form:
        if field_id not in seen:
            seen.append(field_id)
    assert in_summary == seen


def test_the_responders_are_checkboxes_that_work_without_script(
    personas: dict[str, Persona],
) -> None:
    page = _form_page(personas)
    assert 'type="checkbox" name="responders"' in page
    assert '<select name="responders"' not in page
    assert "data-picker" in page


def test_the_form_costs_the_same_queries_whatever_the_number_of_people(
    personas: dict[str, Persona], django_assert_max_num_queries: object
) -> None:
    leader = personas["leder"].user
    assert leader is not None and leader.unit is not None
    client = personas["kommunikasjon"].client
    with django_assert_max_num_queries(30) as few:  # type: ignore[operator]
        client.get("/soknader/ny/")
    for n in range(10):
        make_user(username=f"flere{n}", unit=leader.unit)
    with django_assert_max_num_queries(len(few.captured_queries)):  # type: ignore[operator]
        page = client.get("/soknader/ny/").content.decode()
    assert "flere9" in page or page.count('name="responders"') >= 10
