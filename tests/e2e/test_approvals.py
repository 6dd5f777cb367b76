"""A request for a new profile, returned, corrected and approved, in a real browser."""

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Account
from approvals.services import closing_request_submit
from policy.selectors import policy_in_force
from tests.a11y import assert_accessible
from tests.accounts.factories import make_account
from tests.conftest import Persona
from tests.e2e.test_shell import login, logout
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_request_returned_corrected_and_approved(page: Page, personas: dict[str, Persona]) -> None:
    leader = personas["leder"].user
    assert leader is not None and leader.unit is not None
    for name in ("Siri Svarer", "Per Backup"):
        first, last = name.split()
        make_user(username=first.lower(), first_name=first, last_name=last, unit=leader.unit)

    login(page, "kommunikasjon")
    page.goto("/soknader/")
    assert_accessible(page)  # empty state
    page.get_by_role("link", name="Be om ny konto").click()
    assert_accessible(page)
    page.locator("#id_name").fill("Reine skole på Facebook")
    page.locator("#id_handle").fill("reineskole")
    page.locator("#id_platform").select_option("facebook")
    page.get_by_role("button", name="Send til rådmannen").click()
    # Error state: what is missing is listed, what was typed is kept.
    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.locator("#id_name")).to_have_value("Reine skole på Facebook")
    assert_accessible(page)

    page.locator("#id_unit").select_option(label=leader.unit.name)
    page.locator("#id_url").fill("https://www.facebook.com/reineskole")
    page.locator("#id_not_case_handling").check()
    for question in policy_in_force().registration_questions:
        field = page.locator(f"#id_answer_{question.key}")
        if field.count():
            field.fill(f"Svar: {question.label}")
    page.locator("#id_goals").fill("Flere foreldre på arrangementer")
    page.locator("#id_not_used_for").fill("Enkeltsaker")
    page.locator("#id_responsible_leader").select_option(label=str(leader))
    # The picker by keyboard: type in its filter, Tab to the one person shown, Space.
    page.get_by_label("Filtrer på navn").fill("siri")
    expect(page.get_by_text("Viser 1 av")).to_be_visible()
    expect(page.get_by_role("checkbox", name="Per Backup (Reine skole)")).to_be_hidden()
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(page.get_by_role("checkbox", name="Siri Svarer (Reine skole)")).to_be_checked()
    page.get_by_label("Filtrer på navn").fill("")
    page.get_by_role("checkbox", name="Per Backup (Reine skole)").check()
    page.locator("#id_follow_up_interval_days").fill("1")
    page.locator("#id_hours_per_week").fill("2")
    page.locator("#id_mandate").fill("Delegert fra rektor")
    page.locator("#id_contact_instance").fill("Reine skole")
    page.locator("#id_contact_person").fill("Lise Leder")
    page.locator("#id_contact_title").fill("Rektor")
    page.locator("#id_contact_email").fill("rektor@example.org")
    page.locator("#id_homepage").fill("https://www.example.org/skole")
    page.locator("#id_web_pages_updated").check()
    page.locator("#id_web_pages_note").fill("Oppdatert i august")
    page.locator("#id_reputation_checked").check()
    page.locator("#id_reputation_note").fill("Ingen funn")
    page.locator("#id_acknowledge").check()
    page.get_by_role("button", name="Send til rådmannen").click()
    expect(page.get_by_text("Søknaden er sendt til rådmannen.")).to_be_visible()
    assert_accessible(page)
    logout(page)

    login(page, "radmann")
    page.goto("/soknader/ko/")
    assert_accessible(page)
    page.get_by_role("link", name="Reine skole på Facebook").click()
    assert_accessible(page)
    page.get_by_label("Send tilbake for endringer").check()
    page.get_by_role("button", name="Lagre beslutning").click()
    expect(page.locator("#form-errors")).to_be_visible()  # a reason is required
    assert_accessible(page)
    page.get_by_label("Send tilbake for endringer").check()
    page.get_by_label("Begrunnelse eller kommentar").fill("Målgruppen er uklar")
    page.get_by_role("button", name="Lagre beslutning").click()
    expect(page.get_by_text("Beslutningen er lagret.")).to_be_visible()
    logout(page)

    login(page, "kommunikasjon")
    page.goto("/soknader/")
    page.get_by_role("link", name="Reine skole på Facebook").click()
    expect(page.get_by_text("Målgruppen er uklar").first).to_be_visible()
    page.get_by_role("link", name="Endre og send").click()
    page.locator("#id_answer_target_groups").fill("Foreldre til elever i 1.–7. trinn")
    page.locator("#id_acknowledge").check()
    page.get_by_role("button", name="Send til rådmannen").click()
    expect(page.get_by_text("Søknaden er sendt til rådmannen.")).to_be_visible()
    logout(page)

    login(page, "radmann")
    page.goto("/soknader/ko/")
    page.get_by_role("link", name="Reine skole på Facebook").click()
    page.get_by_label("Godkjenn").check()
    page.get_by_role("button", name="Lagre beslutning").click()
    expect(page.get_by_text("Beslutningen er lagret.")).to_be_visible()
    page.goto("/soknader/arkiv/")
    assert_accessible(page)

    account = Account.objects.get(handle="reineskole")
    answerers = set(
        account.responsibilities.filter(ended_at__isnull=True).values_list(
            "user__username", flat=True
        )
    )
    assert answerers == {"leder", "siri", "per"}


def test_the_closing_decision_has_its_own_accessible_page(
    page: Page, personas: dict[str, Persona]
) -> None:
    staff, leader = personas["kommunikasjon"].user, personas["leder"].user
    assert staff and leader and leader.unit
    account = make_account(unit=leader.unit, name="Skolens gamle side", owner=leader)
    closing = closing_request_submit(actor=leader, account=account, reason="Ikke i bruk")
    login(page, "radmann")
    page.goto(f"/soknader/{closing.pk}/avgjor/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Avgjør nedleggelse av Skolens gamle side"
    )
    expect(page.get_by_text("Hva veilederen krever")).to_have_count(0)
    assert_accessible(page)
    page.get_by_label("Behold kontoen (avslå søknaden)").check()
    page.get_by_role("button", name="Lagre beslutning").click()
    expect(page.locator("#form-errors")).to_be_focused()  # a reason is required
    assert_accessible(page)
    page.get_by_label("Legg ned kontoen").check()
    page.get_by_role("button", name="Lagre beslutning").click()
    expect(page.get_by_text("Beslutningen er lagret.")).to_be_visible()
