"""Responsibility: who may assign, the refusals, coverage, and history by date."""

from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.test import Client

from accounts.models import AccountStatus, Responsibility, ResponsibilityRole
from accounts.permissions import can_assign, can_check_in, can_request_closing
from accounts.selectors import (
    account_coverage,
    accounts_below_coverage,
    accounts_for_responder,
    responsibilities_at,
    responsibilities_on_date,
)
from accounts.services import AccountError, responsibility_assign, responsibility_end
from moskenes_social.audit.models import Event
from moskenes_social.notifications.models import Notification
from moskenes_social.people.models import Unit, User
from moskenes_social.worktime import OSLO
from tests.conftest import Persona
from tests.factories import make_user

from .factories import make_account, make_responsibility

pytestmark = pytest.mark.django_db

RESPONDER = ResponsibilityRole.RESPONDER
BACKUP = ResponsibilityRole.BACKUP
OWNER = ResponsibilityRole.OWNER


def test_the_units_leader_assigns_and_the_person_is_told(
    leader: User, staff: list[User], unit: Unit
) -> None:
    account = make_account(unit=unit, owner=leader)
    responsibility = responsibility_assign(
        actor=leader, account=account, user=staff[0], role=RESPONDER
    )
    assert responsibility.assigned_by == leader and responsibility.ended_at is None
    event = Event.objects.get(action="accounts.responsibility_assigned")
    assert event.target_id == str(account.pk) and event.data["role"] == "responder"
    notification = Notification.objects.get(recipient=staff[0])
    assert notification.subject == f"Du er svarer for {account}"


def test_the_radmann_assigns_on_any_unit(radmann_user: User, other_unit: Unit) -> None:
    account = make_account(unit=other_unit)
    user = make_user(username="hjelper")
    assert can_assign(radmann_user, account)
    responsibility_assign(actor=radmann_user, account=account, user=user, role=OWNER)
    assert Responsibility.objects.filter(account=account, user=user, role=OWNER).exists()


def test_a_leader_of_another_unit_may_not_assign(
    other_leader: User, staff: list[User], unit: Unit
) -> None:
    account = make_account(unit=unit)
    assert not can_assign(other_leader, account)
    with pytest.raises(PermissionDenied):
        responsibility_assign(actor=other_leader, account=account, user=staff[0], role=RESPONDER)
    assert not Responsibility.objects.exists()


def test_other_leader_gets_403_and_sees_no_assign_form(
    other_leader_client: Client, staff: list[User], unit: Unit, leader: User
) -> None:
    account = make_account(unit=unit, owner=leader)
    url = f"/kontoer/{account.pk}/ansvar/"
    assert other_leader_client.get(url).status_code == 403
    response = other_leader_client.post(url, {"user": staff[0].pk, "role": "responder"})
    assert response.status_code == 403
    page = other_leader_client.get(f"/kontoer/{account.pk}/")
    assert page.status_code == 200
    assert url not in page.text
    assert "Gi ansvar" not in page.text
    owner_row = Responsibility.objects.get(account=account)
    assert other_leader_client.post(f"/kontoer/ansvar/{owner_row.pk}/avslutt/").status_code == 403
    assert Responsibility.objects.filter(ended_at__isnull=True).count() == 1


def test_leader_assigns_through_the_form(
    personas: dict[str, Persona], staff: list[User], unit: Unit, leader: User
) -> None:
    account = make_account(unit=unit, owner=leader)
    client = personas["leder"].client
    assert "Gi ansvar" in client.get(f"/kontoer/{account.pk}/").text
    response = client.post(
        f"/kontoer/{account.pk}/ansvar/", {"user": staff[1].pk, "role": "backup"}
    )
    assert response.status_code == 302
    assert Responsibility.objects.filter(account=account, user=staff[1], role=BACKUP).exists()


