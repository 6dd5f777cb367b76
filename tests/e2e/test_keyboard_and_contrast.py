"""Keyboard, contrast and phone in a real browser (issue 17; WCAG 2.1 AA and 2.2's 2.4.13
and 2.5.8).

Every page the browser tests check also passes ``tests.a11y``'s own checks: no sideways
scrolling at 320 px (wide tables scroll in a focusable, named region), controls with 3:1
borders, targets of 24 x 24 px. Here, on the demo's pages as each demo user reaches them
from the start page, the Tab key goes through each page and every element it reaches shows
an outline that has 3:1 against what is around it; and giving responsibility puts the
keyboard at the form, not at the top of the page.
"""

from collections import deque
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from moskenes_social.people.demo import DEMO_USERS, demo_seed
from moskenes_social.people.models import Unit, User
from tests.a11y import (
    assert_accessible,
    control_problems,
    focus_problems,
    page_check,
    reflow_problems,
    target_problems,
)
from tests.accounts.factories import make_account
from tests.conftest import Persona
from tests.factories import PASSWORD, make_user

from .test_journey import tab_to
from .test_shell import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Not pages a person reads in the app: the admin, machine interfaces, the register's JSON,
# downloads (the log's CSV).
_SKIPPED_PREFIXES = ("/admin/", "/static/", "/innlegg/api/", "/innlegg/webhook/")
_SKIPPED_NAMES = {"logout", "register_json", "healthz", "export"}
# The main pages: the crawl below must reach each of them, so it cannot pass by reading
# too little.
MAIN_PAGES = {
    "login",
    "accounts:register",
    "home",
    "policy:current",
    "posts:inbox",
    "posts:detail",
    "accounts:list",
    "accounts:detail",
    "accounts:responsibility_assign",
    "approvals:list",
    "approvals:create",
    "approvals:queue",
    "audit:list",
    "notifications:list",
    "crisis:list",
}


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    """Notifications are written; their e-mail tasks are not put on the broker."""
    monkeypatch.setattr("moskenes_social.notifications.services._enqueue", lambda ids: None)


def _url_name(path: str) -> str | None:
    if path.startswith(_SKIPPED_PREFIXES):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return None if match.url_name in _SKIPPED_NAMES else match.view_name


def _links(page: Page) -> list[str]:
    """The page's own links (path and query), as the browser resolved them."""
    hrefs: list[str] = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    origin = urlsplit(page.url).netloc
    result = []
    for href in hrefs:
        url = urlsplit(href)
        if url.netloc == origin and url.scheme in {"http", "https"}:
            result.append(url.path + (f"?{url.query}" if url.query else ""))
    return result


def _keyboard_and_contrast_problems(page: Page) -> list[str]:
    """The checks of this module on a freshly loaded page: Tab through it (the outline of
    each element it reaches), then the controls, the targets and reflow at 320 px."""
    problems, reached = focus_problems(page)
    if not reached:
        problems.append("the Tab key reaches nothing")
    problems += control_problems(page) + target_problems(page) + reflow_problems(page)
    return problems


