"""Issue 16, decisions: a late or second decision is refused and says so; every decision
records the guideline version in force and the rule it applied; a reason that shows
nothing is no reason."""

import threading

import pytest
from django import forms
from django.db import connection
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from accounts.crisis.forms import CrisisEndForm, CrisisStartForm
from accounts.forms import AccountRegisterExistingForm, ReasonForm
from accounts.models import Account
from accounts.posts.forms import CloseForm, ReopenForm
from approvals.forms import AccountRequestForm, ClosingRequestForm, DecisionForm
from approvals.models import AccountRequest, RequestStatus
from approvals.services import (
    RequestAlreadyDecidedError,
    RequestError,
    closing_request_submit,
    request_decide,
)
from moskenes_social.audit.models import Event
from moskenes_social.forms import ReasonField, reason_text
from moskenes_social.notifications.models import Notification
from moskenes_social.people.models import User
from moskenes_social.people.roles import Role
from policy.models import Rule
from policy.selectors import local_date
from tests.approvals.factories import make_submitted
from tests.conftest import Persona
from tests.factories import make_user
from tests.policy.factories import adopt, make_draft

pytestmark = pytest.mark.django_db

APPROVAL_RULE = "2-radmannen-godkjenner"


def _users(personas: dict[str, Persona]) -> tuple[User, User, User]:
    staff, leader, radmann = (personas[n].user for n in ("kommunikasjon", "leder", "radmann"))
    assert staff and leader and radmann
    return staff, leader, radmann


def _submitted(personas: dict[str, Persona]) -> AccountRequest:
    staff, leader, _ = _users(personas)
    assert leader.unit is not None
    return make_submitted(requester=staff, unit=leader.unit, leader=leader)


def _decisions(request: AccountRequest) -> list[str]:
    return list(
        request.transitions.exclude(to_status__in=["draft", "submitted"]).values_list(
            "to_status", flat=True
        )
    )


# --- A decision that comes too late ---------------------------------------------------------


def test_a_decision_from_a_page_opened_before_another_was_saved_says_it_was_not_saved(
    personas: dict[str, Persona],
) -> None:
    request = _submitted(personas)
    client = personas["radmann"].client
    url = f"/soknader/{request.pk}/avgjor/"
    assert 'name="decision"' in client.get(url).text
    # Meanwhile, in another window, a second rådmann (acting) approves.
    acting = make_user(username="fungerende", first_name="Frida", roles=[Role.CHIEF_EXECUTIVE])
    request_decide(actor=acting, request=request, decision=RequestStatus.APPROVED, text="")

    response = client.post(url, {"decision": "rejected", "text": "Målgruppen er uklar"})

    assert response.status_code == 409
    page = response.text
    assert 'role="alert"' in page
    assert "Beslutningen din ble ikke lagret" in page
    assert "den er nå «Godkjent» (Frida" in page
    assert "Ingenting er endret" in page
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED
    assert _decisions(request) == ["approved"]
    assert not Event.objects.filter(action="request.rejected").exists()
    assert not Notification.objects.filter(subject__contains="avslått").exists()


def test_a_double_click_decides_once(personas: dict[str, Persona]) -> None:
    request = _submitted(personas)
    client = personas["radmann"].client
    url = f"/soknader/{request.pk}/avgjor/"
    first = client.post(url, {"decision": "approved", "text": ""})
    second = client.post(url, {"decision": "approved", "text": ""})
    assert first.status_code == 302
    assert second.status_code == 409
    assert "Beslutningen din ble ikke lagret" in second.text
    assert _decisions(request) == ["approved"]
    assert Account.objects.count() == 1
    assert Event.objects.filter(action="request.approved").count() == 1
    assert Notification.objects.filter(recipient=request.requester).count() == 1


def test_an_invalid_decision_on_a_decided_request_says_it_is_decided(
    personas: dict[str, Persona],
) -> None:
    """Not "choose a decision" on a form that is no longer shown: what happened instead."""
    request = _submitted(personas)
    _, _, radmann = _users(personas)
    request_decide(actor=radmann, request=request, decision=RequestStatus.APPROVED, text="")
    response = personas["radmann"].client.post(f"/soknader/{request.pk}/avgjor/", {})
    assert response.status_code == 409
    assert "Beslutningen din ble ikke lagret" in response.text


