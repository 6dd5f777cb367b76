"""Account pages: list and filters, account page, forms, overview, the leader's start page.

Query counts are pinned, and shown not to grow with the number of accounts.
"""

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Account, AccountStatus, Platform, ResponsibilityRole
from accounts.services import account_check_in
from moskenes_social.audit.services import event_record
from moskenes_social.people.models import Unit, User
from moskenes_social.worktime import OSLO
from tests.conftest import Persona
from tests.factories import make_user

from .factories import make_account, make_covered_account, make_responsibility

pytestmark = pytest.mark.django_db

AssertQueries = Callable[[int], AbstractContextManager[Any]]


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


# --- List -----------------------------------------------------------------------------------


def test_list_shows_every_account_with_coverage_and_filters(
    personas: dict[str, Persona], unit: Unit, other_unit: Unit
) -> None:
    make_covered_account(unit=unit, name="Skolesiden")
    make_account(unit=other_unit, name="Helsestasjonen", platform=Platform.INSTAGRAM)
    make_account(unit=unit, name="Gammel konto", status=AccountStatus.CLOSED)
    client = personas["no_role"].client
    text = client.get("/kontoer/").text
    assert "Skolesiden" in text and "Helsestasjonen" in text and "Gammel konto" in text
    assert "Dekning i orden" in text and "Mangler dekning" in text
    text = client.get("/kontoer/", {"platform": "instagram"}).text
    assert "Helsestasjonen" in text and "Skolesiden" not in text
    text = client.get("/kontoer/", {"unit": unit.name[2:].upper(), "status": "active"}).text
    assert "Skolesiden" in text and "Gammel konto" not in text and "Helsestasjonen" not in text
    # The unit filter is a search by name (no list of units), and keeps what was typed.
    assert f'value="{unit.name[2:].upper()}"' in text
    assert f'<option value="{other_unit.pk}"' not in text
    text = client.get("/kontoer/", {"platform": "tiktok"}).text
    assert "Ingen kontoer passer til filteret." in text


def test_list_filter_mine(personas: dict[str, Persona], unit: Unit) -> None:
    me = personas["kommunikasjon"].user
    assert me is not None
    make_account(unit=unit, name="Min konto", responders=[me])
    make_account(unit=unit, name="Annen konto")
    text = personas["kommunikasjon"].client.get("/kontoer/", {"mine": "on"}).text
    assert "Min konto" in text and "Annen konto" not in text


def test_list_pagination_keeps_the_filter(personas: dict[str, Persona], unit: Unit) -> None:
    for _ in range(30):
        make_account(unit=unit, platform=Platform.YOUTUBE)
    text = personas["leder"].client.get("/kontoer/", {"platform": "youtube"}).text
    assert "?platform=youtube&amp;side=2" in text


def test_list_empty_state(personas: dict[str, Persona]) -> None:
    text = personas["leder"].client.get("/kontoer/").text
    assert "Kommunen har ingen registrerte offisielle kontoer ennå." in text


def test_list_query_count_is_pinned_and_does_not_grow(
    personas: dict[str, Persona], unit: Unit, django_assert_max_num_queries: AssertQueries
) -> None:
    client = personas["leder"].client
    make_covered_account(unit=unit)
    few = _queries(client, "/kontoer/")
    for _ in range(24):
        make_covered_account(unit=make_user().unit)
    many = _queries(client, "/kontoer/")
    assert few == many
    with django_assert_max_num_queries(8):
        response = client.get("/kontoer/")
    assert response.text.count('<th scope="row">') == 25


# --- Account page ---------------------------------------------------------------------------


