"""Which version is in force, and what the app reads from it (policy/selectors.py)."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from pytest_django import DjangoAssertNumQueries

from moskenes_social.people.models import User
from moskenes_social.people.roles import Role
from moskenes_social.worktime import OSLO, WorkingDay
from policy.models import VersionStatus
from policy.selectors import (
    NoVersionInForceError,
    acknowledgement_due,
    acknowledgements_of,
    policy_in_force,
    version_in_force,
)
from policy.services import acknowledgement_create
from tests.conftest import Persona

from .factories import adopt, in_force, make_draft

pytestmark = pytest.mark.django_db


def oslo(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=OSLO)


@pytest.fixture
def radmann_user(personas: dict[str, Persona]) -> User:
    user = personas["radmann"].user
    assert user is not None
    return user


def test_version_1_is_in_force_as_adopted_by_amu() -> None:
    version = in_force()
    assert (version.number, version.status, version.adopted_by) == (1, VersionStatus.ADOPTED, "AMU")
    assert version.adopted_on == dt.date(2015, 12, 14)
    assert version.effective_from == dt.date(2015, 12, 14)
    assert version.rules.count() == 44


def test_policy_in_force_reads_version_1() -> None:
    policy = policy_in_force()
    assert policy.version_number == 1
    assert policy.answer_deadline_working_hours == 8.0
    assert policy.working_day == WorkingDay(start=dt.time(8, 0), end=dt.time(15, 30))
    assert [stage.code for stage in policy.reminder_stages] == ["due", "escalation"]
    assert policy.crisis_leader_roles == frozenset({Role.MAYOR, Role.CRISIS_LEADER})
    assert policy.always_answer == frozenset({"complaint", "factual_error"})
    assert set(policy.topics) == {
        "sensitive",
        "rumours",
        "other_municipalities",
        "reorganisation_economy_budget",
        "internal",
    }
    assert len(policy.registration_questions) == 11


def test_nothing_is_in_force_before_version_1() -> None:
    assert version_in_force(at=oslo(2015, 12, 13, 23, 59)) is None
    assert version_in_force(at=oslo(2015, 12, 14, 0, 0)) == in_force()
    with pytest.raises(NoVersionInForceError, match="0002"):
        policy_in_force(at=oslo(2015, 12, 13, 12, 0))


@time_machine.travel(dt.datetime(2024, 1, 15, 12, 0, tzinfo=dt.UTC), tick=False)
def test_a_version_adopted_for_the_future_takes_over_on_its_date(radmann_user: User) -> None:
    v2 = adopt(
        actor=radmann_user,
        version=make_draft(actor=radmann_user),
        adopted_on=dt.date(2024, 1, 10),
        effective_from=dt.date(2024, 3, 1),
    )
    # Superseded already, but still in force until the new version's date.
    assert in_force().number == 1
    assert in_force().status == VersionStatus.SUPERSEDED
    assert version_in_force(at=oslo(2024, 2, 29, 23, 59)).number == 1  # type: ignore[union-attr]
    assert version_in_force(at=oslo(2024, 3, 1, 0, 0)) == v2
    assert policy_in_force(at=oslo(2024, 3, 1, 8, 0)).version_number == 2
    # History stays answerable: in 2016 version 1 was in force.
    assert version_in_force(at=oslo(2016, 6, 1, 12, 0)).number == 1  # type: ignore[union-attr]


@time_machine.travel(dt.datetime(2024, 1, 15, 12, 0, tzinfo=dt.UTC), tick=False)
def test_two_versions_on_the_same_day_the_later_number_wins(radmann_user: User) -> None:
    v2 = adopt(
        actor=radmann_user,
        version=make_draft(actor=radmann_user),
        effective_from=dt.date(2024, 1, 15),
    )
    assert in_force() == v2
    v3 = adopt(
        actor=radmann_user,
        version=make_draft(actor=radmann_user),
        effective_from=dt.date(2024, 1, 15),
    )
    assert in_force() == v3


def test_a_draft_is_never_in_force(radmann_user: User) -> None:
    make_draft(actor=radmann_user)
    assert in_force().number == 1


def test_acknowledgement_due_until_acknowledged(
    personas: dict[str, Persona], django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    user = personas["kommunikasjon"].user
    other = personas["ordforer"].user
    assert user is not None and other is not None
    version = in_force()
    with django_assert_num_queries(1):
        due = acknowledgement_due(user=user)
    assert due == version and (due.number, due.effective_from) == (1, version.effective_from)
    acknowledgement_create(user=user, version=version)
    with django_assert_num_queries(1):
        assert acknowledgement_due(user=user) is None
    assert acknowledgement_due(user=other) == version
    with django_assert_num_queries(0):
        assert acknowledgement_due(user=AnonymousUser()) is None


def test_acknowledgements_list_every_active_user(personas: dict[str, Persona]) -> None:
    ordforer = personas["ordforer"].user
    assert ordforer is not None
    acknowledgement_create(user=ordforer, version=in_force())
    statuses = {s.user.username: s.acknowledged_at for s in acknowledgements_of(version=in_force())}
    assert set(statuses) == {
        "kommunikasjon",
        "radmann",
        "leder",
        "kriseleder",
        "ordforer",
        "no_role",
    }
    assert statuses["ordforer"] is not None
    assert statuses["leder"] is None


def test_an_adopted_version_is_parsed_once_per_process(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    first = policy_in_force()
    # The version in force is still looked up (an adoption may have changed it); its rules
    # are not read again.
    with django_assert_num_queries(1):
        again = policy_in_force()
    assert again is first
    with pytest.raises(TypeError):
        again.topics["new"] = again.topics["sensitive"]  # type: ignore[index]
