"""Who leads which unit: asked once per user object, as the roles are."""

from typing import Any

import pytest

from moskenes_social.people.permissions import leads_unit
from tests.factories import make_unit, make_user

pytestmark = pytest.mark.django_db


def test_a_leader_leads_their_units_only(django_assert_num_queries: Any) -> None:
    school, harbour, town_hall = make_unit(), make_unit(), make_unit()
    leader = make_user()
    school.leaders.add(leader)
    harbour.leaders.add(leader)
    with django_assert_num_queries(1):
        decided = [
            leads_unit(leader, unit_id) for unit_id in (school.pk, harbour.pk, town_hall.pk, None)
        ]
    assert decided == [True, True, False, False]
    # Another user object (the next request) asks again and sees what changed.
    town_hall.leaders.add(leader)
    fresh = type(leader).objects.get(pk=leader.pk)
    assert leads_unit(fresh, town_hall.pk)


def test_an_inactive_user_leads_nothing(django_assert_num_queries: Any) -> None:
    unit = make_unit()
    former = make_user(is_active=False)
    unit.leaders.add(former)
    with django_assert_num_queries(0):
        assert not leads_unit(former, unit.pk)