def test_account_page_shows_facts_people_history_and_log(
    personas: dict[str, Persona], leader: User, unit: Unit
) -> None:
    responder = make_user(username="svarer", first_name="Sverre", last_name="Svar")
    account = make_account(
        unit=unit,
        name="Reine skole",
        contact_person="Lise Leder",
        owner=leader,
        responders=[responder],
    )
    event_record(actor=leader, action="accounts.account_updated", target=account)
    text = personas["leder"].client.get(f"/kontoer/{account.pk}/").text
    assert "Lise Leder" in text and "Sverre Svar" in text
    assert "Mangler dekning" in text
    assert "Ansvarshistorikk" in text
    # Unit leader sees the log; someone without a part in the account does not.
    assert "De siste endringene på kontoen" in text and "<td>Endret</td>" in text
    assert "Hele loggen for" not in text  # one change: it is all on the page
    other = personas["no_role"].client.get(f"/kontoer/{account.pk}/").text
    assert "De siste endringene på kontoen" not in other


def test_the_account_page_shows_the_latest_ten_changes_and_the_log_page_all(
    personas: dict[str, Persona], leader: User, unit: Unit
) -> None:
    account = make_account(unit=unit, name="Reine skole", owner=leader)
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=OSLO), tick=False) as clock:
        for number in range(1, 61):
            clock.shift(60)
            event_record(
                actor=leader,
                action="accounts.account_updated",
                target=account,
                reason=f"Endring nummer {number}.",
            )
    client = personas["leder"].client
    text = client.get(f"/kontoer/{account.pk}/").text
    shown = [n for n in range(1, 61) if f"<td>Endring nummer {n}.</td>" in text]
    assert shown == list(range(51, 61))
    assert f'<a href="/kontoer/{account.pk}/logg/">Hele loggen for Reine skole</a>' in text
    # The log page: newest first, 50 a page.
    first = client.get(f"/kontoer/{account.pk}/logg/").text
    assert "<h1>Logg for Reine skole</h1>" in first
    assert first.index("Endring nummer 60.") < first.index("Endring nummer 11.")
    assert "Endring nummer 10." not in first and "Side 1 av 2" in first
    second = client.get(f"/kontoer/{account.pk}/logg/", {"side": 2}).text
    assert "Endring nummer 10." in second and "Endring nummer 1." in second
    assert "Endring nummer 11." not in second


def test_the_log_page_is_for_those_who_may_read_the_log(
    personas: dict[str, Persona], leader: User, unit: Unit
) -> None:
    account = make_account(unit=unit, owner=leader)
    response = personas["no_role"].client.get(f"/kontoer/{account.pk}/logg/")
    assert response.status_code == 403
    assert "kan lese loggen" in response.text
    assert personas["radmann"].client.get(f"/kontoer/{account.pk}/logg/").status_code == 200
    assert personas["radmann"].client.get("/kontoer/999999/logg/").status_code == 404


def test_the_log_page_query_count_does_not_grow_with_the_log(
    personas: dict[str, Persona], leader: User, unit: Unit
) -> None:
    account = make_account(unit=unit, owner=leader)
    event_record(actor=leader, action="accounts.account_updated", target=account)
    client = personas["leder"].client
    few = _queries(client, f"/kontoer/{account.pk}/logg/")
    for _ in range(60):
        event_record(actor=make_user(), action="accounts.account_updated", target=account)
    assert _queries(client, f"/kontoer/{account.pk}/logg/") == few


def test_missing_account_is_404(personas: dict[str, Persona]) -> None:
    assert personas["radmann"].client.get("/kontoer/999999/").status_code == 404
    assert personas["radmann"].client.post("/kontoer/ansvar/999999/avslutt/").status_code == 404


