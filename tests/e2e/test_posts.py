"""Posts in a real browser: a responder sees a new post come in through the ingest API,
answers it, and its reminder never comes. Every post page passes axe in its normal, empty
and error states."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import Account, Post, PostCategory, PostReminder, PostStatus
from accounts.posts.forms import INBOX_ACCOUNT_SELECT_LIMIT
from accounts.posts.reminders import post_reminders_send_due
from moskenes_social.notifications.models import Notification
from moskenes_social.pagination import CappedPaginator
from moskenes_social.people.models import Unit, User
from standins.meta_graph import GraphStandIn
from tests.a11y import assert_accessible
from tests.accounts.factories import make_account
from tests.conftest import Persona
from tests.posts.factories import make_post, make_token

from .test_shell import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    """Notifications are written; their e-mail tasks are not put on the broker."""
    monkeypatch.setattr("moskenes_social.notifications.services._enqueue", lambda ids: None)


def _user(personas: dict[str, Persona], name: str) -> User:
    user = personas[name].user
    assert user is not None
    return user


@pytest.fixture
def school_page(personas: dict[str, Persona], unit: Unit) -> Account:
    """Reine skole's Facebook page: the leader owns it, "kommunikasjon" answers."""
    return make_account(
        unit=unit,
        name="Skolens Facebook-side",
        owner=_user(personas, "leder"),
        responders=[_user(personas, "kommunikasjon")],
    )


