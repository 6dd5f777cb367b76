"""Crisis mode: start, new versions of the message, end; audit events and notifications."""

import dataclasses
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from accounts.crisis.selectors import crisis_active, crisis_banner
from accounts.crisis.services import (
    CrisisError,
    crisis_end,
    crisis_message_update,
    crisis_start,
)
from accounts.models import (
    AccountStatus,
    CrisisMessage,
    CrisisPeriod,
    CrisisStatus,
    ResponsibilityRole,
)
from moskenes_social.audit.models import Event
from moskenes_social.notifications.models import EmailStatus, Notification
from moskenes_social.people.models import Unit, User
from moskenes_social.people.roles import Role
from policy.selectors import policy_in_force
from tests.accounts.factories import make_account, make_responsibility
from tests.conftest import Persona
from tests.factories import make_user

from .conftest import RunOnCommit, persona_user
from .factories import make_crisis

pytestmark = pytest.mark.django_db


def _start(actor: User, **kwargs: Any) -> CrisisPeriod:
    values: dict[str, Any] = {
        "reason": "Flom i Reine",
        "message_text": "Fylkesveien er stengt.",
        "message_link": "https://www.example.org/flom",
        **kwargs,
    }
    return crisis_start(actor=actor, **values)


def _notified(subject: str) -> list[str]:
    return sorted(
        Notification.objects.filter(subject=subject).values_list("recipient__username", flat=True)
    )


@pytest.mark.parametrize("name", ["kriseleder", "ordforer"])
def test_the_crisis_team_starts_crisis_mode_with_its_first_message(
    personas: dict[str, Persona], name: str
) -> None:
    actor = persona_user(personas, name)
    crisis = _start(actor)
    assert crisis.status == CrisisStatus.ACTIVE and crisis.started_by == actor
    assert crisis.covers_all_accounts
    message = crisis.messages.get()
    assert (message.version, message.text, message.link, message.author) == (
        1,
        "Fylkesveien er stengt.",
        "https://www.example.org/flom",
        actor,
    )
    event = Event.objects.get(action="accounts.crisis_started")
    assert event.actor == actor and event.reason == "Flom i Reine"
    assert event.target_id == str(crisis.pk)


@pytest.mark.parametrize("name", ["kommunikasjon", "radmann", "leder", "no_role"])
def test_others_cannot_start_crisis_mode(personas: dict[str, Persona], name: str) -> None:
    with pytest.raises(PermissionDenied):
        _start(persona_user(personas, name))
    assert not CrisisPeriod.objects.exists()


def test_who_leads_is_the_guideline_parameter_not_a_constant(
    personas: dict[str, Persona], monkeypatch: pytest.MonkeyPatch
) -> None:
    only_mayor = dataclasses.replace(policy_in_force(), crisis_leader_roles=frozenset({Role.MAYOR}))
    monkeypatch.setattr("accounts.lockout.policy_in_force", lambda: only_mayor)
    with pytest.raises(PermissionDenied):
        _start(persona_user(personas, "kriseleder"))
    assert _start(persona_user(personas, "ordforer")).is_active


def test_a_second_crisis_is_refused_while_one_is_active(kriseleder: User, ordforer: User) -> None:
    _start(kriseleder)
    with pytest.raises(CrisisError) as refused:
        _start(ordforer)
    assert "Krisemodus er allerede aktiv" in " ".join(refused.value.messages)
    assert CrisisPeriod.objects.count() == 1