def test_account_page_query_count_does_not_grow_with_people(
    personas: dict[str, Persona],
    leader: User,
    unit: Unit,
    django_assert_num_queries: AssertQueries,
) -> None:
    client = personas["leder"].client
    account = make_account(unit=unit, owner=leader)
    client.get(f"/kontoer/{account.pk}/")  # warms the per-process content type cache
    few = _queries(client, f"/kontoer/{account.pk}/")
    for _ in range(10):
        make_responsibility(account=account, user=make_user(), role=ResponsibilityRole.RESPONDER)
    assert _queries(client, f"/kontoer/{account.pk}/") == few
    # The session, the user, the roles, the units the viewer leads, the account with its
    # unit and people, the open responsibilities, the history, the log, the unread count,
    # the crisis banner; and 3 for the posts section: how many posts are open, the
    # owner's ingest tokens and the Page connection (no crisis: the banner said so, the
    # lockout is not looked up).
    with django_assert_num_queries(13):
        client.get(f"/kontoer/{account.pk}/")


def test_check_in_from_the_account_page(personas: dict[str, Persona], unit: Unit) -> None:
    me = personas["kommunikasjon"].user
    assert me is not None
    account = make_account(unit=unit, responders=[me])
    client = personas["kommunikasjon"].client
    assert "Fulgt opp</button>" in client.get(f"/kontoer/{account.pk}/").text
    response = client.post(f"/kontoer/{account.pk}/fulgt-opp/", follow=True)
    assert "Registrert som fulgt opp." in response.text
    account.refresh_from_db()
    assert account.last_check_in_by == me
    # Someone not responsible does not see the button.
    assert (
        "Fulgt opp</button>" not in personas["ordforer"].client.get(f"/kontoer/{account.pk}/").text
    )


def test_overdue_follow_up_shows_on_the_page(
    personas: dict[str, Persona], radmann_user: User, unit: Unit
) -> None:
    me = personas["kommunikasjon"].user
    assert me is not None
    with time_machine.travel(datetime(2026, 11, 23, 9, 0, tzinfo=OSLO), tick=False):
        account = make_account(unit=unit, responders=[me])
        account_check_in(actor=me, account=account)
    with time_machine.travel(datetime(2026, 11, 25, 9, 0, tzinfo=OSLO), tick=False):
        text = personas["radmann"].client.get(f"/kontoer/{account.pk}/").text
        assert "Forfalt" in text
        overview = personas["radmann"].client.get("/kontoer/oversikt/").text
        assert account.name in overview and "Ikke fulgt opp i tide" in overview


# --- Forms ----------------------------------------------------------------------------------