def test_an_inactive_user_is_refused_with_a_clear_message(
    personas: dict[str, Persona], leader: User, unit: Unit
) -> None:
    account = make_account(unit=unit, owner=leader)
    gone = make_user(username="sluttet", first_name="Siri", last_name="Sluttet", is_active=False)
    with pytest.raises(AccountError) as refused:
        responsibility_assign(actor=leader, account=account, user=gone, role=RESPONDER)
    assert refused.value.message_dict == {
        "user": ["Siri Sluttet er deaktivert og kan ikke få ansvar."]
    }
    # The form does not even offer inactive users.
    response = personas["leder"].client.post(
        f"/kontoer/{account.pk}/ansvar/", {"user": gone.pk, "role": "responder"}
    )
    assert response.status_code == 200
    assert 'id="form-errors"' in response.text
    assert "Velg en aktiv person fra listen." in response.text


def test_the_same_role_twice_is_refused(leader: User, staff: list[User], unit: Unit) -> None:
    account = make_account(unit=unit, owner=leader, responders=[staff[0]])
    with pytest.raises(AccountError) as refused:
        responsibility_assign(actor=leader, account=account, user=staff[0], role=RESPONDER)
    assert "er allerede svarer" in str(refused.value)
    with pytest.raises(AccountError) as refused:
        responsibility_assign(actor=leader, account=account, user=staff[0], role=BACKUP)
    assert "er allerede svarer" in str(refused.value)
    # Owner and responder at once is allowed.
    responsibility_assign(actor=leader, account=account, user=leader, role=RESPONDER)


def test_the_database_allows_one_open_row_per_account_user_and_role(
    leader: User, unit: Unit
) -> None:
    account = make_account(unit=unit, owner=leader)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_responsibility(account=account, user=leader, role=OWNER)


def test_a_closed_account_gets_no_new_responsibility(radmann_user: User, unit: Unit) -> None:
    account = make_account(unit=unit, status=AccountStatus.CLOSED)
    with pytest.raises(AccountError):
        responsibility_assign(
            actor=radmann_user, account=account, user=radmann_user, role=RESPONDER
        )


def test_ending_keeps_the_row_and_tells_the_person(
    leader: User, staff: list[User], unit: Unit
) -> None:
    account = make_account(unit=unit, owner=leader, responders=[staff[0]])
    row = Responsibility.objects.get(user=staff[0])
    responsibility_end(actor=leader, responsibility=row)
    row.refresh_from_db()
    assert row.ended_at is not None and row.ended_by == leader
    assert Notification.objects.get(recipient=staff[0]).subject.startswith("Du er ikke lenger")
    with pytest.raises(AccountError) as refused:
        responsibility_end(actor=leader, responsibility=row)
    assert "allerede avsluttet" in str(refused.value)
    assert Responsibility.objects.filter(account=account).count() == 2


def test_removing_the_last_owner_is_refused(
    personas: dict[str, Persona], leader: User, staff: list[User], unit: Unit
) -> None:
    account = make_account(unit=unit, owner=leader)
    owner_row = Responsibility.objects.get(account=account, role=OWNER)
    with pytest.raises(AccountError) as refused:
        responsibility_end(actor=leader, responsibility=owner_row)
    assert "Den siste eieren kan ikke fjernes" in str(refused.value)
    # Through the page: a message, and the owner is still there.
    response = personas["leder"].client.post(
        f"/kontoer/ansvar/{owner_row.pk}/avslutt/", follow=True
    )
    assert "Den siste eieren kan ikke fjernes" in response.text
    owner_row.refresh_from_db()
    assert owner_row.ended_at is None
    # With a second owner, the first can go.
    responsibility_assign(actor=leader, account=account, user=staff[0], role=OWNER)
    responsibility_end(actor=leader, responsibility=owner_row)