def test_the_database_allows_one_active_crisis(kriseleder: User) -> None:
    make_crisis(started_by=kriseleder)
    make_crisis(started_by=kriseleder, active=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_crisis(started_by=kriseleder)


def test_start_needs_a_reason_a_message_and_a_valid_link(kriseleder: User) -> None:
    with pytest.raises(CrisisError) as refused:
        _start(kriseleder, reason="  ")
    assert "reason" in refused.value.message_dict
    with pytest.raises(CrisisError) as refused:
        _start(kriseleder, message_text=" ")
    assert "message_text" in refused.value.message_dict
    with pytest.raises(CrisisError) as refused:
        _start(kriseleder, message_link="ikke en lenke")
    assert "message_link" in refused.value.message_dict
    assert not CrisisPeriod.objects.exists()


def test_an_official_message_longer_than_1000_characters_is_refused_in_norwegian(
    kriseleder: User,
) -> None:
    # Issue 17: 6,903 characters were accepted, and filled the banner on every page.
    with translation.override("nb"), pytest.raises(CrisisError) as refused:
        _start(kriseleder, message_text="x" * 6_903)
    assert refused.value.message_dict["message_text"] == [
        "Sørg for at denne verdien har 1000 eller færre tegn (den har nå 6903)."
    ]
    assert not CrisisPeriod.objects.exists()
    crisis = _start(kriseleder, message_text="x" * 1_000)
    with pytest.raises(CrisisError) as refused:
        crisis_message_update(actor=kriseleder, crisis=crisis, text="y" * 1_001, link="")
    assert "text" in refused.value.message_dict
    assert crisis.messages.count() == 1


def test_the_database_refuses_an_official_message_longer_than_1000_characters(
    kriseleder: User,
) -> None:
    crisis = make_crisis(started_by=kriseleder)
    with pytest.raises(IntegrityError), transaction.atomic():
        CrisisMessage.objects.create(crisis=crisis, version=2, text="x" * 1_001, author=kriseleder)
    message = CrisisMessage(crisis=crisis, version=2, text="x" * 1_001, author=kriseleder)
    with translation.override("nb"), pytest.raises(ValidationError) as refused:
        message.validate_constraints()
    assert refused.value.messages == ["Det offisielle budskapet kan ha høyst 1000 tegn."]


def test_chosen_accounts_must_be_some_and_open(kriseleder: User, unit: Unit) -> None:
    with pytest.raises(CrisisError) as refused:
        _start(kriseleder, covers_all_accounts=False, accounts=[])
    assert "accounts" in refused.value.message_dict
    closed = make_account(unit=unit, status=AccountStatus.CLOSED)
    with pytest.raises(CrisisError):
        _start(kriseleder, covers_all_accounts=False, accounts=[closed])
    chosen = make_account(unit=unit)
    crisis = _start(kriseleder, covers_all_accounts=False, accounts=[chosen, chosen])
    assert list(crisis.accounts.all()) == [chosen]


def test_start_tells_everyone_responsible_for_a_covered_account_and_the_team_once(
    personas: dict[str, Persona],
    unit: Unit,
    run_on_commit: RunOnCommit,
    enqueued: list[list[int]],
) -> None:
    kriseleder = persona_user(personas, "kriseleder")
    owner, responder, backup = (make_user(username=n) for n in ["eier", "svarer", "reserve"])
    both = make_user(username="tobeint")
    first = make_account(unit=unit, owner=owner, responders=[responder, both], backups=[backup])
    make_account(unit=unit, owner=both)
    make_account(unit=unit, owner=make_user(username="nedlagt"), status=AccountStatus.CLOSED)
    make_account(unit=unit, owner=make_user(username="inaktiv", is_active=False))
    gone = make_user(username="sluttet")
    make_responsibility(
        account=first,
        user=gone,
        role=ResponsibilityRole.RESPONDER,
        assigned_at=first.created_at,
        ended_at=first.created_at,
    )
    with run_on_commit():
        _start(kriseleder)
    everyone = ["eier", "kriseleder", "ordforer", "reserve", "svarer", "tobeint"]
    assert _notified("Krisemodus er aktiv") == everyone
    rows = Notification.objects.filter(subject="Krisemodus er aktiv")
    assert {n.email_status for n in rows} == {EmailStatus.PENDING}
    assert "Fylkesveien er stengt." in rows[0].body
    # One enqueue after commit with every row: the request does not send e-mail itself.
    assert len(enqueued) == 1 and sorted(enqueued[0]) == sorted(n.pk for n in rows)


def test_start_covering_chosen_accounts_tells_only_their_people(
    kriseleder: User, unit: Unit
) -> None:
    chosen = make_account(unit=unit, owner=make_user(username="valgt"))
    make_account(unit=unit, owner=make_user(username="utenfor"))
    _start(kriseleder, covers_all_accounts=False, accounts=[chosen])
    assert _notified("Krisemodus er aktiv") == ["kriseleder", "ordforer", "valgt"]


def _start_queries(n_accounts: int, unit: Unit) -> int:
    kriseleder = make_user(username=f"leder{n_accounts}", roles=[Role.CRISIS_LEADER])
    for i in range(n_accounts):
        make_account(
            unit=unit,
            owner=make_user(username=f"e{n_accounts}-{i}"),
            responders=[make_user(username=f"s{n_accounts}-{i}a"), make_user()],
        )
    # A running process has parsed the guideline in force already (policy.selectors).
    policy_in_force()
    with CaptureQueriesContext(connection) as queries:
        crisis = _start(kriseleder)
    with CaptureQueriesContext(connection) as end_queries:
        crisis_end(actor=kriseleder, crisis=crisis, summary="Over.")
    assert Notification.objects.filter(subject="Krisemodus er aktiv").count() >= 3 * n_accounts
    return len(queries.captured_queries) + len(end_queries.captured_queries)


def test_fan_out_costs_the_same_queries_for_3_or_60_people(
    personas: dict[str, Persona], unit: Unit
) -> None:
    few = _start_queries(1, unit)
    many = _start_queries(20, unit)
    assert few == many


def test_update_adds_a_version_and_keeps_the_old_ones(
    kriseleder: User, ordforer: User, run_on_commit: RunOnCommit
) -> None:
    crisis = _start(kriseleder)
    message = crisis_message_update(
        actor=ordforer, crisis=crisis, text="Veien er åpen igjen.", link=""
    )
    assert message.version == 2 and message.author == ordforer
    assert list(crisis.messages.values_list("version", "text")) == [
        (2, "Veien er åpen igjen."),
        (1, "Fylkesveien er stengt."),
    ]
    event = Event.objects.get(action="accounts.crisis_message_updated")
    assert event.actor == ordforer and event.data["version"] == 2
    banner = crisis_banner()
    assert banner is not None and banner.message == "Veien er åpen igjen." and banner.link == ""
    with pytest.raises(ValueError, match="never changed"):
        message.save()


def test_update_refuses_an_unchanged_message_others_and_an_ended_crisis(
    personas: dict[str, Persona], kriseleder: User
) -> None:
    crisis = _start(kriseleder)
    with pytest.raises(CrisisError) as refused:
        crisis_message_update(
            actor=kriseleder,
            crisis=crisis,
            text="Fylkesveien er stengt.",
            link="https://www.example.org/flom",
        )
    assert "text" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        crisis_message_update(
            actor=persona_user(personas, "radmann"), crisis=crisis, text="Noe annet"
        )
    crisis_end(actor=kriseleder, crisis=crisis, summary="Over.")
    with pytest.raises(PermissionDenied):
        crisis_message_update(actor=kriseleder, crisis=crisis, text="For sent")
    assert CrisisMessage.objects.count() == 1


def test_end_records_summary_and_duration_and_tells_the_same_people(
    kriseleder: User, ordforer: User, unit: Unit
) -> None:
    make_account(unit=unit, owner=make_user(username="eier"))
    with time_machine.travel("2026-03-02 08:00 +01:00", tick=False):
        crisis = _start(kriseleder)
    with time_machine.travel("2026-03-02 11:30 +01:00", tick=False):
        ended = crisis_end(actor=ordforer, crisis=crisis, summary="  Veien er åpnet.  ")
    crisis.refresh_from_db()
    assert crisis.status == CrisisStatus.ENDED and crisis.ended_by == ordforer
    assert crisis.summary == "Veien er åpnet." and ended.ended_at == crisis.ended_at
    event = Event.objects.get(action="accounts.crisis_ended")
    assert event.data == {"duration_seconds": 3 * 3600 + 1800, "posts_postponed": []}
    assert _notified("Krisemodus er avsluttet") == ["eier", "kriseleder", "ordforer"]
    assert crisis_active() is None and crisis_banner() is None


def test_end_needs_a_summary_and_happens_once(kriseleder: User, ordforer: User) -> None:
    crisis = _start(kriseleder)
    with pytest.raises(CrisisError) as refused:
        crisis_end(actor=kriseleder, crisis=crisis, summary=" ")
    assert "summary" in refused.value.message_dict
    stale = CrisisPeriod.objects.get(pk=crisis.pk)
    crisis_end(actor=kriseleder, crisis=crisis, summary="Over.")
    # A second end from a page loaded before the first: the conditional update refuses it.
    with pytest.raises(CrisisError, match="allerede avsluttet"):
        crisis_end(actor=ordforer, crisis=stale, summary="Igjen")
    assert Event.objects.filter(action="accounts.crisis_ended").count() == 1


def test_end_is_refused_to_others(personas: dict[str, Persona], kriseleder: User) -> None:
    crisis = _start(kriseleder)
    with pytest.raises(PermissionDenied):
        crisis_end(actor=persona_user(personas, "leder"), crisis=crisis, summary="Over.")
    assert crisis_active() is not None
