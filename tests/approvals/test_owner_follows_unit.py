"""The responsible leader of a request is a leader of its unit; once approved, the owner
sees the account on the start page and may give responsibility for it."""

import pytest

from approvals.models import AccountRequest
from approvals.services import RequestError, request_submit
from moskenes_social.people.roles import Role
from tests.accounts.factories import make_account
from tests.approvals.factories import make_draft
from tests.conftest import Persona
from tests.factories import make_unit, make_user

pytestmark = pytest.mark.django_db


def test_the_leaders_are_offered_under_the_units_they_lead(personas: dict[str, Persona]) -> None:
    other = make_unit(name="Sørvågen barnehage", slug="sorvagen")
    styrer = make_user(
        username="styrer", first_name="Stine", last_name="Styrer", roles=[Role.LEADER]
    )
    other.leaders.add(styrer)
    page = personas["kommunikasjon"].client.get("/soknader/ny/").content.decode()
    field = page.split('name="responsible_leader"', 1)[1].split("</select>", 1)[0]
    assert '<optgroup label="Sørvågen barnehage">' in field
    assert '<optgroup label="Reine skole">' in field
    assert field.index("Stine Styrer") > field.index('<optgroup label="Sørvågen barnehage">')
    assert field.split('<optgroup label="Sørvågen barnehage">')[0].count("Stine Styrer") == 0


def test_a_leader_of_another_unit_is_refused_and_nothing_is_saved(
    personas: dict[str, Persona], unit: object
) -> None:
    other = make_unit(name="Sørvågen barnehage", slug="sorvagen")
    styrer = make_user(
        username="styrer", first_name="Stine", last_name="Styrer", roles=[Role.LEADER]
    )
    other.leaders.add(styrer)
    response = personas["kommunikasjon"].client.post(
        "/soknader/ny/",
        {"name": "Skolen", "unit": unit.pk, "responsible_leader": styrer.pk, "save": "1"},  # type: ignore[attr-defined]
    )
    assert response.status_code == 200
    assert "Stine Styrer er ikke leder for Reine skole" in response.content.decode()
    assert not AccountRequest.objects.exists()


def test_submit_refuses_a_leader_of_another_unit(personas: dict[str, Persona]) -> None:
    staff, leader = personas["kommunikasjon"].user, personas["leder"].user
    assert staff and leader and leader.unit
    other = make_unit(name="Sørvågen barnehage", slug="sorvagen")
    draft = make_draft(requester=staff, unit=other, leader=leader)
    with pytest.raises(RequestError) as refused:
        request_submit(actor=staff, request=draft, acknowledged=True)
    assert "responsible_leader" in refused.value.message_dict


def test_an_owner_sees_an_account_of_another_unit_and_may_give_responsibility(
    personas: dict[str, Persona],
) -> None:
    leader = personas["leder"].user
    assert leader is not None
    other = make_unit(name="Sørvågen barnehage", slug="sorvagen")
    owned = make_account(unit=other, name="Barnehagens side", owner=leader)
    answered = make_account(unit=other, name="Bare svarer", responders=[leader])
    client = personas["leder"].client
    home = client.get("/").content.decode()
    assert "Barnehagens side" in home
    assert "Bare svarer" in home
    assert f"/kontoer/{owned.pk}/ansvar/" in home
    assert f"/kontoer/{answered.pk}/ansvar/" not in home
    assert "Gi ansvar" in client.get(f"/kontoer/{owned.pk}/").content.decode()
    assert client.get(f"/kontoer/{owned.pk}/ansvar/").status_code == 200
    assert client.get(f"/kontoer/{answered.pk}/ansvar/").status_code == 403
