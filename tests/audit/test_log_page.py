"""The rådmann's log page: filtered by period, person, action, account and the reason's
words; each row links to what it concerns; the filtered rows as CSV; a constant number of
queries however long the log is."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from accounts.posts.services import post_register
from moskenes_social.audit.models import Event
from moskenes_social.audit.services import event_record
from moskenes_social.audit.targets import TARGET_PAGES, target_url
from moskenes_social.people.models import Unit
from tests.accounts.factories import make_account
from tests.conftest import Persona
from tests.factories import make_user

pytestmark = pytest.mark.django_db

URL = reverse("audit:list")
CSV_URL = reverse("audit:export")


def _shown(persona: Persona, query: dict[str, str]) -> list[Event]:
    response = persona.client.get(URL, query)
    assert response.status_code == 200
    return [event for event, *_rest in response.context["rows"]]


def test_the_log_filters_by_person_action_account_and_reason(radmann: Persona, unit: Unit) -> None:
    kari = make_user(username="kari", first_name="Kari", last_name="Nordmann")
    lofoten = make_account(unit=unit, name="Lofotbiblioteket")
    reine = make_account(unit=unit, name="Reine skole")
    suspended = event_record(
        actor=kari, action="accounts.account_suspended", target=lofoten, reason="Ferie i juli"
    )
    resumed = event_record(actor=radmann.user, action="accounts.account_resumed", target=reine)
    assert _shown(radmann, {"person": "kari nord"}) == [suspended]
    assert _shown(radmann, {"handling": "accounts.account_resumed"}) == [resumed]
    assert _shown(radmann, {"konto": "lofotbib"}) == [suspended]
    assert _shown(radmann, {"sok": "FERIE"}) == [suspended]
    assert _shown(radmann, {"sok": "vinter"}) == []


def test_the_log_filters_by_period_in_oslo_days(radmann: Persona) -> None:
    event = event_record(actor=radmann.user, action="x.y")
    today = timezone.localdate()
    assert _shown(radmann, {"fra": today.isoformat(), "til": today.isoformat()}) == [event]
    yesterday = (today - timedelta(days=1)).isoformat()
    assert _shown(radmann, {"til": yesterday}) == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"fra": "2003-12-31"}, "Datoen kan ikke være før 1. januar 2004."),
        ({"til": "9999-12-31"}, "Datoen ligger fram i tid."),
        ({"fra": "2026-02-30"}, "Oppgi en gyldig dato."),
        ({"fra": "2025-05-02", "til": "2025-05-01"}, "Periodens slutt kan ikke være før starten."),
        ({"handling": "finnes.ikke"}, "Velg et gyldig valg."),
        ({"sok": "x" * 101}, "100 eller færre tegn"),
    ],
)
def test_a_filter_out_of_range_is_refused_in_norwegian(
    radmann: Persona, query: dict[str, str], message: str
) -> None:
    response = radmann.client.get(URL, query)
    assert response.status_code == 200
    assert message in response.content.decode()
    csv_response = radmann.client.get(CSV_URL, query)
    assert csv_response["Content-Type"].startswith("text/html")


def test_each_row_links_to_its_account_post_or_request(radmann: Persona, unit: Unit) -> None:
    owner = make_user(username="eier")
    account = make_account(unit=unit, name="Lofotbiblioteket", owner=owner)
    post = post_register(
        actor=owner,
        account=account,
        author="Ola",
        text="Hemmelig innbyggertekst",
        posted_at=timezone.now(),
    )
    event_record(actor=radmann.user, action="accounts.account_suspended", target=account)
    html = radmann.client.get(URL).content.decode()
    assert f'href="{reverse("accounts:detail", args=[account.pk])}"' in html
    assert f'href="{reverse("posts:detail", args=[post.pk])}"' in html
    assert "Hemmelig innbyggertekst" not in html


def test_the_csv_holds_what_the_filter_shows_and_never_a_post_text(
    radmann: Persona, unit: Unit
) -> None:
    owner = make_user(username="eier")
    account = make_account(unit=unit, name="Lofotbiblioteket", owner=owner)
    post_register(
        actor=owner,
        account=account,
        author="Ola",
        text="Hemmelig innbyggertekst",
        posted_at=timezone.now(),
    )
    event_record(
        actor=radmann.user, action="accounts.account_suspended", target=account, reason="=1+2"
    )
    event_record(actor=radmann.user, action="x.y", reason="Annet")
    response = radmann.client.get(CSV_URL, {"konto": "lofotbib"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == ["Tidspunkt", "Hvem", "Handling", "Hva", "Begrunnelse", "Veilederens regel"]
    assert sorted(row[2] for row in rows[1:]) == ["Innlegg mottatt", "Konto stanset"]
    # A spreadsheet would run "=1+2" as a formula.
    assert "'=1+2" in [row[4] for row in rows[1:]]
    assert "Hemmelig innbyggertekst" not in text and "Annet" not in text


@pytest.mark.parametrize("query", [{}, {"person": "kari", "sok": "ferie", "fra": "2025-01-01"}])
def test_the_log_costs_the_same_queries_however_long_it_is(
    radmann: Persona,
    unit: Unit,
    django_assert_num_queries: DjangoAssertNumQueries,
    query: dict[str, str],
) -> None:
    kari = make_user(username="kari", first_name="Kari")
    account = make_account(unit=unit, name="Lofotbiblioteket")
    radmann.client.get(URL)  # the session and the caches, once
    for size in (3, 60):
        while Event.objects.count() < size:
            event_record(
                actor=kari, action="accounts.account_suspended", target=account, reason="Ferie"
            )
        with django_assert_num_queries(QUERIES):
            assert radmann.client.get(URL, query).status_code == 200


# Session, user, roles, the crisis banner, the unread notifications, the count, the page.
QUERIES = 7


@pytest.mark.parametrize(("kind", "page"), list(TARGET_PAGES.items()))
def test_every_target_page_names_a_model_and_a_url(
    kind: tuple[str, str], page: tuple[str, str]
) -> None:
    target_type = ContentType.objects.get_by_natural_key(*kind)
    name, argument = page
    event = Event(target_type=target_type, target_id="7")
    assert target_url(event) == reverse(name, kwargs={argument: 7})
    assert target_url(Event(target_type=target_type, target_id="²")) == ""
