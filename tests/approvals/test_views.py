"""The request pages: what is typed is kept, errors are clear, queries are pinned."""

import pytest
from django.test import Client

from approvals.models import AccountRequest, RequestStatus
from tests.approvals.factories import complete_answers, make_submitted
from tests.conftest import Persona
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_submitting_an_incomplete_form_keeps_what_was_typed(personas: dict[str, Persona]) -> None:
    client = personas["kommunikasjon"].client
    response = client.post(
        "/soknader/ny/",
        {
            "name": "Reine skole på Facebook",
            "handle": "reineskole",
            "platform": "facebook",
            "answer_purpose": "Nå foreldrene.",
            "submit": "1",
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Skjemaet har feil" in text
    assert 'value="Reine skole på Facebook"' in text
    assert "Nå foreldrene." in text
    assert "Bekreft at du har lest veilederen" in text
    # A refused submit saves nothing: the user saves a draft or sends a complete one.
    assert not AccountRequest.objects.exists()


def test_save_draft_then_edit_keeps_one_request(personas: dict[str, Persona]) -> None:
    client = personas["kommunikasjon"].client
    response = client.post("/soknader/ny/", {"name": "Utkast", "save": "1"})
    request = AccountRequest.objects.get()
    assert response.headers["Location"] == f"/soknader/{request.pk}/rediger/"
    client.post(f"/soknader/{request.pk}/rediger/", {"name": "Utkast 2", "save": "1"})
    assert AccountRequest.objects.get().name == "Utkast 2"


def test_a_bad_email_is_refused_in_norwegian_and_nothing_is_saved(
    personas: dict[str, Persona],
) -> None:
    client = personas["kommunikasjon"].client
    response = client.post(
        "/soknader/ny/", {"name": "X", "contact_email": "ikke-epost", "save": "1"}
    )
    assert "Oppgi en gyldig e-postadresse" in response.content.decode()
    assert not AccountRequest.objects.exists()


def test_full_submission_through_the_form(personas: dict[str, Persona]) -> None:
    leader = personas["leder"].user
    assert leader is not None and leader.unit is not None
    responders = [make_user(username=f"s{n}", unit=leader.unit) for n in (1, 2)]
    data = {
        "unit": leader.unit.pk,
        "platform": "facebook",
        "name": "Skolen",
        "handle": "skolen",
        "url": "https://facebook.com/skolen",
        "not_case_handling": "on",
        "goals": "Mål",
        "not_used_for": "Saker",
        "responsible_leader": leader.pk,
        "responders": [u.pk for u in responders],
        "follow_up_interval_days": "1",
        "hours_per_week": "2",
        "mandate": "Fullmakt",
        "contact_instance": "Skolen",
        "contact_person": "Lise",
        "contact_title": "Rektor",
        "contact_email": "l@example.org",
        "homepage": "https://example.org",
        "web_pages_updated": "on",
        "web_pages_note": "Ok",
        "reputation_checked": "on",
        "reputation_note": "Ok",
        "acknowledge": "on",
        "submit": "1",
        **{f"answer_{key}": text for key, text in complete_answers().items()},
    }
    response = personas["kommunikasjon"].client.post("/soknader/ny/", data)
    request = AccountRequest.objects.get()
    assert response.status_code == 302, response.content.decode()[:3000]
    assert request.status == RequestStatus.SUBMITTED


def test_decision_form_requires_reason_for_return(personas: dict[str, Persona]) -> None:
    staff, leader = personas["kommunikasjon"].user, personas["leder"].user
    assert staff and leader and leader.unit
    request = make_submitted(requester=staff, unit=leader.unit, leader=leader)
    client = personas["radmann"].client
    response = client.post(f"/soknader/{request.pk}/avgjor/", {"decision": "returned", "text": ""})
    assert "Gi en begrunnelse" in response.content.decode()
    assert AccountRequest.objects.get().status == RequestStatus.SUBMITTED
    response = client.post(
        f"/soknader/{request.pk}/avgjor/", {"decision": "returned", "text": "Målgruppe uklar"}
    )
    assert response.status_code == 302
    page = personas["kommunikasjon"].client.get(f"/soknader/{request.pk}/").content.decode()
    assert "Målgruppe uklar" in page


def test_queue_query_count_does_not_grow_with_requests(
    personas: dict[str, Persona], django_assert_max_num_queries: object
) -> None:
    staff, leader = personas["kommunikasjon"].user, personas["leder"].user
    assert staff and leader and leader.unit
    client: Client = personas["radmann"].client
    make_submitted(requester=staff, unit=leader.unit, leader=leader, handle="h0")
    with django_assert_max_num_queries(8) as few:  # type: ignore[operator]
        client.get("/soknader/ko/")
    for n in range(1, 15):
        make_submitted(requester=staff, unit=leader.unit, leader=leader, handle=f"h{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):  # type: ignore[operator]
        response = client.get("/soknader/ko/")
    assert response.content.decode().count("/avgjor/") == 15


def test_sending_an_empty_form_saves_nothing_and_keeps_the_new_request_page(
    personas: dict[str, Persona],
) -> None:
    client = personas["kommunikasjon"].client
    response = client.post("/soknader/ny/", {"submit": "1"})
    text = response.content.decode()
    assert response.status_code == 200
    assert not AccountRequest.objects.exists()
    assert "Skjemaet har feil" in text
    assert "<h1>Be om ny konto</h1>" in text
    assert "Endre søknad" not in text
    assert "/rediger/" not in text


def test_a_refused_submit_of_a_draft_leaves_the_draft_as_it_was(
    personas: dict[str, Persona],
) -> None:
    client = personas["kommunikasjon"].client
    client.post("/soknader/ny/", {"name": "Utkast", "save": "1"})
    request = AccountRequest.objects.get()
    response = client.post(f"/soknader/{request.pk}/rediger/", {"name": "Nytt navn", "submit": "1"})
    assert 'value="Nytt navn"' in response.content.decode()
    request.refresh_from_db()
    assert request.name == "Utkast"
    assert request.status == RequestStatus.DRAFT
