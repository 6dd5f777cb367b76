"""The request workflow: every transition, every refused transition, and the races."""

import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from accounts.models import Account, AccountStatus
from approvals.models import AccountRequest, RequestStatus
from approvals.services import (
    RequestError,
    closing_request_submit,
    request_decide,
    request_missing,
    request_save_draft,
    request_submit,
    request_withdraw,
)
from moskenes_social.audit.models import Event
from moskenes_social.notifications.models import Notification
from moskenes_social.people.models import User
from policy.selectors import user_has_acknowledged, version_in_force
from tests.approvals.factories import make_draft, make_submitted
from tests.conftest import Persona

pytestmark = pytest.mark.django_db


def _users(personas: dict[str, Persona]) -> tuple[User, User, User]:
    staff, leader, radmann = (personas[n].user for n in ("kommunikasjon", "leder", "radmann"))
    assert staff and leader and radmann
    return staff, leader, radmann


def test_an_incomplete_draft_is_saved_and_submit_says_exactly_what_is_missing(
    personas: dict[str, Persona], unit: object
) -> None:
    staff, leader, _ = _users(personas)
    assert leader.unit is not None
    draft = make_draft(requester=staff, unit=leader.unit, leader=leader, complete=False)
    assert draft.status == RequestStatus.DRAFT
    with pytest.raises(RequestError) as refused:
        request_submit(actor=staff, request=draft, acknowledged=False)
    missing = refused.value.message_dict
    assert "answer_purpose" in missing
    assert "responders" in missing
    assert {"acknowledge", "not_case_handling", "contact_email", "mandate"} <= set(missing)
    draft.refresh_from_db()
    assert draft.status == RequestStatus.DRAFT
    assert draft.name == "Halvferdig"


def test_missing_lists_every_free_text_question_of_the_version_in_force(
    personas: dict[str, Persona],
) -> None:
    staff, leader, _ = _users(personas)
    assert leader.unit is not None
    draft = make_draft(requester=staff, unit=leader.unit, leader=leader, complete=False)
    missing = request_missing(request=draft)
    for key in ("purpose", "target_groups", "channel_fit", "regulations_allow"):
        assert f"answer_{key}" in missing


def test_submit_acknowledges_the_version_in_force_and_notifies_the_radmann(
    personas: dict[str, Persona],
) -> None:
    staff, leader, radmann = _users(personas)
    assert leader.unit is not None
    request = make_submitted(requester=staff, unit=leader.unit, leader=leader)
    version = version_in_force()
    assert version is not None
    assert request.status == RequestStatus.SUBMITTED
    assert request.guideline_version == version
    assert user_has_acknowledged(user=staff, version=version)
    assert Notification.objects.filter(recipient=radmann).count() == 1
    assert Event.objects.filter(action="request.submitted").count() == 1


def test_return_requires_a_reason_and_the_corrected_request_can_be_resubmitted(
    personas: dict[str, Persona],
) -> None:
    staff, leader, radmann = _users(personas)
    assert leader.unit is not None
    request = make_submitted(requester=staff, unit=leader.unit, leader=leader)
    with pytest.raises(RequestError):
        request_decide(actor=radmann, request=request, decision=RequestStatus.RETURNED, text=" ")
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED
    request_decide(
        actor=radmann, request=request, decision=RequestStatus.RETURNED, text="Målgruppe uklar"
    )
    assert Notification.objects.filter(recipient=staff, body="Målgruppe uklar").exists()
    request_save_draft(
        actor=staff,
        request=request,
        values={"goals": "Nå foreldre til 1.-7. trinn."},
        responders=list(request.responders.all()),
        answers=request.answers,
    )
    request.refresh_from_db()
    request_submit(actor=staff, request=request, acknowledged=True)
    assert request.status == RequestStatus.SUBMITTED
    statuses = list(request.transitions.values_list("to_status", flat=True))
    assert statuses == ["draft", "submitted", "returned", "submitted"]


def test_rejection_without_reason_is_refused(personas: dict[str, Persona]) -> None:
    staff, leader, radmann = _users(personas)
    assert leader.unit is not None
    request = make_submitted(requester=staff, unit=leader.unit, leader=leader)
    with pytest.raises(RequestError):
        request_decide(actor=radmann, request=request, decision=RequestStatus.REJECTED, text="")
    request_decide(actor=radmann, request=request, decision=RequestStatus.REJECTED, text="Nei")
    assert AccountRequest.objects.get(pk=request.pk).status == RequestStatus.REJECTED


def test_approval_creates_the_account_with_owner_and_responders(
    personas: dict[str, Persona],
) -> None:
    staff, leader, radmann = _users(personas)
    assert leader.unit is not None
    request = make_submitted(requester=staff, unit=leader.unit, leader=leader)
    request_decide(actor=radmann, request=request, decision=RequestStatus.APPROVED, text="")
    request.refresh_from_db()
    assert request.account is not None
    account = Account.objects.get(pk=request.account.pk)
    assert (account.handle, account.unit, account.status) == (
        "reineskole",
        leader.unit,
        AccountStatus.ACTIVE,
    )
    people = set(
        account.responsibilities.filter(ended_at__isnull=True).values_list("user__username", "role")
    )
    assert ("leder", "owner") in people
    assert {("svarer1", "responder"), ("svarer2", "responder")} <= people
    assert Notification.objects.filter(recipient=staff, subject__contains="godkjent").exists()


