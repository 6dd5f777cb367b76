"""A request to close an account: what its pages say, and its own decision page."""

import pytest

from approvals.models import AccountRequest, RequestStatus
from approvals.services import RequestError, closing_request_submit, request_decide
from tests.approvals.factories import make_submitted
from tests.conftest import Persona

pytestmark = pytest.mark.django_db


def _closing(personas: dict[str, Persona]) -> AccountRequest:
    staff, leader, radmann = (personas[n].user for n in ("kommunikasjon", "leder", "radmann"))
    assert staff and leader and radmann and leader.unit
    created = make_submitted(requester=staff, unit=leader.unit, leader=leader)
    request_decide(actor=radmann, request=created, decision=RequestStatus.APPROVED, text="")
    created.refresh_from_db()
    assert created.account is not None
    return closing_request_submit(actor=leader, account=created.account, reason="Ikke i bruk")


def test_a_closing_request_does_not_claim_the_guideline_was_read(
    personas: dict[str, Persona],
) -> None:
    closing = _closing(personas)
    assert closing.guideline_version is None
    page = personas["leder"].client.get(f"/soknader/{closing.pk}/").content.decode()
    assert "Veileder lest" not in page


def test_the_closing_decision_has_its_own_page(personas: dict[str, Persona]) -> None:
    closing = _closing(personas)
    page = personas["radmann"].client.get(f"/soknader/{closing.pk}/avgjor/").content.decode()
    assert "Hva veilederen krever" not in page
    assert "Avgjør: Nedleggelse" not in page
    assert "Avgjør nedleggelse av Reine skole" in page
    assert "Ikke i bruk" in page
    assert f'href="/kontoer/{closing.account_id}/"' in page
    assert "Legg ned kontoen" in page
    assert "Send tilbake" not in page


def test_a_closing_request_cannot_be_returned(personas: dict[str, Persona]) -> None:
    closing = _closing(personas)
    client = personas["radmann"].client
    response = client.post(
        f"/soknader/{closing.pk}/avgjor/", {"decision": "returned", "text": "Nei"}
    )
    assert response.status_code == 200
    assert AccountRequest.objects.get(pk=closing.pk).status == RequestStatus.SUBMITTED
    radmann = personas["radmann"].user
    assert radmann is not None
    with pytest.raises(RequestError):
        request_decide(actor=radmann, request=closing, decision=RequestStatus.RETURNED, text="x")


def test_the_closing_decision_page_closes_the_account(personas: dict[str, Persona]) -> None:
    closing = _closing(personas)
    response = personas["radmann"].client.post(
        f"/soknader/{closing.pk}/avgjor/", {"decision": "approved", "text": ""}
    )
    assert response.status_code == 302
    assert AccountRequest.objects.get(pk=closing.pk).status == RequestStatus.APPROVED
