"""Crisis mode in a real browser: the kriseleder starts it (with the confirmation step),
updates the message and ends it; a member sees the banner on every page; every crisis page
passes axe in its normal, empty and error states."""

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import CrisisPeriod, CrisisStatus, MediaCommentChange, Post, PostStatus
from accounts.posts.media_comments import media_comments_apply
from moskenes_social.people.models import Unit
from standins.meta_graph import GraphStandIn
from tests.a11y import assert_accessible
from tests.accounts.factories import make_account
from tests.conftest import Persona
from tests.crisis.factories import make_crisis
from tests.factories import make_user
from tests.posts.conftest import IG_USER, instagram_connected
from tests.posts.factories import make_post

from .test_shell import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("moskenes_social.notifications.services._enqueue", lambda ids: None)


def _second_page(browser: Browser, live_server: LiveServer) -> Page:
    context = browser.new_context(
        base_url=live_server.url, locale="nb-NO", timezone_id="Europe/Oslo"
    )
    other = context.new_page()
    other.set_default_timeout(15_000)
    return other


def test_kriseleder_starts_updates_and_ends_crisis_mode_and_members_see_the_banner(
    page: Page,
    personas: dict[str, Persona],
    unit: Unit,
    browser_instance: Browser,
    live_server: LiveServer,
) -> None:
    make_account(unit=unit, name="Skolens Facebook-side", owner=make_user(username="eier"))
    make_account(unit=unit, name="Skolens Instagram")

    login(page, "kriseleder")
    page.get_by_role("link", name="Krise", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Krisemodus")
    expect(page.get_by_text("Krisemodus har aldri vært brukt.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Start krisemodus").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start krisemodus")
    assert_accessible(page)
    # The error state: chosen accounts, but none chosen.
    page.get_by_role("radio", name="Bare kontoene som er valgt nedenfor").check()
    page.get_by_role("button", name="Fortsett").click()
    expect(page.locator("#form-errors")).to_be_focused()
    expect(page.locator("#form-errors")).to_contain_text("Velg minst én konto")
    assert_accessible(page)

    page.get_by_label("Begrunnelse").fill("Flom i Reine sentrum")
    page.get_by_label("Det offisielle budskapet").fill("Fylkesvei 93 er stengt ved Reine.")
    page.get_by_label("Lenke til kommunens nettside").fill("https://www.example.org/flom")
    page.get_by_role("radio", name="Alle offisielle kontoer").check()
    page.get_by_role("button", name="Fortsett").click()

    # The confirmation says what will happen; nothing has started yet.
    expect(page.get_by_role("heading", level=1)).to_have_text("Bekreft: start krisemodus")
    expect(page.get_by_role("main")).to_contain_text("2 nå")
    expect(page.get_by_role("main")).to_contain_text("3 personer")
    assert not CrisisPeriod.objects.exists()
    assert_accessible(page)
    page.get_by_role("button", name="Start krisemodus nå").click()

    expect(page.get_by_role("status").first).to_contain_text("Krisemodus er aktiv.")
    banner = page.get_by_role("region", name="Krisemodus")
    expect(banner).to_contain_text("Fylkesvei 93 er stengt ved Reine.")
    expect(banner).to_contain_text("ledet av")
    expect(page.get_by_role("heading", name="Versjon 1 (gjeldende)")).to_be_visible()
    assert_accessible(page)

    # A member without a role sees the banner on every page.
    other = _second_page(browser_instance, live_server)
    login(other, "no_role")
    for path in ["/", "/kontoer/", "/krise/"]:
        other.goto(path)
        expect(other.get_by_role("region", name="Krisemodus")).to_contain_text(
            "Fylkesvei 93 er stengt ved Reine."
        )
        assert_accessible(other)

    # Update the message: the error state (unchanged), then a new version.
    page.get_by_role("link", name="Oppdater det offisielle budskapet").click()
    expect(page.get_by_label("Det offisielle budskapet")).to_have_value(
        "Fylkesvei 93 er stengt ved Reine."
    )
    assert_accessible(page)
    page.get_by_role("button", name="Publiser den nye versjonen").click()
    expect(page.locator("#form-errors")).to_contain_text("Budskapet er uendret.")
    assert_accessible(page)
    page.get_by_label("Det offisielle budskapet").fill("Veien er åpnet for nyttetrafikk.")
    page.get_by_role("button", name="Publiser den nye versjonen").click()
    expect(page.get_by_role("heading", name="Versjon 2 (gjeldende)")).to_be_visible()
    expect(page.get_by_role("heading", name="Versjon 1", exact=True)).to_be_visible()
    other.reload()
    expect(other.get_by_role("region", name="Krisemodus")).to_contain_text(
        "Veien er åpnet for nyttetrafikk."
    )

    # End it: the error state (no summary), then the end.
    page.get_by_role("link", name="Avslutt krisemodus").click()
    assert_accessible(page)
    page.get_by_role("button", name="Avslutt krisemodus").click()
    expect(page.locator("#form-errors")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Oppsummering").fill("Veien ble åpnet igjen.")
    page.get_by_role("button", name="Avslutt krisemodus").click()
    expect(page.get_by_role("status").first).to_contain_text("Krisemodus er avsluttet.")
    expect(page.get_by_role("region", name="Krisemodus")).to_have_count(0)
    assert_accessible(page)
    assert CrisisPeriod.objects.get().status == CrisisStatus.ENDED

    other.reload()
    expect(other.get_by_role("region", name="Krisemodus")).to_have_count(0)
    other.goto("/krise/")
    expect(other.get_by_role("table")).to_contain_text("Flom i Reine sentrum")
    assert_accessible(other)
    other.context.close()


def test_crisis_lockout_from_start_to_end(
    page: Page,
    personas: dict[str, Persona],
    unit: Unit,
    browser_instance: Browser,
    live_server: LiveServer,
) -> None:
    """The issue's scenario: the kriseleder starts crisis mode; a responder sees the banner
    and is refused an answer; the kriseleder answers with the official message and ends
    the crisis; the responder can answer again."""
    responder = personas["kommunikasjon"].user
    assert responder is not None
    account = make_account(unit=unit, name="Skolens Facebook-side", responders=[responder])
    first = make_post(account=account, text="Er skolen stengt i morgen?")
    second = make_post(account=account, text="Hvor skal elevene møte?")

    login(page, "kriseleder")
    # The inbox's empty state: no crisis.
    page.goto("/krise/innboks/")
    expect(page.get_by_text("Ingen krise er aktiv.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Start", exact=True).click()
    page.get_by_role("link", name="Start krisemodus").click()
    page.get_by_label("Begrunnelse").fill("Flom i Reine sentrum")
    page.get_by_label("Det offisielle budskapet").fill("Skolen er stengt til fredag.")
    page.get_by_role("button", name="Fortsett").click()
    page.get_by_role("button", name="Start krisemodus nå").click()
    expect(page.get_by_role("status").first).to_contain_text("Krisemodus er aktiv.")

    # The responder: the banner, the posts readable, no answer button, and a refusal.
    other = _second_page(browser_instance, live_server)
    login(other, "kommunikasjon")
    expect(other.get_by_role("region", name="Krisemodus")).to_contain_text(
        "Skolen er stengt til fredag."
    )
    other.goto(f"/innlegg/{first.pk}/")
    expect(other.get_by_text("Er skolen stengt i morgen?")).to_be_visible()
    expect(other.get_by_role("note")).to_contain_text("Krisemodus er aktiv.")
    expect(other.get_by_role("link", name="Registrer svaret")).to_have_count(0)
    assert_accessible(other)
    other.goto(f"/innlegg/{first.pk}/svar/")
    expect(other.get_by_role("heading", level=1)).to_have_text("Ingen tilgang")
    expect(other.get_by_role("main")).to_contain_text("bare kriseledelsen")
    assert_accessible(other)

    # The kriseleder answers the first post with the official message, in one step.
    page.get_by_role("link", name="Start", exact=True).click()
    page.get_by_role("region", name="Kriseberedskap").get_by_role(
        "link", name="Kriseinnboks"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kriseinnboks")
    inbox = page.get_by_role("table")
    expect(inbox).to_contain_text("Er skolen stengt i morgen?")
    expect(inbox).to_contain_text("Hvor skal elevene møte?")
    assert_accessible(page)
    page.get_by_role("link", name=f"Svar med det offisielle budskapet – innlegg {first.pk}").click()
    # The confirmation says where the answer will appear: not connected, in the app only.
    expect(page.get_by_role("main")).to_contain_text("registreres svaret bare i appen")
    page.get_by_role("button", name="Registrer svaret").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "er besvart med det offisielle budskapet"
    )
    expect(page.get_by_role("table")).not_to_contain_text("Er skolen stengt i morgen?")
    assert_accessible(page)
    first.refresh_from_db()
    assert (
        first.status == PostStatus.ANSWERED and first.answer_text == "Skolen er stengt til fredag."
    )

    # The kriseleder ends the crisis; the crisis page shows the post and its answer time.
    page.get_by_role("link", name="Start", exact=True).click()
    page.get_by_role("region", name="Kriseberedskap").get_by_role(
        "link", name="Avslutt krisemodus"
    ).click()
    page.get_by_label("Oppsummering").fill("Skolen åpnet igjen fredag.")
    page.get_by_role("button", name="Avslutt krisemodus").click()
    expect(page.get_by_role("status").first).to_contain_text("Krisemodus er avsluttet.")
    expect(page.get_by_role("region", name="Krisemodus")).to_have_count(0)
    posts = page.get_by_role("region", name="Innlegg under krisen")
    expect(posts).to_contain_text("med det offisielle budskapet")
    assert_accessible(page)

    # The responder answers the other post again as usual.
    other.goto(f"/innlegg/{second.pk}/")
    expect(other.get_by_role("region", name="Krisemodus")).to_have_count(0)
    other.get_by_role("link", name="Registrer svaret").click()
    other.get_by_label("Svaret som ble gitt").fill("Ved Sørvågen skole kl. 08.")
    other.get_by_role("button", name="Registrer svaret").click()
    expect(other.get_by_role("status").first).to_contain_text("Svaret er registrert.")
    assert Post.objects.get(pk=second.pk).answered_by == responder
    other.context.close()


def test_the_crisis_team_turns_instagram_comments_off_on_chosen_posts(
    page: Page,
    personas: dict[str, Persona],
    unit: Unit,
    meta_graph: GraphStandIn,
    settings: Any,
) -> None:
    owner = make_user(username="eier", unit=unit)
    account = instagram_connected(meta_graph, settings, unit=unit, owner=owner, responders=[owner])
    media = meta_graph.instagram_media_add(IG_USER, "Kulturkveld i Reine")
    crisis = make_crisis(started_by=personas["kriseleder"].user)

    login(page, "kriseleder")
    page.goto(f"/krise/{crisis.pk}/")
    page.get_by_role("link", name=f"Slå av kommentarer på innlegg fra {account.name}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(account.name)
    assert_accessible(page)
    # The error state: nothing ticked.
    page.get_by_role("button", name="Slå av kommentarer").click()
    expect(page.locator("#form-errors")).to_be_focused()
    expect(page.locator("#form-errors")).to_contain_text("Velg minst ett innlegg")
    assert_accessible(page)
    page.get_by_role("checkbox", name="Kulturkveld i Reine").check()
    page.get_by_role("button", name="Slå av kommentarer").click()
    expect(page.get_by_text("Kommentarene slås av på 1 innlegg.")).to_be_visible()
    change = MediaCommentChange.objects.get()
    assert (change.media_id, change.enabled_before) == (media["id"], True)
    media_comments_apply(crisis_id=crisis.pk)
    page.reload()
    expect(page.locator("#crisis-instagram").locator("..")).to_contain_text("Slått av")
    assert_accessible(page)
    assert meta_graph.state()["posts"][media["id"]]["comment_enabled"] is False