def test_a_stale_request_object_is_refused_as_already_decided(
    personas: dict[str, Persona],
) -> None:
    request = _submitted(personas)
    _, _, radmann = _users(personas)
    stale = AccountRequest.objects.get(pk=request.pk)
    request_decide(actor=radmann, request=request, decision=RequestStatus.APPROVED, text="")
    with pytest.raises(RequestAlreadyDecidedError, match="allerede avgjort"):
        request_decide(actor=radmann, request=stale, decision=RequestStatus.RETURNED, text="Nei")


@pytest.mark.django_db(transaction=True)
def test_two_windows_posting_at_once_get_one_decision_and_one_refusal(
    personas: dict[str, Persona],
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs a database with concurrent connections (PostgreSQL in CI)")
    request = _submitted(personas)
    radmann = personas["radmann"].user
    assert radmann is not None
    url = f"/soknader/{request.pk}/avgjor/"
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def post(decision: str) -> None:
        client = Client()
        client.force_login(radmann)
        barrier.wait()
        try:
            statuses.append(client.post(url, {"decision": decision, "text": "Fordi"}).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(d,)) for d in ("approved", "rejected")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [302, 409]
    assert len(_decisions(request)) == 1


# --- What a decision rests on ---------------------------------------------------------------


def _basis(request: AccountRequest, status: str) -> object:
    return Event.objects.get(action=f"request.{status}", target_id=str(request.pk)).data.get(
        "guideline"
    )


@pytest.mark.parametrize(
    ("decision", "text"),
    [
        (RequestStatus.APPROVED, ""),
        (RequestStatus.REJECTED, "Ikke behov"),
        (RequestStatus.RETURNED, "Beskriv målgruppen"),
    ],
)
def test_a_decision_records_the_version_in_force_and_the_rule_it_applied(
    personas: dict[str, Persona], decision: RequestStatus, text: str
) -> None:
    """The requester read version 1; version 2 has come into force since: the decision
    rests on version 2 and its rule, and the log page says so."""
    request = _submitted(personas)
    _, _, radmann = _users(personas)
    draft = make_draft(actor=radmann)
    Rule.objects.filter(version=draft, code=APPROVAL_RULE).update(
        title="Rådmannen godkjenner alle offisielle kontoer"
    )
    today = local_date()
    v2 = adopt(actor=radmann, version=draft, adopted_on=today, effective_from=today)

    request_decide(actor=radmann, request=request, decision=decision, text=text)

    request.refresh_from_db()
    assert request.guideline_version is not None and request.guideline_version.number == 1
    assert _basis(request, decision) == {
        "version": 2,
        "version_id": v2.pk,
        "rule": APPROVAL_RULE,
        "rule_section": "2",
        "rule_title": "Rådmannen godkjenner alle offisielle kontoer",
    }
    page = personas["radmann"].client.get("/logg/").text
    assert "Veileder versjon 2, kapittel 2: Rådmannen godkjenner alle offisielle kontoer" in page


def test_closing_an_account_records_the_version_and_the_rule(
    personas: dict[str, Persona],
) -> None:
    _, leader, radmann = _users(personas)
    created = _submitted(personas)
    request_decide(actor=radmann, request=created, decision=RequestStatus.APPROVED, text="")
    created.refresh_from_db()
    assert created.account is not None
    closing = closing_request_submit(actor=leader, account=created.account, reason="Ikke i bruk")
    request_decide(actor=radmann, request=closing, decision=RequestStatus.APPROVED, text="")
    basis = _basis(closing, "approved")
    assert isinstance(basis, dict)
    assert (basis["version"], basis["rule"]) == (1, APPROVAL_RULE)
    assert basis["rule_title"] == "Rådmannen godkjenner offisielle profiler og kontoer"


def test_a_submission_is_no_decision_and_records_no_rule(
    personas: dict[str, Persona],
) -> None:
    request = _submitted(personas)
    assert _basis(request, "submitted") is None


# --- A reason that shows nothing ------------------------------------------------------------

INVISIBLE_ONLY = ["\u200b", "\ufeff", "\u2060", " \u200b\u2060\ufeff \n", "\u200b\u200b"]


@pytest.mark.parametrize("text", INVISIBLE_ONLY)
def test_a_reason_of_only_zero_width_characters_is_refused_like_a_blank_one(
    personas: dict[str, Persona], text: str
) -> None:
    request = _submitted(personas)
    client = personas["radmann"].client
    response = client.post(
        f"/soknader/{request.pk}/avgjor/", {"decision": "rejected", "text": text}
    )
    assert response.status_code == 200
    assert "Gi en begrunnelse" in response.text
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED


@pytest.mark.parametrize("text", INVISIBLE_ONLY)
def test_the_service_refuses_an_invisible_reason_whoever_calls_it(
    personas: dict[str, Persona], text: str
) -> None:
    request = _submitted(personas)
    _, leader, radmann = _users(personas)
    with pytest.raises(RequestError, match="begrunnelse"):
        request_decide(actor=radmann, request=request, decision=RequestStatus.RETURNED, text=text)
    request_decide(actor=radmann, request=request, decision=RequestStatus.APPROVED, text="")
    request.refresh_from_db()
    assert request.account is not None
    with pytest.raises(RequestError) as refused:
        closing_request_submit(actor=leader, account=request.account, reason=text)
    assert "closing_reason" in refused.value.message_dict


@pytest.mark.parametrize("text", INVISIBLE_ONLY)
def test_the_closing_form_refuses_an_invisible_reason(text: str) -> None:
    form = ClosingRequestForm({"closing_reason": text})
    assert not form.is_valid()
    assert "closing_reason" in form.errors


def test_a_reason_keeps_its_text_and_a_zero_width_character_inside_it() -> None:
    form = DecisionForm({"decision": "rejected", "text": " Nei\u200bnei \u200b"})
    assert form.is_valid()
    assert form.cleaned_data["text"] == "Nei\u200bnei \u200b"


# --- Every reason and note field of the app reads its text the same way ---------------------
# (The shared helper, moskenes_social/forms.py, would have its tests in
# tests/moskenes_social/test_forms.py; they live here with the issue that asked for them.)

FormClass = type[forms.Form] | type[forms.ModelForm[AccountRequest]]
REASON_FIELDS: list[tuple[FormClass, str]] = [
    (DecisionForm, "text"),
    (ClosingRequestForm, "closing_reason"),
    (AccountRequestForm, "web_pages_note"),
    (AccountRequestForm, "reputation_note"),
    (ReasonForm, "reason"),
    (AccountRegisterExistingForm, "note"),
    (CrisisStartForm, "reason"),
    (CrisisEndForm, "summary"),
    (CloseForm, "note"),
    (ReopenForm, "reason"),
]


@pytest.mark.parametrize(("form_class", "name"), REASON_FIELDS)
def test_every_reason_and_note_field_refuses_text_that_shows_nothing(
    form_class: FormClass, name: str
) -> None:
    field = form_class.base_fields[name]
    assert isinstance(field, ReasonField)
    for text in INVISIBLE_ONLY:
        if field.required:
            with pytest.raises(forms.ValidationError) as refused:
                field.clean(text)
            assert refused.value.code == "required"
        else:
            assert field.clean(text) == ""


SHOWS_NOTHING = st.text(
    alphabet=st.one_of(
        st.characters(categories=["Cf"]),
        st.characters(categories=["Zs", "Zl", "Zp"]),
        st.sampled_from(" \t\n\r\x0b\x0c"),
    )
)


@given(SHOWS_NOTHING)
def test_text_of_only_whitespace_and_invisible_characters_reads_as_empty(text: str) -> None:
    assert reason_text(text) == ""


@given(SHOWS_NOTHING, st.characters(categories=["L", "N", "P", "S"]), SHOWS_NOTHING)
def test_a_visible_character_keeps_the_text(before: str, visible: str, after: str) -> None:
    text = reason_text(before + visible + after)
    assert visible in text
    assert text == (before + visible + after).strip()