def test_a_decision_is_taken_once(personas: dict[str, Persona]) -> None:
    staff, leader, radmann = _users(personas)
    assert leader.unit is not None
    request = make_submitted(requester=staff, unit=leader.unit, leader=leader)
    stale = AccountRequest.objects.get(pk=request.pk)
    request_decide(actor=radmann, request=request, decision=RequestStatus.APPROVED, text="")
    with pytest.raises(RequestError, match="allerede avgjort"):
        request_decide(actor=radmann, request=stale, decision=RequestStatus.REJECTED, text="Nei")
    assert AccountRequest.objects.get(pk=request.pk).status == RequestStatus.APPROVED
    assert Account.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_decisions_give_one(personas: dict[str, Persona]) -> None:
    """Two rådmann windows post at the same moment: one decision, one refusal."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a database with concurrent connections (PostgreSQL in CI)")
    staff, leader, radmann = _users(personas)
    assert leader.unit is not None
    request = make_submitted(requester=staff, unit=leader.unit, leader=leader)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(decision: RequestStatus) -> None:
        copy = AccountRequest.objects.get(pk=request.pk)
        barrier.wait()
        try:
            request_decide(actor=radmann, request=copy, decision=decision, text="Begrunnelse")
            outcomes.append("ok")
        except RequestError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(d,))
        for d in (RequestStatus.APPROVED, RequestStatus.REJECTED)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert AccountRequest.objects.get(pk=request.pk).transitions.count() == 3
    assert Account.objects.count() <= 1


def test_one_open_request_per_platform_and_handle(personas: dict[str, Persona]) -> None:
    staff, leader, _ = _users(personas)
    assert leader.unit is not None
    make_draft(requester=staff, unit=leader.unit, leader=leader, handle="ReineSkole")
    with pytest.raises(RequestError) as refused:
        make_draft(requester=leader, unit=leader.unit, leader=leader, handle="reineskole")
    assert "handle" in refused.value.message_dict


def test_a_handle_that_is_already_an_active_account_is_refused(
    personas: dict[str, Persona],
) -> None:
    staff, leader, radmann = _users(personas)
    assert leader.unit is not None
    first = make_submitted(requester=staff, unit=leader.unit, leader=leader)
    request_decide(actor=radmann, request=first, decision=RequestStatus.APPROVED, text="")
    second = make_draft(requester=staff, unit=leader.unit, leader=leader)
    with pytest.raises(RequestError) as refused:
        request_submit(actor=staff, request=second, acknowledged=True)
    assert "handle" in refused.value.message_dict


def test_withdraw_before_a_decision_only(personas: dict[str, Persona]) -> None:
    staff, leader, radmann = _users(personas)
    assert leader.unit is not None
    request = make_submitted(requester=staff, unit=leader.unit, leader=leader)
    with pytest.raises(RequestError):
        request_withdraw(actor=leader, request=request)
    request_withdraw(actor=staff, request=request)
    assert request.status == RequestStatus.WITHDRAWN
    with pytest.raises(RequestError):
        request_decide(actor=radmann, request=request, decision=RequestStatus.APPROVED, text="")
    with pytest.raises(RequestError):
        request_withdraw(actor=staff, request=request)


def test_a_submitted_request_cannot_be_edited(personas: dict[str, Persona]) -> None:
    staff, leader, _ = _users(personas)
    assert leader.unit is not None
    request = make_submitted(requester=staff, unit=leader.unit, leader=leader)
    with pytest.raises(RequestError):
        request_save_draft(
            actor=staff, request=request, values={"name": "X"}, responders=[], answers={}
        )


def test_closing_request_approved_closes_the_account(personas: dict[str, Persona]) -> None:
    staff, leader, radmann = _users(personas)
    assert leader.unit is not None
    created = make_submitted(requester=staff, unit=leader.unit, leader=leader)
    request_decide(actor=radmann, request=created, decision=RequestStatus.APPROVED, text="")
    created.refresh_from_db()
    assert created.account is not None
    with pytest.raises(RequestError):
        closing_request_submit(actor=leader, account=created.account, reason=" ")
    closing = closing_request_submit(actor=leader, account=created.account, reason="Ikke i bruk")
    with pytest.raises(RequestError):
        closing_request_submit(actor=leader, account=created.account, reason="Igjen")
    request_decide(actor=radmann, request=closing, decision=RequestStatus.APPROVED, text="")
    assert Account.objects.get(pk=created.account.pk).status == AccountStatus.CLOSED


@pytest.mark.parametrize("name", ["kommunikasjon", "leder", "kriseleder", "no_role"])
def test_only_the_radmann_decides_whoever_calls_the_service(
    personas: dict[str, Persona], name: str
) -> None:
    staff, leader, _radmann = _users(personas)
    assert leader.unit is not None
    request = make_submitted(requester=staff, unit=leader.unit, leader=leader)
    actor = personas[name].user
    assert actor is not None
    with pytest.raises(PermissionDenied):
        request_decide(actor=actor, request=request, decision=RequestStatus.APPROVED, text="")
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED
    assert not Event.objects.filter(action="request.approved").exists()