def test_edit_form_changes_the_account(
    personas: dict[str, Persona], leader: User, unit: Unit
) -> None:
    account = make_account(unit=unit, owner=leader, name="Reine skole")
    client = personas["leder"].client
    response = client.post(
        f"/kontoer/{account.pk}/endre/",
        {"name": "Reine skole", "follow_up_interval_days": 2, "contact_email": "ikke-epost"},
    )
    assert response.status_code == 200 and 'id="form-errors"' in response.text
    response = client.post(
        f"/kontoer/{account.pk}/endre/",
        {"name": "Reine skole", "follow_up_interval_days": 2, "answer_deadline_working_hours": 4},
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.follow_up_interval_days == 2 and account.answer_deadline_working_hours == 4


def test_edit_of_a_closed_account_is_forbidden(personas: dict[str, Persona], unit: Unit) -> None:
    account = make_account(unit=unit, status=AccountStatus.CLOSED)
    assert personas["radmann"].client.get(f"/kontoer/{account.pk}/endre/").status_code == 403


def test_register_existing_form(personas: dict[str, Persona], leader: User, unit: Unit) -> None:
    client = personas["radmann"].client
    make_account(unit=unit, platform=Platform.FACEBOOK, handle="reineskole")
    data = {
        "unit": unit.pk,
        "platform": "facebook",
        "name": "Reine skole",
        "handle": "@ReineSkole",
        "follow_up_interval_days": 1,
        "owner": leader.pk,
        "note": "Fantes før veilederen",
    }
    response = client.post("/kontoer/registrer/", data)
    assert response.status_code == 200
    assert "Facebook har allerede en offisiell konto med brukernavnet ReineSkole." in response.text
    response = client.post("/kontoer/registrer/", {**data, "note": ""})
    assert 'id="form-errors"' in response.text
    response = client.post("/kontoer/registrer/", {**data, "handle": "reine.skole.sfo"})
    assert response.status_code == 302
    account = Account.objects.get(handle="reine.skole.sfo")
    assert account.origin_note == "Fantes før veilederen"


def test_suspend_and_resume_through_the_pages(personas: dict[str, Persona], unit: Unit) -> None:
    account = make_covered_account(unit=unit)
    client = personas["radmann"].client
    response = client.post(f"/kontoer/{account.pk}/stans/", {"reason": ""})
    assert response.status_code == 200 and 'id="form-errors"' in response.text
    response = client.post(f"/kontoer/{account.pk}/stans/", {"reason": "Sommer"})
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.status == AccountStatus.SUSPENDED
    response = client.post(f"/kontoer/{account.pk}/gjenoppta/", follow=True)
    assert "Kontoen er i bruk igjen." in response.text
    response = client.post(f"/kontoer/{account.pk}/gjenoppta/", follow=True)
    assert "Bare en stanset konto kan gjenopptas." in response.text


# --- Overview and the leader's start page ---------------------------------------------------


def test_overview_lists_accounts_below_coverage(
    personas: dict[str, Persona], unit: Unit, django_assert_max_num_queries: AssertQueries
) -> None:
    make_covered_account(unit=unit, name="Dekket konto")
    make_account(unit=unit, name="Udekket konto")
    make_account(unit=unit, name="Stanset konto", status=AccountStatus.SUSPENDED)
    client = personas["radmann"].client
    text = client.get("/kontoer/oversikt/").text
    assert "Udekket konto" in text
    assert "Dekket konto" not in text and "Stanset konto" not in text
    few = _queries(client, "/kontoer/oversikt/")
    for _ in range(10):
        make_account(unit=make_user().unit)
    assert _queries(client, "/kontoer/oversikt/") == few
    with django_assert_max_num_queries(7):
        client.get("/kontoer/oversikt/")


def test_overview_empty_state(personas: dict[str, Persona]) -> None:
    text = personas["radmann"].client.get("/kontoer/oversikt/").text
    assert "Alle aktive kontoer har en eier og minst to personer som kan svare." in text
    assert "Alle aktive kontoer er fulgt opp i tide." in text


def test_leader_start_page_lists_the_units_accounts_with_people_and_coverage(
    personas: dict[str, Persona], leader: User, unit: Unit, other_unit: Unit
) -> None:
    responder = make_user(username="svarer", first_name="Sverre", last_name="Svar")
    make_account(unit=unit, name="Reine skole", owner=leader, responders=[responder])
    make_account(unit=other_unit, name="Annen enhet")
    make_account(unit=unit, name="Nedlagt", status=AccountStatus.CLOSED)
    text = personas["leder"].client.get("/").text
    assert "Reine skole" in text and "Sverre Svar" in text and "Mangler dekning" in text
    assert "Annen enhet" not in text and "Nedlagt" not in text
    assert "?rolle=responder" in text


def test_leader_start_page_query_count_is_pinned_and_does_not_grow(
    personas: dict[str, Persona], unit: Unit, django_assert_max_num_queries: AssertQueries
) -> None:
    client = personas["leder"].client
    make_covered_account(unit=unit)
    few = _queries(client, "/")
    for _ in range(10):
        make_covered_account(unit=unit)
    assert _queries(client, "/") == few
    # Session, user, roles, unread count, notifications, guideline acknowledgement (2),
    # the unit's accounts with their people (2), the crisis banner.
    with django_assert_max_num_queries(10):
        response = client.get("/")
    assert response.text.count('<h3 class="h6 mb-1">') == 11


def test_start_page_without_accounts(personas: dict[str, Persona]) -> None:
    text = personas["leder"].client.get("/").text
    assert "Enhetene dine har ingen offisielle kontoer." in text
