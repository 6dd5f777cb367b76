"""The start page tells a person without a role what they are responsible for."""

import pytest
from django.utils import translation

from moskenes_social.people.models import Unit
from tests.accounts.factories import make_account
from tests.conftest import Persona

pytestmark = pytest.mark.django_db

NO_ROLE = "Du har ingen rolle i løsningen ennå"


def test_someone_who_answers_for_accounts_is_not_told_they_have_no_role(
    personas: dict[str, Persona], unit: Unit
) -> None:
    staff = personas["no_role"]
    assert staff.user is not None
    for _n in range(4):
        make_account(unit=unit, responders=[staff.user])
    with translation.override("nb"):
        page = staff.client.get("/").text
    assert NO_ROLE not in page
    assert "Du har ansvar for 4 kontoer, som eier, svarer eller reserve." in page
    assert 'href="/kontoer/?mine=on"' in page


def test_someone_without_role_or_account_is_told_to_ask(personas: dict[str, Persona]) -> None:
    assert NO_ROLE in personas["no_role"].client.get("/").text
