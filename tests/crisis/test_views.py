"""Crisis pages: start with a confirmation step, update, end, history, banner, menu."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import (
    AccountStatus,
    ActionKind,
    ActionState,
    CrisisPeriod,
    CrisisStatus,
    MediaCommentChange,
    PageTaskChange,
    PlatformAction,
)
from moskenes_social.people.models import Unit
from policy.selectors import policy_in_force
from tests.accounts.factories import make_account
from tests.conftest import Persona
from tests.factories import make_user

from .conftest import persona_user
from .factories import make_crisis

pytestmark = pytest.mark.django_db

START = {
    "reason": "Flom i Reine",
    "message_text": "Fylkesveien er stengt.",
    "message_link": "https://www.example.org/flom",
    "covers_all_accounts": "1",
}


def _client(personas: dict[str, Persona], name: str) -> Client:
    return personas[name].client


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("moskenes_social.notifications.services._enqueue", lambda ids: None)


# --- Start ----------------------------------------------------------------------------------


def test_start_asks_for_confirmation_saying_what_will_happen(
    personas: dict[str, Persona], unit: Unit
) -> None:
    make_account(unit=unit, name="Skolens side", owner=make_user(username="eier"))
    make_account(unit=unit, name="Nedlagt", status=AccountStatus.CLOSED)
    client = _client(personas, "kriseleder")
    assert "Start krisemodus" in client.get("/krise/start/").text
    response = client.post("/krise/start/", START)
    assert response.status_code == 200
    assert not CrisisPeriod.objects.exists()
    text = response.text
    assert "Bekreft: start krisemodus" in text
    assert "Skolens side" in text and "Nedlagt" not in text
    # eier, kriseleder, ordforer
    assert "3 personer" in text
    assert "bare kriseledelsen" in text
    assert 'name="confirmed" value="on"' in text
    assert 'type="hidden" name="message_text" value="Fylkesveien er stengt."' in text

    response = client.post("/krise/start/", {**START, "confirmed": "on"})
    crisis = CrisisPeriod.objects.get()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/krise/{crisis.pk}/"
    assert crisis.started_by == persona_user(personas, "kriseleder")
    assert crisis.messages.get().text == "Fylkesveien er stengt."


def test_going_back_from_the_confirmation_keeps_what_was_written_and_starts_nothing(
    personas: dict[str, Persona],
) -> None:
    client = _client(personas, "ordforer")
    response = client.post("/krise/start/", {**START, "confirmed": "on", "edit": "1"})
    assert response.status_code == 200
    assert not CrisisPeriod.objects.exists()
    assert "Fylkesveien er stengt.</textarea>" in response.text
    # The form posted again goes to the confirmation again, not straight to the start.
    assert 'name="confirmed" value="on"' not in response.text


def test_start_form_errors(personas: dict[str, Persona], unit: Unit) -> None:
    client = _client(personas, "kriseleder")
    response = client.post("/krise/start/", {"covers_all_accounts": "0"})
    assert response.status_code == 200
    assert 'id="form-errors"' in response.text
    assert "Velg minst én konto, eller alle kontoer." in response.text
    assert not CrisisPeriod.objects.exists()


def test_start_with_chosen_accounts(personas: dict[str, Persona], unit: Unit) -> None:
    chosen = make_account(unit=unit, name="Valgt konto")
    make_account(unit=unit, name="Annen konto")
    client = _client(personas, "kriseleder")
    data = {**START, "covers_all_accounts": "0", "accounts": [chosen.pk]}
    confirm = client.post("/krise/start/", data).text
    assert "Valgt konto" in confirm and "Annen konto" not in confirm
    assert f'name="accounts" value="{chosen.pk}"' in confirm
    client.post("/krise/start/", {**data, "confirmed": "on"})
    crisis = CrisisPeriod.objects.get()
    assert not crisis.covers_all_accounts and list(crisis.accounts.all()) == [chosen]


def test_start_while_a_crisis_is_active_points_to_it(personas: dict[str, Persona]) -> None:
    crisis = make_crisis(started_by=persona_user(personas, "ordforer"))
    client = _client(personas, "kriseleder")
    text = client.get("/krise/start/").text
    assert "Krisemodus er allerede aktiv" in text and f"/krise/{crisis.pk}/" in text
    client.post("/krise/start/", {**START, "confirmed": "on"})
    assert CrisisPeriod.objects.count() == 1


# --- Update and end -------------------------------------------------------------------------


def test_update_publishes_a_new_version(personas: dict[str, Persona]) -> None:
    crisis = make_crisis(started_by=persona_user(personas, "kriseleder"))
    client = _client(personas, "ordforer")
    assert "Følg kommunens nettside" in client.get(f"/krise/{crisis.pk}/budskap/").text
    response = client.post(
        f"/krise/{crisis.pk}/budskap/", {"text": "Veien er åpen.", "link": ""}, follow=True
    )
    assert "Det offisielle budskapet er oppdatert." in response.text
    assert "Versjon 2 (gjeldende)" in response.text and "Versjon 1" in response.text
    assert crisis.messages.count() == 2


def test_the_form_refuses_an_official_message_over_1000_characters(
    personas: dict[str, Persona],
) -> None:
    crisis = make_crisis(started_by=persona_user(personas, "kriseleder"))
    client = _client(personas, "kriseleder")
    page = client.get(f"/krise/{crisis.pk}/budskap/").text
    assert 'maxlength="1000"' in page
    response = client.post(f"/krise/{crisis.pk}/budskap/", {"text": "x" * 6_903, "link": ""})
    assert "Sørg for at denne verdien har 1000 eller færre tegn (den har nå 6903)." in (
        response.text
    )
    assert crisis.messages.count() == 1


def test_update_of_an_unchanged_message_shows_the_error(personas: dict[str, Persona]) -> None:
    crisis = make_crisis(messages=["Samme"])
    response = _client(personas, "kriseleder").post(
        f"/krise/{crisis.pk}/budskap/", {"text": "Samme", "link": ""}
    )
    assert "Budskapet er uendret." in response.text
    assert crisis.messages.count() == 1


def test_end_with_a_summary(personas: dict[str, Persona]) -> None:
    crisis = make_crisis()
    client = _client(personas, "kriseleder")
    response = client.post(f"/krise/{crisis.pk}/avslutt/", {"summary": ""})
    assert 'id="form-errors"' in response.text
    response = client.post(f"/krise/{crisis.pk}/avslutt/", {"summary": "Over."}, follow=True)
    assert "Krisemodus er avsluttet." in response.text
    crisis.refresh_from_db()
    assert crisis.status == CrisisStatus.ENDED and crisis.summary == "Over."


@pytest.mark.parametrize("path", ["budskap", "avslutt"])
def test_an_ended_crisis_cannot_be_updated_or_ended(
    personas: dict[str, Persona], path: str
) -> None:
    crisis = make_crisis(active=False)
    assert _client(personas, "kriseleder").get(f"/krise/{crisis.pk}/{path}/").status_code == 403


def test_missing_crisis_is_404(personas: dict[str, Persona]) -> None:
    for path in ["/krise/99/", "/krise/99/budskap/", "/krise/99/avslutt/"]:
        assert _client(personas, "kriseleder").get(path).status_code == 404


# --- History --------------------------------------------------------------------------------


def test_history_lists_every_crisis_and_has_an_empty_state(personas: dict[str, Persona]) -> None:
    client = _client(personas, "no_role")
    assert "Krisemodus har aldri vært brukt." in client.get("/krise/").text
    make_crisis(active=False, messages=["En", "To"])
    make_crisis()
    text = client.get("/krise/").text
    assert "2 kriser" in text and "Aktiv" in text
    assert "Start krisemodus" not in text


def test_crisis_page_shows_when_who_versions_and_accounts(
    personas: dict[str, Persona], unit: Unit
) -> None:
    account = make_account(unit=unit, name="Skolens side")
    crisis = make_crisis(active=False, accounts=[account], messages=["Første", "Andre"])
    text = _client(personas, "no_role").get(f"/krise/{crisis.pk}/").text
    assert "Versjon 2 (gjeldende)" in text and "Versjon 1" in text
    assert text.index("Andre") < text.index("Første")
    assert "Skolens side" in text and "Over." in text
    assert "Oppdater det offisielle budskapet" not in text


def test_history_and_crisis_page_queries_do_not_grow(
    personas: dict[str, Persona], unit: Unit, django_assert_max_num_queries: Any
) -> None:
    client = _client(personas, "kriseleder")
    first = make_crisis(active=False, accounts=[make_account(unit=unit)])
    # A running process has parsed the guideline in force already (policy.selectors).
    policy_in_force()
    few_list = _queries(client, "/krise/")
    few_page = _queries(client, f"/krise/{first.pk}/")
    for _ in range(10):
        make_crisis(active=False, accounts=[make_account(unit=unit)])
    crisis = make_crisis(
        active=False,
        accounts=[make_account(unit=unit) for _ in range(5)],
        messages=[f"Versjon {n}" for n in range(8)],
    )
    for account in crisis.accounts.all():
        # What it published of its message on the accounts' Pages.
        PlatformAction.objects.create(
            account=account,
            crisis=crisis,
            kind=ActionKind.PUBLISH,
            state=ActionState.DONE,
            sent_at=timezone.now(),
            target_id="100000000000001",
            text="Versjon 0",
            requested_by=crisis.started_by,
        )
        # Whose Page tasks it took away.
        PageTaskChange.objects.create(
            crisis=crisis,
            account=account,
            user=crisis.started_by,
            scoped_id=str(9000 + account.pk),
            page_id="100000000000001",
            tasks_before=["CREATE_CONTENT", "MODERATE"],
        )
        # Which of its Instagram posts' comments it turned off.
        MediaCommentChange.objects.create(
            crisis=crisis,
            account=account,
            media_id=str(17_900_000 + account.pk),
            caption="Stengt",
            requested_by=crisis.started_by,
            enabled_before=True,
        )
    assert _queries(client, "/krise/") == few_list
    assert _queries(client, f"/krise/{crisis.pk}/") == few_page
    with django_assert_max_num_queries(8):
        client.get("/krise/")
    with django_assert_max_num_queries(13):
        client.get(f"/krise/{crisis.pk}/")


# --- Banner, menu, start page ---------------------------------------------------------------


def test_every_members_page_shows_the_banner_while_a_crisis_is_active(
    personas: dict[str, Persona],
) -> None:
    client = _client(personas, "no_role")
    assert "crisis-banner" not in client.get("/").text
    leader = persona_user(personas, "kriseleder")
    crisis = make_crisis(started_by=leader, messages=["Gammelt", "Veien er stengt."])
    crisis.messages.filter(version=2).update(link="https://www.example.org/flom")
    for path in ["/", "/kontoer/", "/varsler/", "/veileder/"]:
        text = client.get(path).text
        assert "crisis-banner" in text, path
        assert f"ledet av {leader}" in text
        assert "Veien er stengt." in text and "Gammelt" not in text
        assert "https://www.example.org/flom" in text
        assert text.index("crisis-banner") < text.index("<h1")
    # Anonymous pages (login, the publicly cached register) do not show it.
    assert "crisis-banner" not in _client(personas, "anonymous").get("/register/").text


def test_the_banner_costs_one_query(personas: dict[str, Persona]) -> None:
    client = _client(personas, "no_role")
    quiet = _queries(client, "/kontoer/")
    make_crisis()
    assert _queries(client, "/kontoer/") == quiet


@pytest.mark.parametrize(
    ("name", "shown"),
    [("kriseleder", True), ("ordforer", True), ("radmann", False), ("no_role", False)],
)
def test_menu_entry_and_start_panel_for_the_crisis_roles(
    personas: dict[str, Persona], name: str, shown: bool
) -> None:
    text = _client(personas, name).get("/").text
    assert ('href="/krise/">Krise</a>' in text) is shown
    assert ('id="panel-crisis"' in text) is shown
    if shown:
        assert "Ingen krise er aktiv." in text and 'href="/krise/start/"' in text


def test_start_panel_while_active_offers_update_and_end(personas: dict[str, Persona]) -> None:
    crisis = make_crisis()
    text = _client(personas, "ordforer").get("/").text
    assert f'href="/krise/{crisis.pk}/budskap/"' in text
    assert f'href="/krise/{crisis.pk}/avslutt/"' in text
