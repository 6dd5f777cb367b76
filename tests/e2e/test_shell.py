"""The shell in a real browser: log in, see the start page, every page passes axe-core."""

import pytest
from playwright.sync_api import Page, expect

from moskenes_social.notifications.services import notification_create
from tests.a11y import assert_accessible, axe_violations
from tests.conftest import Persona
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page: Page, username: str) -> None:
    page.goto("/logg-inn/")
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(lambda url: "/logg-inn/" not in url)


def logout(page: Page) -> None:
    page.locator("header .dropdown-toggle").click()
    page.get_by_role("button", name="Logg ut").click()
    page.wait_for_url("**/logg-inn/")


def test_login_page_and_its_error_state_pass_axe(page: Page, personas: dict[str, Persona]) -> None:
    page.goto("/logg-inn/")
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    assert_accessible(page)
    page.get_by_label("Brukernavn").fill("radmann")
    page.get_by_label("Passord").fill("feil-passord")
    page.get_by_role("button", name="Logg inn").click()
    expect(page.locator("#form-errors")).to_be_visible()
    # What was typed is kept.
    expect(page.get_by_label("Brukernavn")).to_have_value("radmann")
    assert_accessible(page)


@pytest.mark.parametrize("username", ["radmann", "leder", "kriseleder", "kommunikasjon"])
def test_each_role_logs_in_and_sees_its_start_page(
    page: Page, personas: dict[str, Persona], username: str
) -> None:
    login(page, username)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Velkommen")
    assert_accessible(page)


def test_radmann_pages_pass_axe_in_empty_state(page: Page, personas: dict[str, Persona]) -> None:
    login(page, "radmann")
    for path in ["/varsler/", "/logg/", "/passord/endre/"]:
        page.goto(path)
        assert_accessible(page)


def test_skip_link_is_first_in_keyboard_order_and_moves_to_main(
    page: Page, personas: dict[str, Persona]
) -> None:
    login(page, "leder")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hopp til hovedinnholdet")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_axe_detects_a_real_violation(page: Page, personas: dict[str, Persona]) -> None:
    """The gate can fail: an image without alternative text is reported."""
    page.goto("/logg-inn/")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=x>')")
    assert any(v["id"] == "image-alt" for v in axe_violations(page))


def test_no_content_security_policy_violations(page: Page, personas: dict[str, Persona]) -> None:
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    login(page, "radmann")
    page.goto("/varsler/")
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_user_menu_opens_by_keyboard_and_logs_out(page: Page, personas: dict[str, Persona]) -> None:
    login(page, "radmann")
    toggle = page.locator("header .dropdown-toggle")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Logg ut")).to_be_visible()
    assert_accessible(page)
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Logg ut")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url("**/logg-inn/")


@pytest.mark.parametrize("width", [1280, 1400])
def test_the_radmanns_menu_is_one_row_on_a_laptop(
    page: Page, personas: dict[str, Persona], width: int
) -> None:
    """The rådmann has the most entries; at 1280 px (issue 17) they wrapped onto two rows."""
    user = personas["radmann"].user
    assert user is not None
    # A long name and a two-digit count, as a busy rådmann's menu has.
    user.first_name, user.last_name = "Kristoffer", "Rådmannsen"
    user.save(update_fields=["first_name", "last_name"])
    for _n in range(12):
        notification_create(recipient=user, subject="Varsel")
    page.set_viewport_size({"width": width, "height": 800})
    login(page, "radmann")
    entries = page.locator("#main-nav > .navbar-nav > .nav-item")
    assert entries.count() >= 8
    boxes = [entries.nth(i).bounding_box() for i in range(entries.count())]
    # One row: every entry's middle lies within every other entry's height.
    middles = [box["y"] + box["height"] / 2 for box in boxes if box]
    assert max(middles) - min(middles) < min(box["height"] for box in boxes if box) / 2, boxes
    assert_accessible(page)
