"""The guideline in a real browser: the rådmann drafts, changes a parameter and adopts a
version; a staff member acknowledges it from the start page. axe-core on every page."""

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from policy.models import Acknowledgement
from tests.a11y import assert_accessible
from tests.conftest import Persona
from tests.e2e.test_shell import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_radmann_adopts_a_version_and_staff_acknowledge_it(
    page: Page, personas: dict[str, Persona], browser_instance: Browser, live_server: LiveServer
) -> None:
    login(page, "radmann")
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Veileder").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Veileder for bruk av sosiale medier")
    expect(page.locator("#regel-2-svar-snarest")).to_contain_text("snarest besvares")
    assert_accessible(page)

    # Start a draft from the version in force.
    page.get_by_role("button", name="Start et nytt utkast").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Utkast til versjon 2")
    assert_accessible(page)

    # Change a parameter: first a value the policy refuses (error state), then a good one.
    page.get_by_role("link", name="Endre parametrene").click()
    assert_accessible(page)
    page.get_by_label("Svarfrist (arbeidstimer)").fill("0")
    page.get_by_role("button", name="Lagre parametrene").click()
    expect(page.locator("#form-errors")).to_contain_text("Svarfristen må være mellom")
    assert_accessible(page)
    page.get_by_label("Svarfrist (arbeidstimer)").fill("6")
    page.get_by_role("button", name="Lagre parametrene").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Utkast til versjon 2")
    expect(page.get_by_text("6 arbeidstimer")).to_be_visible()

    # Change a rule's text.
    page.get_by_role("link", name="Endre – Hold deg til fakta").click()
    assert_accessible(page)
    text = page.locator("#id_text")
    text.fill(text.input_value().replace("Hold deg til fakta.", "Hold deg alltid til fakta."))
    page.get_by_role("button", name="Lagre regelen").click()
    expect(page.get_by_text("Regelen «Hold deg til fakta» er lagret.")).to_be_visible()

    # The add-rule form, empty and with errors.
    page.get_by_role("link", name="Legg til en regel").click()
    assert_accessible(page)
    page.get_by_role("button", name="Legg til regel").click()
    expect(page.locator("#form-errors")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Tilbake til utkast til versjon 2").click()

    # Compare the draft with version 1: changed words are marked.
    page.get_by_role("link", name="Sammenlign med versjon 1").click()
    expect(page.locator("ins", has_text="alltid")).to_be_visible()
    expect(page.get_by_role("cell", name="fjernet: 8 lagt til: 6 arbeidstimer")).to_be_visible()
    assert_accessible(page)

    # Record the adoption.
    page.goto("/veileder/versjoner/2/utkast/")
    page.get_by_role("link", name="Registrer vedtaket").click()
    assert_accessible(page)
    page.get_by_label("Oppsummering av endringene").fill("Svarfristen er seks arbeidstimer.")
    page.get_by_role("button", name="Registrer vedtaket").click()
    expect(page.get_by_text("Versjon 2 er vedtatt.")).to_be_visible()
    expect(page.locator(".lead")).to_contain_text("Versjon 2, vedtatt av AMU")
    assert_accessible(page)

    page.goto("/veileder/versjoner/")
    expect(page.get_by_role("cell", name="Gjelder nå")).to_be_visible()
    assert_accessible(page)
    page.goto("/veileder/versjoner/2/bekreftelser/")
    expect(page.get_by_text("Ingen har bekreftet")).to_be_visible()
    assert_accessible(page)

    # A staff member sees the notice on the start page and acknowledges in one step.
    context = browser_instance.new_context(base_url=live_server.url, locale="nb-NO")
    staff = context.new_page()
    login(staff, "kommunikasjon")
    notice = staff.get_by_role("region", name="Les versjon 2 av veilederen")
    expect(notice).to_be_visible()
    assert_accessible(staff)
    notice.get_by_role("button", name="Jeg har lest veilederen").click()
    expect(staff.get_by_text("Du har bekreftet at du har lest versjon 2.")).to_be_visible()
    expect(staff.get_by_role("region", name="Les versjon 2 av veilederen")).to_have_count(0)
    assert_accessible(staff)
    context.close()
    acknowledged = Acknowledgement.objects.filter(version__number=2, user__username="kommunikasjon")
    assert acknowledged.exists()

    page.reload()
    user = personas["kommunikasjon"].user
    read_table = page.get_by_role("table", name="Brukere som har bekreftet")
    expect(read_table).to_contain_text(str(user))


def test_staff_read_the_guideline_and_an_empty_comparison(
    page: Page, personas: dict[str, Persona]
) -> None:
    login(page, "leder")
    page.goto("/veileder/")
    expect(page.get_by_role("button", name="Jeg har lest veilederen")).to_be_visible()
    page.goto("/veileder/sammenlign/")
    expect(page.get_by_text("bare én versjon")).to_be_visible()
    assert_accessible(page)
    page.goto("/veileder/versjoner/1/")
    expect(page.get_by_role("heading", name="Innhold", exact=True)).to_be_visible()
    assert_accessible(page)