def test_a_responder_sees_a_new_post_answers_it_and_no_reminder_comes(
    page: Page, personas: dict[str, Persona], school_page: Account
) -> None:
    login(page, "kommunikasjon")
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Innlegg").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Innlegg")
    expect(page.get_by_text("Ingen innlegg venter på svar.")).to_be_visible()
    assert_accessible(page)

    # A script delivers a post through the account's ingest API.
    _token, raw = make_token(account=school_page, created_by=_user(personas, "leder"))
    response = Client().post(
        f"/innlegg/api/kontoer/{school_page.pk}/",
        data=json.dumps(
            {
                "id": "fb-777",
                "author": "Foreldre Fredriksen",
                "text": "Når er neste foreldremøte?",
                "posted_at": timezone.localtime().isoformat(),
            }
        ),
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 201

    page.reload()
    inbox = page.get_by_role("table")
    expect(inbox).to_contain_text("Når er neste foreldremøte?")
    expect(inbox).to_contain_text("Ikke vurdert")
    assert_accessible(page)

    page.get_by_role("link", name="Når er neste foreldremøte?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Innlegg på Skolens Facebook-side")
    expect(page.get_by_text("Foreldre Fredriksen")).to_be_visible()
    assert_accessible(page)

    # Triage: a question that expects an answer.
    page.get_by_role("link", name="Vurder").click()
    assert_accessible(page)
    page.get_by_role("button", name="Lagre vurderingen").click()
    expect(page.locator("#form-errors")).to_be_focused()
    assert_accessible(page)
    page.get_by_role("radio", name="Spørsmål").check()
    page.get_by_role("radio", name="Ja").check()
    page.get_by_role("button", name="Lagre vurderingen").click()
    expect(page.get_by_role("status").first).to_contain_text("Innlegget er vurdert.")

    # Answer: first without text (error state), then as published.
    page.get_by_role("link", name="Registrer svaret").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrer svaret")
    assert_accessible(page)
    page.get_by_role("button", name="Registrer svaret").click()
    expect(page.locator("#form-errors")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Svaret som ble gitt").fill("Torsdag 3. desember kl. 18 i gymsalen.")
    page.get_by_label("Lenke til svaret").fill("https://www.facebook.com/fb-777-svar")
    page.get_by_role("button", name="Registrer svaret").click()
    expect(page.get_by_role("status").first).to_contain_text("Svaret er registrert.")
    expect(page.locator(".lead")).to_contain_text("Besvart")
    expect(page.get_by_text("Torsdag 3. desember kl. 18 i gymsalen.")).to_be_visible()
    assert_accessible(page)

    # The deadline passes, the reminder job runs: nothing comes.
    post = Post.objects.get(platform_id="fb-777")
    assert post.status == PostStatus.ANSWERED and post.next_reminder_at is None
    assert post_reminders_send_due(now=post.due_at + timedelta(days=5)) == 0
    assert not PostReminder.objects.exists()
    assert not Notification.objects.filter(recipient__username="kommunikasjon").exists()
    page.get_by_role("link", name="Varsler").click()
    expect(page.get_by_role("main")).not_to_contain_text("venter på svar")

    # Back in the inbox: nothing waits.
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Innlegg").click()
    expect(page.get_by_text("Ingen innlegg venter på svar.")).to_be_visible()


def test_post_pages_pass_axe_in_every_state(
    page: Page, personas: dict[str, Persona], school_page: Account
) -> None:
    overdue = make_post(
        account=school_page,
        text="Maten i kantina er kald hver dag!",
        category=PostCategory.COMPLAINT,
        posted_at=timezone.now() - timedelta(days=7),
    )
    answered = make_post(account=school_page, text="Takk for svar", status=PostStatus.ANSWERED)
    make_post(account=school_page, status=PostStatus.REMOVED, category=PostCategory.SENSITIVE)
    sensitive = make_post(account=school_page, text="Navn og diagnose", author="Ola")

    login(page, "kommunikasjon")
    page.goto("/innlegg/")
    expect(page.get_by_role("table")).to_contain_text("Forfalt")
    assert_accessible(page)
    for query in ["?status=answered", "?status=removed", "?kategori=rumours", "?status=closed"]:
        page.goto(f"/innlegg/{query}")
        assert_accessible(page)

    page.goto(f"/innlegg/{overdue.pk}/")
    expect(page.get_by_text("En klage eller en faktafeil besvares alltid.")).to_be_visible()
    assert_accessible(page)
    # Closing a complaint is refused by the guideline (error state).
    page.get_by_role("link", name="Lukk uten svar").click()
    assert_accessible(page)
    page.get_by_role("radio", name="Innlegget forventer ikke svar").check()
    page.get_by_role("button", name="Lukk innlegget").click()
    expect(page.locator("#form-errors")).to_contain_text("alltid besvares")
    assert_accessible(page)

    # Reopening needs a reason (error state).
    page.goto(f"/innlegg/{answered.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Åpne igjen").click()
    page.get_by_role("button", name="Åpne igjen").click()
    expect(page.locator("#form-errors")).to_be_visible()
    assert_accessible(page)

    # Removing a sensitive post: the confirmation, then the blanked page.
    page.goto(f"/innlegg/{sensitive.pk}/")
    page.get_by_role("link", name="Slett (sensitive opplysninger)").click()
    expect(page.get_by_text("Dette kan ikke angres.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Innlegget er slettet på plattformen: slett det her").click()
    expect(page.get_by_role("main")).not_to_contain_text("Navn og diagnose")
    expect(page.get_by_role("main")).to_contain_text("Innleggets tekst er slettet")
    assert_accessible(page)

    # Registering by hand, with the error state.
    page.goto("/innlegg/registrer/")
    assert_accessible(page)
    page.get_by_role("button", name="Registrer innlegget").click()
    expect(page.locator("#form-errors")).to_be_visible()
    assert_accessible(page)


def test_owner_manages_integrations_and_pages_pass_axe(
    page: Page, personas: dict[str, Persona], school_page: Account, meta_graph: GraphStandIn
) -> None:
    login(page, "leder")
    page.goto(f"/kontoer/{school_page.pk}/")
    section = page.get_by_role("region", name="Innlegg", exact=True)
    expect(section).to_contain_text("Kontoen har ingen API-nøkler.")
    assert_accessible(page)

    page.get_by_role("link", name="Lag en API-nøkkel").click()
    assert_accessible(page)
    page.get_by_role("button", name="Lag API-nøkkelen").click()
    expect(page.locator("#form-errors")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Navn").fill("Publiseringsverktøyet")
    page.get_by_role("button", name="Lag API-nøkkelen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Den nye API-nøkkelen")
    secret = page.locator(".token-secret").inner_text()
    assert secret.startswith("msk_")
    assert_accessible(page)

    page.get_by_role("link", name="Tilbake til Skolens Facebook-side").click()
    table = page.get_by_role("table", name="Kontoens API-nøkler.")
    expect(table).to_contain_text("Publiseringsverktøyet")
    expect(page.get_by_role("main")).not_to_contain_text(secret)
    assert_accessible(page)
    table.get_by_role("button", name="Trekk tilbake Publiseringsverktøyet").click()
    expect(page.get_by_role("status").first).to_contain_text("er trukket tilbake")

    # Connecting the Page, against the Graph API stand-in.
    meta_graph.page_add("100000000000042", "Skolens Facebook-side", "EAAschool-token")
    page.get_by_role("link", name="Koble til Facebook-siden").click()
    assert_accessible(page)
    page.get_by_label("Facebook-sidens ID").fill("ikke et tall")
    page.get_by_label("Sidens tilgangsnøkkel").fill("EAAschool-token")
    page.get_by_role("button", name="Koble til").click()
    expect(page.locator("#form-errors")).to_contain_text("sifre")
    assert_accessible(page)
    page.get_by_label("Facebook-sidens ID").fill("100000000000042")
    page.get_by_label("Sidens tilgangsnøkkel").fill("EAAschool-token")
    page.get_by_role("button", name="Koble til").click()
    expect(page.get_by_role("region", name="Innlegg", exact=True)).to_contain_text(
        "Koblet til «Skolens"
    )
    assert meta_graph.state()["pages"]["100000000000042"]["subscribed_fields"] == ["feed"]


def test_a_member_without_accounts_sees_empty_pages_that_pass_axe(
    page: Page, personas: dict[str, Persona]
) -> None:
    login(page, "no_role")
    page.goto("/innlegg/")
    expect(page.get_by_text("Du har ikke ansvar for noen konto")).to_be_visible()
    assert_accessible(page)
    page.goto("/innlegg/registrer/")
    expect(page.get_by_text("Du svarer ikke for noen aktiv konto")).to_be_visible()
    assert_accessible(page)


def test_an_inbox_over_many_accounts_searches_by_name_and_passes_axe(
    page: Page,
    personas: dict[str, Persona],
    school_page: Account,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Whoever sees more than 50 accounts filters by part of a name, by keyboard; a list
    longer than the count's cap says so. Both states pass axe."""
    registrar = _user(personas, "radmann")
    for n in range(INBOX_ACCOUNT_SELECT_LIMIT):
        make_account(unit=school_page.unit, name=f"Konto {n:02d}", created_by=registrar)
    pool = make_account(unit=school_page.unit, name="Svømmehallen", created_by=registrar)
    make_post(account=school_page, text="Når kommer skolebussen?")
    make_post(account=pool, text="Er bassenget åpent i jula?")
    monkeypatch.setattr(CappedPaginator, "DEFAULT_CAP", 1)

    login(page, "kommunikasjon")
    page.goto("/innlegg/")
    expect(page.get_by_role("table")).to_contain_text("Mer enn 1 innlegg")
    assert_accessible(page)

    search = page.get_by_role("searchbox", name="Konto")
    search.fill("svømme")
    search.press("Enter")
    expect(page.get_by_role("table")).to_contain_text("Er bassenget åpent i jula?")
    expect(page.get_by_role("table")).not_to_contain_text("skolebussen")
    expect(page.get_by_role("searchbox", name="Konto")).to_have_value("svømme")
    assert_accessible(page)
