"""Words of the request pages that used to read oddly (issue 17)."""

import datetime as dt

import pytest
import time_machine

from tests.approvals.factories import make_draft, make_submitted
from tests.conftest import Persona

pytestmark = pytest.mark.django_db


def test_a_request_awaiting_decision_says_when_it_was_sent(personas: dict[str, Persona]) -> None:
    staff, leader = personas["kommunikasjon"].user, personas["leder"].user
    assert staff and leader and leader.unit
    with time_machine.travel(dt.datetime(2026, 12, 2, 4, 38, tzinfo=dt.UTC), tick=False):
        make_submitted(requester=staff, unit=leader.unit, leader=leader)
        text = personas["radmann"].client.get("/").content.decode()
    assert "sendt 2. des. 05:38" in text
    assert "0 minutter" not in text


def test_an_unanswered_presentation_reads_as_such(personas: dict[str, Persona]) -> None:
    staff, leader = personas["kommunikasjon"].user, personas["leder"].user
    assert staff and leader and leader.unit
    draft = make_draft(requester=staff, unit=leader.unit, leader=leader, complete=False)
    text = personas["kommunikasjon"].client.get(f"/soknader/{draft.pk}/").content.decode()
    assert "Ikke besvart ennå" in text and "–; –" not in text


def test_a_given_presentation_names_each_part(personas: dict[str, Persona]) -> None:
    staff, leader = personas["kommunikasjon"].user, personas["leder"].user
    assert staff and leader and leader.unit
    request = make_draft(requester=staff, unit=leader.unit, leader=leader)
    text = personas["kommunikasjon"].client.get(f"/soknader/{request.pk}/").content.decode()
    assert f"Navn: {request.contact_instance}" in text
    assert f"Kontaktperson: {request.contact_person}, {request.contact_title}" in text