def test_the_main_pages_show_a_clear_focus_outline_and_controls_with_contrast(
    browser_instance: Browser, live_server: LiveServer
) -> None:
    demo_seed()
    for user in User.objects.filter(username__in=[u.username for u in DEMO_USERS]):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])

    checked: set[str] = set()
    problems: list[str] = []
    # An anonymous visitor first (the login page and the public register), then each demo
    # user in a window of their own, following links from the start page, each kind of
    # page (URL name) once.
    for username in [None, *(u.username for u in DEMO_USERS)]:
        context = browser_instance.new_context(
            base_url=live_server.url,
            locale="nb-NO",
            timezone_id="Europe/Oslo",
            viewport={"width": 1280, "height": 800},
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            if username is None:
                queue = deque(["/logg-inn/", "/register/"])
            else:
                login(page, username)
                queue = deque(["/"])
            # Each role has a start page of its own; other pages are checked once.
            first = True
            while queue:
                path = queue.popleft()
                name = _url_name(urlsplit(path).path)
                if name is None or (name in checked and not first):
                    continue
                response = page.goto(path)
                # Where the link led (a redirect may end on another kind of page).
                name = _url_name(urlsplit(page.url).path)
                if response is None or response.status != 200 or name is None:
                    continue
                if name in checked and not first:
                    continue
                first = False
                checked.add(name)
                problems += [
                    f"{username} {path}: {p}" for p in _keyboard_and_contrast_problems(page)
                ]
                queue.extend(link for link in _links(page) if link not in queue)
        finally:
            context.close()

    assert MAIN_PAGES <= checked, f"not reached: {sorted(MAIN_PAGES - checked)}"
    assert not problems, "\n".join(problems)


def test_the_header_links_show_a_dark_outline_on_the_light_blue_header(
    page: Page, personas: dict[str, Persona]
) -> None:
    login(page, "radmann")
    header_link = page.get_by_role("navigation", name="Hovedmeny").get_by_role(
        "link", name="Veileder"
    )
    tab_to(page, header_link)
    stop = page_check(page, "focus")
    assert stop is not None and "nav-link" in stop["element"]
    assert stop["problems"] == []
    # The light blue behind it, and an outline dark enough on it.
    header = page.locator("header")
    assert header.evaluate("h => getComputedStyle(h).backgroundColor") == "rgb(207, 226, 255)"
    assert header_link.evaluate("a => getComputedStyle(a).outlineColor") == "rgb(26, 26, 26)"


def test_giving_responsibility_puts_the_keyboard_at_the_form(
    page: Page, personas: dict[str, Persona], unit: Unit
) -> None:
    leader = personas["leder"].user
    assert leader is not None
    make_user(username="svarer1", first_name="Siv", last_name="Svarer", unit=unit)
    account = make_account(unit=unit, name="Skolens Facebook-side", owner=leader)
    login(page, "leder")

    # From the account page: «Gi ansvar» by keyboard.
    page.goto(f"/kontoer/{account.pk}/")
    tab_to(page, page.get_by_role("link", name="Gi ansvar"))
    page.keyboard.press("Enter")
    form = page.get_by_role("form", name="Gi ansvar for Skolens Facebook-side")
    expect(form).to_be_focused()
    # The next Tab goes to the form's first field, not to the skip link and the menu.
    page.keyboard.press("Tab")
    assert form.evaluate("f => f.contains(document.activeElement) && f !== document.activeElement")
    assert_accessible(page)

    # From the start page's panel: the same.
    page.goto("/")
    panel = page.get_by_role("region", name="Kontoene til mine enheter")
    tab_to(page, panel.get_by_role("link", name="Legg til svarer – Skolens Facebook-side"))
    page.keyboard.press("Enter")
    expect(form).to_be_focused()
    expect(page.get_by_role("radio", name="Svarer", exact=True)).to_be_checked()

    # A refused submission still puts the focus on the error summary.
    page.get_by_role("button", name="Tildel").click()
    expect(page.locator("#form-errors")).to_be_focused()


def _add(
    page: Page,
    tag: str,
    style: dict[str, str],
    *,
    child: dict[str, str] | None = None,
    **attributes: str,
) -> None:
    """Add an element (with a child ``div`` styled ``child``) to the page's main content,
    built with the DOM."""
    page.evaluate(
        """([tag, style, child, attributes]) => {
          const element = document.createElement(tag);
          Object.assign(element.style, style);
          for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
          if (child) {
            const inner = document.createElement("div");
            Object.assign(inner.style, child);
            element.append(inner);
          }
          document.querySelector("main").append(element);
        }""",
        [tag, style, child, attributes],
    )


def test_the_checks_find_what_they_look_for(page: Page, personas: dict[str, Persona]) -> None:
    """Each check can fail: a page made wrong in each way is reported."""
    page.goto("/logg-inn/")
    assert reflow_problems(page) == control_problems(page) == target_problems(page) == []

    _add(page, "div", {"width": "600px", "height": "1px"})
    assert "the page is" in " ".join(reflow_problems(page))
    page.reload()
    _add(
        page,
        "div",
        {"overflowX": "auto", "width": "100px"},
        child={"width": "900px", "height": "1px"},
    )
    assert "not a focusable region" in " ".join(reflow_problems(page))

    _add(page, "input", {"border": "1px solid #dee2e6"}, type="checkbox", id="pale")
    assert any("#pale" in p for p in control_problems(page))

    _add(page, "button", {"width": "16px", "height": "16px", "padding": "0"}, id="tiny-1")
    _add(page, "button", {"width": "16px", "height": "16px", "padding": "0"}, id="tiny-2")
    assert any("#tiny-1" in p for p in target_problems(page))

    _add(page, "button", {"outline": "none"}, id="no-outline")
    page.locator("#no-outline").focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    stop = page_check(page, "focus")
    assert stop is not None and "#no-outline" in stop["element"]
    assert any("outline none" in p for p in stop["problems"])