def test_coverage_needs_an_owner_and_two_distinct_people_who_answer(
    leader: User, staff: list[User], unit: Unit
) -> None:
    account = make_account(unit=unit)
    coverage = account_coverage(account=account)
    assert not coverage.ok and coverage.flagged
    assert not coverage.has_owner and coverage.answerers_missing == 2
    responsibility_assign(actor=leader, account=account, user=leader, role=OWNER)
    responsibility_assign(actor=leader, account=account, user=staff[0], role=RESPONDER)
    coverage = account_coverage(account=account)
    assert coverage.has_owner and coverage.answerers_count == 1 and coverage.flagged
    assert list(accounts_below_coverage()) == [account]
    responsibility_assign(actor=leader, account=account, user=staff[1], role=BACKUP)
    coverage = account_coverage(account=account)
    assert coverage.ok and not coverage.flagged
    assert not accounts_below_coverage().exists()
    # Ending a responder drops it below again.
    responsibility_end(
        actor=leader, responsibility=Responsibility.objects.get(user=staff[0], role=RESPONDER)
    )
    assert list(accounts_below_coverage()) == [account]


def test_the_owner_alone_does_not_count_as_an_answerer(leader: User, unit: Unit) -> None:
    account = make_account(unit=unit, owner=leader, responders=[leader])
    coverage = account_coverage(account=account)
    assert coverage.answerers_count == 1 and coverage.flagged


def test_suspended_and_closed_accounts_are_not_flagged(unit: Unit) -> None:
    suspended = make_account(unit=unit, status=AccountStatus.SUSPENDED)
    closed = make_account(unit=unit, status=AccountStatus.CLOSED)
    assert not account_coverage(account=suspended).flagged
    assert not account_coverage(account=closed).flagged
    assert not accounts_below_coverage().exists()


def test_history_shows_who_was_responsible_on_a_past_date(
    leader: User, staff: list[User], unit: Unit
) -> None:
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=OSLO), tick=False):
        account = make_account(unit=unit, owner=leader, responders=[staff[0]])
    with time_machine.travel(datetime(2026, 3, 10, 12, 0, tzinfo=OSLO), tick=False):
        responsibility_assign(actor=leader, account=account, user=staff[1], role=RESPONDER)
        responsibility_end(actor=leader, responsibility=Responsibility.objects.get(user=staff[0]))

    def names(day: date) -> set[str]:
        return {r.user.username for r in responsibilities_on_date(account=account, day=day)}

    assert names(date(2026, 3, 1)) == set()
    assert names(date(2026, 3, 5)) == {"leder", "laerer1"}
    # The day of the change: both were responsible during it.
    assert names(date(2026, 3, 10)) == {"leder", "laerer1", "laerer2"}
    assert names(date(2026, 3, 11)) == {"leder", "laerer2"}
    before = responsibilities_at(account=account, moment=datetime(2026, 3, 10, 11, 0, tzinfo=OSLO))
    assert {r.user.username for r in before} == {"leder", "laerer1"}


def test_account_page_answers_who_was_responsible_on_a_date(
    personas: dict[str, Persona], leader: User, staff: list[User], unit: Unit
) -> None:
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=OSLO), tick=False):
        account = make_account(unit=unit, owner=leader, responders=[staff[0]])
    client = personas["ordforer"].client
    response = client.get(f"/kontoer/{account.pk}/", {"dato": "2026-03-05"})
    assert "Ansvarlige 5. mars 2026" in response.text
    response = client.get(f"/kontoer/{account.pk}/", {"dato": "2026-02-01"})
    assert "Ingen hadde ansvar for kontoen den datoen." in response.text


def test_check_in_and_closing_request_predicates(
    leader: User, other_leader: User, staff: list[User], unit: Unit
) -> None:
    account = make_account(unit=unit, owner=staff[2], responders=[staff[0]], backups=[staff[1]])
    assert can_check_in(staff[0], account) and can_check_in(staff[1], account)
    assert can_check_in(staff[2], account)
    assert not can_check_in(leader, account)
    assert can_request_closing(staff[2], account) and can_request_closing(leader, account)
    assert not can_request_closing(staff[0], account)
    assert not can_request_closing(other_leader, account)
    assert list(accounts_for_responder(user=staff[1])) == [account]
    assert not accounts_for_responder(user=leader).exists()
