"""The whole journey, end to end, in a real browser: a season in the life of the
municipality's social media, each step as the person who does it, through the pages only.

1. The rådmann adopts a guideline version that shortens the answering deadline; staff
   acknowledge it.
2. The communication adviser asks for a school Facebook page; the rådmann returns it (the
   target group is unclear); it is corrected and approved; it appears in the public register.
3. The school's leader hands the page over to the school: a responder and a backup (the
   backup by keyboard only); coverage is complete; she connects the Facebook Page.
4. A citizen's complaint arrives through the Facebook webhook, signed as Meta signs it; it
   is due under the new deadline; time passes: the reminder (e-mail and in-app) comes once,
   then the escalation to the leader; the responder answers; no further reminder.
5. A comment that reveals a child's health is triaged as sensitive and removed, not answered.
6. A flood: the crisis leader starts crisis mode; the responder sees the banner and is
   refused an answer; the crisis leader answers with the official message; over the
   weekend a reminder goes to the crisis team, not the responder; the crisis ends, the open
   post's due time moves by the crisis's length, and the responder answers it.
7. The owner asks to close the account; the rådmann approves; it leaves the register.
8. The rådmann reads the log: every step above, with who, when and why.

Nothing goes through the ORM except setting the clock (time_machine) and reading e-mail
(``django.core.mail.outbox``); the people are created as an administrator would. Every page
the journey visits passes the page gates (axe-core WCAG 2.1 A/AA, no English, a screenshot),
in its normal, error and empty states.

The reminder jobs: a Celery worker in another process cannot see this test's frozen clock,
so after moving the clock the test runs the beat entries' task functions in-process
(``post_reminders_send_due``, ``notifications_deliver_pending``). That the real worker and
beat run them on Redis is proven by ``tests/posts/test_celery_beat.py`` and
``tests/notifications/test_celery_worker.py``.

``TOUR_SCREENSHOTS=1`` also saves the README's tour pictures (viewport-size) to docs/tour/.
"""

import hashlib
import hmac
import json
import os
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.urls import resolve
from django.utils import formats, timezone, translation
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Account, CrisisPeriod, Post, PostStatus
from accounts.posts.reminders import post_reminders_send_due
from accounts.posts.services import account_facebook_page_set
from moskenes_social.notifications.tasks import notifications_deliver_pending
from moskenes_social.people.models import Unit, User
from moskenes_social.people.roles import Role
from moskenes_social.worktime import OSLO, add_working_hours
from policy.selectors import policy_in_force
from tests.a11y import assert_accessible
from tests.factories import make_unit, make_user

from .test_shell import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A Monday at 09:00 in Reine, in a week without public holidays.
START = datetime(2026, 11, 30, 9, 0, tzinfo=OSLO)
APP_SECRET = "journey-app-secret-not-for-production"
PAGE_ID = "100000000000042"
ACCOUNT = "Foreldrekontakt Reine skole"
HANDLE = "reineskoleforeldre"
NEW_DEADLINE_HOURS = 4
OLD_DEADLINE_HOURS = 8  # version 1
TOUR_DIR = Path(__file__).resolve().parents[2] / "docs" / "tour"


# --- The cast -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    username: str
    first_name: str
    last_name: str
    title: str
    unit: str
    role: Role | None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


# The demo data's people (README "Tour"), so the journey reads like the tour.
RADMANN = Person("radmann", "Rolf", "Rådmann", "Rådmann", "stab", Role.CHIEF_EXECUTIVE)
KARI = Person(
    "kommunikasjon", "Kari", "Kommunikasjon", "Kommunikasjonsrådgiver", "stab",
    Role.COMMUNICATION_STAFF,
)  # fmt: skip
LISE = Person("leder", "Lise", "Leder", "Rektor", "skole", Role.LEADER)
ANDERS = Person("ansatt", "Anders", "Ansatt", "Lærer", "skole", None)
KRISTIAN = Person("kriseleder", "Kristian", "Krise", "Beredskapsleder", "stab", Role.CRISIS_LEADER)
CAST = [RADMANN, KARI, LISE, ANDERS, KRISTIAN]


def _cast() -> dict[str, User]:
    """The people, as an administrator creates them (not a shortcut through a journey step)."""
    units: dict[str, Unit] = {
        "stab": make_unit(name="Rådmannens stab", slug="radmannens-stab"),
        "skole": make_unit(name="Reine skole", slug="reine-skole"),
    }
    users: dict[str, User] = {}
    for person in CAST:
        users[person.username] = make_user(
            username=person.username,
            first_name=person.first_name,
            last_name=person.last_name,
            title=person.title,
            unit=units[person.unit],
            roles=[person.role] if person.role else [],
        )
    units["skole"].leaders.add(users[LISE.username])
    return users


# --- The browser: one window per person, each logged in once ------------------------------


@dataclass
class Browsers:
    """The people's windows, and which pages (URL names) they visited and had checked."""

    browser: Browser
    base_url: str
    contexts: dict[str, BrowserContext] = field(default_factory=dict)
    pages: dict[str, Page] = field(default_factory=dict)
    visited: set[str] = field(default_factory=set)
    checked: set[str] = field(default_factory=set)

    def _record(self, url: str, into: set[str]) -> None:
        path = urlsplit(url).path
        if path.startswith("/"):
            into.add(resolve(path).view_name)

    def check(self, page: Page) -> None:
        """The page gates (axe-core, language, screenshot) on the page as it is now."""
        assert_accessible(page)
        self._record(page.url, self.checked)

    def of(self, person: Person | None, *, fresh: bool = False) -> Page:
        """The window of ``person`` (logged in on first use); ``None``: a citizen's.
        ``fresh``: a new window (empty cache) instead of the one opened before."""
        key = person.username if person else "citizen"
        if fresh and key in self.contexts:
            self.contexts.pop(key).close()
            del self.pages[key]
        if key not in self.pages:
            context = self.browser.new_context(
                base_url=self.base_url,
                locale="nb-NO",
                timezone_id="Europe/Oslo",
                viewport={"width": 1280, "height": 800},
            )
            page = context.new_page()
            page.set_default_timeout(15_000)
            page.on(
                "framenavigated",
                lambda frame: (
                    self._record(frame.url, self.visited)
                    if frame is frame.page.main_frame
                    else None
                ),
            )
            self.contexts[key], self.pages[key] = context, page
            if person is not None:
                login(page, person.username)
        return self.pages[key]

    def close(self) -> None:
        for context in self.contexts.values():
            context.close()


@pytest.fixture
def browsers(browser_instance: Browser, live_server: LiveServer) -> Iterator[Browsers]:
    windows = Browsers(browser=browser_instance, base_url=live_server.url)
    yield windows
    windows.close()


@pytest.fixture(autouse=True)
def _journey_settings(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.FACEBOOK_APP_SECRET = APP_SECRET
    # The server's clock is frozen in 2026 and moves by days; Chromium's is not. Cookies
    # that last as long as the browser keep the logins independent of the real date.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_COOKIE_AGE = None
    # The clock jumps by working days with everyone logged in: the sessions of this
    # simulated week outlive the idle time of a real working day.
    settings.SESSION_COOKIE_AGE = 14 * 24 * 3600
    # Notifications are written by the services; their e-mail goes out when the test runs
    # the beat's sweep (below), not through a broker message.
    monkeypatch.setattr("moskenes_social.notifications.services._enqueue", lambda ids: None)


# --- Helpers ------------------------------------------------------------------------------


def tour(page: Page, name: str) -> None:
    """Pictures for the README's tour (viewport-size), when asked for: as the page is, and
    on a phone 375 px wide (``<name>-telefon.png``)."""
    if os.environ.get("TOUR_SCREENSHOTS") == "1":
        TOUR_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(TOUR_DIR / f"{name}.png"))
        size = page.viewport_size
        page.set_viewport_size({"width": 375, "height": 812})
        page.screenshot(path=str(TOUR_DIR / f"{name}-telefon.png"))
        if size is not None:
            page.set_viewport_size(size)


def tab_to(page: Page, target: Locator, *, limit: int = 80) -> None:
    """Press Tab until ``target`` has the focus (reading where the focus is; no clicks)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {target}")


def local(moment: datetime, pattern: str = "j. F Y H:i") -> str:
    """A time as the pages show it (Norwegian, Europe/Oslo)."""
    with translation.override("nb"):
        return formats.date_format(timezone.localtime(moment, OSLO), pattern)


def move_clock(traveller: time_machine.Traveller, to: datetime) -> None:
    traveller.shift(to - timezone.now())


def run_beat() -> int:
    """What Celery beat starts every few minutes: the post reminders, then the e-mail sweep.
    Returns how many reminders went out. (A worker process cannot see the frozen clock;
    tests/posts/test_celery_beat.py and tests/notifications/test_celery_worker.py prove
    the real worker and beat on the broker.)"""
    sent = post_reminders_send_due()
    notifications_deliver_pending()
    return sent


def mails_to(person: Person, subject: str) -> list[mail.EmailMessage]:
    return [
        m for m in mail.outbox if f"{person.username}@example.org" in m.to and m.subject == subject
    ]


def deliver_comment(
    live_server: LiveServer, *, comment_id: str, author: str, message: str, secret: str = APP_SECRET
) -> tuple[int, dict[str, object]]:
    """POST one new page comment to the webhook as Meta delivers it: the raw JSON body,
    signed with the app secret in ``X-Hub-Signature-256``."""
    created = int(timezone.now().timestamp())
    body = json.dumps(
        {
            "object": "page",
            "entry": [
                {
                    "id": PAGE_ID,
                    "time": created,
                    "changes": [
                        {
                            "field": "feed",
                            "value": {
                                "item": "comment",
                                "verb": "add",
                                "comment_id": comment_id,
                                "post_id": f"{PAGE_ID}_555",
                                "parent_id": f"{PAGE_ID}_555",
                                "from": {"id": "7001", "name": author},
                                "message": message,
                                "created_time": created,
                            },
                        }
                    ],
                }
            ],
        },
    ).encode()  # Meta, too, escapes non-ASCII as \uXXXX; the signature covers these raw bytes
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(  # noqa: S310 - the live server's own http URL
        f"{live_server.url}/innlegg/webhook/facebook/",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def main(page: Page) -> Locator:
    return page.get_by_role("main")


def nav(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Hovedmeny").get_by_role(
        "link", name=name, exact=True
    ).click()


# --- The journey --------------------------------------------------------------------------


def test_the_whole_journey(browsers: Browsers, live_server: LiveServer) -> None:
    with time_machine.travel(START, tick=True) as traveller:
        _cast()
        step_1_guideline(browsers)
        step_2_request(browsers)
        step_3_responsibility(browsers)
        complaint = step_4_complaint(browsers, live_server, traveller)
        step_5_sensitive(browsers, live_server)
        step_6_crisis(browsers, live_server, traveller)
        step_7_closing(browsers)
        step_8_log(browsers, complaint)
    # Every page the journey visited passed the gates at least once (the login page's
    # gates are in test_shell.py).
    unchecked = browsers.visited - browsers.checked - {"login"}
    assert not unchecked, f"pages visited but never checked: {sorted(unchecked)}"


def step_1_guideline(b: Browsers) -> None:
    """The rådmann records version 2 with a 4-hour deadline; the staff acknowledge it."""
    radmann = b.of(RADMANN)
    nav(radmann, "Veileder")
    expect(radmann.get_by_role("heading", level=1)).to_have_text(
        "Veileder for bruk av sosiale medier"
    )
    b.check(radmann)
    radmann.get_by_role("button", name="Start et nytt utkast").click()
    expect(radmann.get_by_role("heading", level=1)).to_have_text("Utkast til versjon 2")
    radmann.get_by_role("link", name="Endre parametrene").click()
    deadline = radmann.get_by_label("Svarfrist (arbeidstimer)")
    expect(deadline).to_have_value(str(OLD_DEADLINE_HOURS))
    deadline.fill("0")
    radmann.get_by_role("button", name="Lagre parametrene").click()
    expect(radmann.locator("#form-errors")).to_contain_text("Svarfristen må være mellom")
    b.check(radmann)
    radmann.get_by_label("Svarfrist (arbeidstimer)").fill(str(NEW_DEADLINE_HOURS))
    radmann.get_by_role("button", name="Lagre parametrene").click()
    expect(radmann.get_by_text(f"{NEW_DEADLINE_HOURS} arbeidstimer")).to_be_visible()
    b.check(radmann)

    radmann.get_by_role("link", name="Registrer vedtaket").click()
    radmann.get_by_label("Oppsummering av endringene").fill(
        "Svarfristen er kortet ned fra åtte til fire arbeidstimer."
    )
    b.check(radmann)
    radmann.get_by_role("button", name="Registrer vedtaket").click()
    expect(radmann.get_by_text("Versjon 2 er vedtatt.")).to_be_visible()
    expect(radmann.locator(".lead")).to_contain_text("Versjon 2, vedtatt av AMU")
    b.check(radmann)
    assert policy_in_force().answer_deadline_working_hours == NEW_DEADLINE_HOURS
    radmann.goto("/veileder/versjoner/2/bekreftelser/")
    expect(radmann.get_by_text("Ingen har bekreftet")).to_be_visible()
    b.check(radmann)  # empty state

    for person in (KARI, LISE, ANDERS):
        page = b.of(person)
        notice = page.get_by_role("region", name="Les versjon 2 av veilederen")
        expect(notice).to_contain_text("Les veilederen")
        b.check(page)
        notice.get_by_role("button", name="Jeg har lest veilederen").click()
        expect(page.get_by_text("Du har bekreftet at du har lest versjon 2.")).to_be_visible()

    radmann.reload()
    read = radmann.get_by_role("table", name="Brukere som har bekreftet")
    for person in (KARI, LISE, ANDERS):
        expect(read).to_contain_text(person.name)
    b.check(radmann)


def step_2_request(b: Browsers) -> None:
    """Kari asks for the page; the rådmann returns it; Kari corrects; the rådmann approves;
    the citizen finds it in the public register."""
    citizen = b.of(None)
    citizen.goto("/register/")
    citizen.get_by_label("Søk på navn eller brukernavn").fill(HANDLE)
    citizen.get_by_role("button", name="Søk").click()
    expect(citizen.get_by_text(f"Ingen offisiell konto passer til «{HANDLE}».")).to_be_visible()
    b.check(citizen)  # empty state

    kari = b.of(KARI)
    nav(kari, "Søknader")
    expect(kari.get_by_text("Du har ingen søknader om kontoer")).to_be_visible()
    b.check(kari)  # empty state
    kari.get_by_role("link", name="Be om ny konto").click()
    kari.locator("#id_name").fill(ACCOUNT)
    kari.locator("#id_handle").fill(HANDLE)
    kari.locator("#id_platform").select_option("facebook")
    kari.get_by_role("button", name="Send til rådmannen").click()
    expect(kari.locator("#form-errors")).to_be_visible()  # what is missing, listed
    expect(kari.locator("#id_name")).to_have_value(ACCOUNT)
    b.check(kari)

    kari.locator("#id_unit").select_option(label="Reine skole")
    kari.locator("#id_url").fill(f"https://www.facebook.com/{HANDLE}")
    kari.locator("#id_not_case_handling").check()
    for question in policy_in_force().registration_questions:
        answer = kari.locator(f"#id_answer_{question.key}")
        if answer.count():
            answer.fill(f"Se søknaden: {question.label}")
    kari.locator("#id_answer_target_groups").fill("Alle")
    kari.locator("#id_goals").fill("Flere foreldre på arrangementer og foreldremøter")
    kari.locator("#id_not_used_for").fill("Enkeltsaker om elever; dem tar vi i It's learning")
    kari.locator("#id_responsible_leader").select_option(label=LISE.name)
    # During the start-up, Kari and the rektor answer; the school takes over in step 3.
    for person in (KARI, LISE):
        kari.get_by_role("checkbox", name=re.compile(f"^{person.name}")).check()
    kari.locator("#id_follow_up_interval_days").fill("1")
    kari.locator("#id_hours_per_week").fill("2")
    kari.locator("#id_mandate").fill("Delegert fra rektor")
    kari.locator("#id_contact_instance").fill("Reine skole")
    kari.locator("#id_contact_person").fill(LISE.name)
    kari.locator("#id_contact_title").fill(LISE.title)
    kari.locator("#id_contact_email").fill("rektor@example.org")
    kari.locator("#id_homepage").fill("https://www.example.org/reine-skole")
    kari.locator("#id_web_pages_updated").check()
    kari.locator("#id_web_pages_note").fill("Oppdatert i november")
    kari.locator("#id_reputation_checked").check()
    kari.locator("#id_reputation_note").fill("Ingen andre sider med navnet")
    kari.locator("#id_acknowledge").check()
    kari.get_by_role("button", name="Send til rådmannen").click()
    expect(kari.get_by_text("Søknaden er sendt til rådmannen.")).to_be_visible()
    b.check(kari)

    radmann = b.of(RADMANN)
    nav(radmann, "Beslutninger")
    b.check(radmann)
    radmann.get_by_role("link", name=ACCOUNT, exact=True).click()
    radmann.get_by_label("Send tilbake for endringer").check()
    radmann.get_by_role("button", name="Lagre beslutning").click()
    expect(radmann.locator("#form-errors")).to_be_visible()  # a reason is required
    b.check(radmann)
    radmann.get_by_label("Send tilbake for endringer").check()
    radmann.get_by_label("Begrunnelse eller kommentar").fill(
        "Målgruppen er uklar: hvem er siden for?"
    )
    radmann.get_by_role("button", name="Lagre beslutning").click()
    expect(radmann.get_by_text("Beslutningen er lagret.")).to_be_visible()
    expect(radmann.get_by_text("Ingen søknader venter på beslutning.")).to_be_visible()
    b.check(radmann)  # empty queue

    kari.goto("/")
    nav(kari, "Søknader")
    kari.get_by_role("link", name=ACCOUNT, exact=True).click()
    expect(kari.get_by_text("Målgruppen er uklar").first).to_be_visible()
    b.check(kari)
    kari.get_by_role("link", name="Endre og send").click()
    expect(kari.locator("#id_name")).to_have_value(ACCOUNT)
    b.check(kari)
    kari.locator("#id_answer_target_groups").fill("Foreldre og foresatte til elever ved skolen")
    kari.locator("#id_acknowledge").check()
    kari.get_by_role("button", name="Send til rådmannen").click()
    expect(kari.get_by_text("Søknaden er sendt til rådmannen.")).to_be_visible()

    nav(radmann, "Beslutninger")
    radmann.get_by_role("link", name=ACCOUNT, exact=True).click()
    expect(main(radmann)).to_contain_text("Foreldre og foresatte til elever ved skolen")
    b.check(radmann)
    radmann.get_by_label("Godkjenn").check()
    radmann.get_by_label("Begrunnelse eller kommentar").fill("Målgruppen er nå tydelig.")
    radmann.get_by_role("button", name="Lagre beslutning").click()
    expect(radmann.get_by_text("Beslutningen er lagret.")).to_be_visible()

    citizen.reload()
    expect(citizen.get_by_role("table")).to_contain_text(ACCOUNT)
    b.check(citizen)


def step_3_responsibility(b: Browsers) -> None:
    """Lise gives the page to the school: Anders answers, Kari is backup (by keyboard
    only), the start-up responders step down; coverage is complete; the Facebook Page."""
    lise = b.of(LISE)
    lise.goto("/")
    panel = lise.get_by_role("region", name="Kontoene til mine enheter")
    expect(panel).to_contain_text(ACCOUNT)
    b.check(lise)
    panel.get_by_role("link", name=f"Legg til svarer – {ACCOUNT}").click()
    expect(lise.get_by_role("radio", name="Svarer", exact=True)).to_be_checked()
    lise.get_by_role("button", name="Tildel").click()
    expect(lise.locator("#form-errors")).to_be_focused()  # no person chosen
    b.check(lise)
    lise.get_by_role("radio", name=f"{ANDERS.name} ({ANDERS.title}, Reine skole)").check()
    lise.get_by_role("button", name="Tildel").click()
    expect(lise.get_by_role("status").first).to_contain_text(f"{ANDERS.name} er nå svarer")

    # Kari and Lise answered during the start-up; Anders takes over, and the page is below
    # coverage until someone stands by.
    expect(lise.get_by_role("heading", level=1)).to_have_text(ACCOUNT)
    responsible = lise.get_by_role("table", name="Hvem som eier og hvem som svarer for kontoen nå.")
    for person in (KARI, LISE):
        responsible.get_by_role("button", name=f"Avslutt {person.name} som Svarer").click()
        expect(lise.get_by_role("status").first).to_contain_text(
            f"{person.name} er ikke lenger svarer"
        )
    expect(lise.locator(".alert-warning")).to_contain_text("Mangler dekning")
    b.check(lise)

    # The keyboard-only step: from the start page to the backup, Tab, type and Enter.
    lise.goto("/")
    panel = lise.get_by_role("region", name="Kontoene til mine enheter")
    expect(panel).to_contain_text("Mangler dekning")
    tab_to(lise, panel.get_by_role("link", name=f"Legg til reserve – {ACCOUNT}"))
    lise.keyboard.press("Enter")
    expect(lise.get_by_role("heading", level=1)).to_contain_text("Gi ansvar for")
    expect(lise.get_by_role("radio", name="Reserve", exact=True)).to_be_checked()
    # The picker: type in its filter, Tab to the one person shown, Space to choose.
    tab_to(lise, lise.get_by_label("Filtrer på navn"))
    lise.keyboard.type(KARI.name)
    lise.keyboard.press("Tab")
    lise.keyboard.press("Space")
    expect(lise.get_by_role("radio", name=re.compile(f"^{KARI.name}"))).to_be_checked()
    tab_to(lise, lise.get_by_role("button", name="Tildel"))
    lise.keyboard.press("Enter")
    expect(lise.get_by_role("status").first).to_contain_text(f"{KARI.name} er nå reserve")
    b.check(lise)
    expect(lise.locator(".alert-warning")).to_have_count(0)  # coverage: owner + two who answer
    lise.goto("/")
    panel = lise.get_by_role("region", name="Kontoene til mine enheter")
    expect(panel).to_contain_text("Dekning i orden")
    expect(panel).to_contain_text(f"Svarere: {ANDERS.name}")
    expect(panel).to_contain_text(f"Reserver: {KARI.name}")
    tour(lise, "3-dekning")

    # The owner connects the school's Facebook Page, so its comments reach the app. The
    # form refuses a page id that is not one; connecting with a token goes to the Graph
    # API (tests/posts/test_platform.py): here the page is only named for the webhook, so
    # the journey's answers are recorded as given elsewhere.
    panel.get_by_role("link", name=ACCOUNT, exact=True).click()
    lise.get_by_role("link", name="Koble til Facebook-siden").click()
    lise.get_by_label("Facebook-sidens ID").fill("reineskole")
    lise.get_by_label("Sidens tilgangsnøkkel").fill("EAAtoken")
    lise.get_by_role("button", name="Koble til").click()
    expect(lise.locator("#form-errors")).to_contain_text("sifre")
    b.check(lise)
    school = Account.objects.get(name=ACCOUNT)
    owner = User.objects.get(username=LISE.username)
    account_facebook_page_set(actor=owner, account=school, page_id=PAGE_ID)
    lise.goto(f"/kontoer/{school.pk}/")
    expect(lise.get_by_role("region", name="Innlegg", exact=True)).to_contain_text(PAGE_ID)
    b.check(lise)


COMPLAINT_ID = f"{PAGE_ID}_555_9001"
COMPLAINT = "Skolebussen kom ikke i dag heller, og ingen sa fra. Tredje gang denne måneden!"
SENSITIVE_ID = f"{PAGE_ID}_555_9002"
SENSITIVE = "Sønnen min har epilepsi og fikk et anfall i friminuttet. Hvorfor ringte ingen meg?"
DUE_SUBJECT = f"Et innlegg på {ACCOUNT} venter på svar"
ESCALATION_SUBJECT = f"Et innlegg på {ACCOUNT} er fortsatt ikke besvart"


def _notifications(page: Page, subject: str) -> Locator:
    page.goto("/varsler/")
    return main(page).get_by_role("listitem").filter(has_text=subject)


def step_4_complaint(
    b: Browsers, live_server: LiveServer, traveller: time_machine.Traveller
) -> Post:
    """A complaint through the webhook; the reminder once, the escalation once; answered."""
    assert (
        deliver_comment(
            live_server,
            comment_id=COMPLAINT_ID,
            author="Ola Nordmann",
            message=COMPLAINT,
            secret="x",
        )[0]
        == 403
    )  # not signed with the app's secret
    delivered = deliver_comment(
        live_server, comment_id=COMPLAINT_ID, author="Ola Nordmann", message=COMPLAINT
    )
    assert delivered == (200, {"created": 1})
    # Meta delivers again when unsure: nothing new.
    assert deliver_comment(
        live_server, comment_id=COMPLAINT_ID, author="Ola Nordmann", message=COMPLAINT
    ) == (200, {"created": 0})

    post = Post.objects.get(platform_id=COMPLAINT_ID)
    working_day = policy_in_force().working_day
    assert post.due_at == add_working_hours(
        post.posted_at, NEW_DEADLINE_HOURS, working_day=working_day
    )
    assert post.due_at < add_working_hours(
        post.posted_at, OLD_DEADLINE_HOURS, working_day=working_day
    )
    assert timezone.localtime(post.due_at, OSLO).date() == START.date()  # Monday afternoon

    anders = b.of(ANDERS)
    nav(anders, "Innlegg")
    row = anders.get_by_role("row").filter(has_text="Skolebussen kom ikke")
    expect(row).to_contain_text("Ikke vurdert")
    expect(row).to_contain_text(local(post.due_at, "j. N H:i"))
    b.check(anders)
    tour(anders, "4-innboks")

    assert run_beat() == 0  # not due yet
    move_clock(traveller, post.due_at + timedelta(minutes=10))
    assert run_beat() == 1
    assert run_beat() == 0  # the next sweep finds nothing more
    assert len(mails_to(ANDERS, DUE_SUBJECT)) == 1
    assert not mails_to(KARI, DUE_SUBJECT)  # the responder is reminded, not the backup
    assert not mails_to(LISE, ESCALATION_SUBJECT)
    expect(_notifications(anders, DUE_SUBJECT)).to_have_count(1)
    b.check(anders)

    # One working day after the deadline: the escalation to the owner, once.
    post.refresh_from_db()
    assert post.next_reminder_at == add_working_hours(post.due_at, 7.5, working_day=working_day)
    move_clock(traveller, post.next_reminder_at + timedelta(minutes=10))
    assert run_beat() == 1
    assert run_beat() == 0
    assert len(mails_to(LISE, ESCALATION_SUBJECT)) == 1
    assert len(mails_to(ANDERS, DUE_SUBJECT)) == 1
    lise = b.of(LISE)
    lise.goto("/")
    expect(lise.get_by_role("region", name="Uleste varsler")).to_contain_text(ESCALATION_SUBJECT)
    expect(_notifications(lise, ESCALATION_SUBJECT)).to_have_count(1)

    # Anders follows his notification, triages and answers.
    _notifications(anders, DUE_SUBJECT).get_by_role("link", name="Åpne").click()
    expect(anders.get_by_role("heading", level=1)).to_have_text(f"Innlegg på {ACCOUNT}")
    expect(anders.locator(".lead")).to_contain_text("Forfalt")
    b.check(anders)
    anders.get_by_role("link", name="Vurder").click()
    anders.get_by_role("radio", name="Klage fra en misfornøyd innbygger").check()
    anders.get_by_role("radio", name="Ja").check()
    anders.get_by_role("button", name="Lagre vurderingen").click()
    expect(anders.get_by_text("En klage eller en faktafeil besvares alltid.")).to_be_visible()
    anders.get_by_role("link", name="Registrer svaret").click()
    anders.get_by_role("button", name="Registrer svaret").click()
    expect(anders.locator("#form-errors")).to_be_visible()
    b.check(anders)
    anders.get_by_label("Svaret som ble gitt").fill(
        "Beklager! Busselskapet har fått beskjed, og skolen varsler på SMS neste gang."
    )
    anders.get_by_role("button", name="Registrer svaret").click()
    expect(anders.get_by_role("status").first).to_contain_text("Svaret er registrert.")
    expect(anders.locator(".lead")).to_contain_text("Besvart")
    b.check(anders)

    # The rest of the week passes: no further reminder.
    sent = len(mail.outbox)
    move_clock(traveller, timezone.now() + timedelta(days=3))
    assert run_beat() == 0
    assert len(mail.outbox) == sent
    expect(_notifications(anders, DUE_SUBJECT)).to_have_count(1)
    nav(anders, "Innlegg")
    expect(anders.get_by_text("Ingen innlegg venter på svar.")).to_be_visible()
    b.check(anders)  # empty inbox
    post.refresh_from_db()
    return post


def step_5_sensitive(b: Browsers, live_server: LiveServer) -> None:
    """A comment naming a child's illness: triaged as sensitive and removed, not answered."""
    assert deliver_comment(
        live_server, comment_id=SENSITIVE_ID, author="Mona Mor", message=SENSITIVE
    ) == (200, {"created": 1})
    anders = b.of(ANDERS)
    anders.reload()
    # The screening marked it as it came in: first in the inbox, the illness masked.
    expect(anders.get_by_role("heading", name="Mulig sensitivt: avgjør først")).to_be_visible()
    expect(main(anders)).not_to_contain_text("epilepsi")
    anders.get_by_role("link", name="Sønnen min har e••••••• og fikk et anfall").first.click()
    expect(main(anders)).to_contain_text("Mulig sensitive opplysninger")
    expect(main(anders)).not_to_contain_text("epilepsi")
    anders.get_by_role("link", name="Vurder").click()
    b.check(anders)
    anders.get_by_role("radio", name="Sensitive opplysninger").check()
    anders.get_by_role("radio", name="Nei").check()
    anders.get_by_role("button", name="Lagre vurderingen").click()
    expect(anders.get_by_role("link", name="Registrer svaret")).to_have_count(0)
    b.check(anders)
    anders.get_by_role("link", name="Slett (sensitive opplysninger)").click()
    expect(anders.get_by_text("Dette kan ikke angres.")).to_be_visible()
    b.check(anders)
    anders.get_by_role("button", name="Innlegget er slettet på plattformen: slett det her").click()
    expect(main(anders)).to_contain_text("Innleggets tekst er slettet")
    expect(main(anders)).not_to_contain_text("epilepsi")
    expect(main(anders)).not_to_contain_text("Mona Mor")
    b.check(anders)
    # Delivered again by Meta: the text stays gone.
    assert deliver_comment(
        live_server, comment_id=SENSITIVE_ID, author="Mona Mor", message=SENSITIVE
    ) == (200, {"created": 0})
    removed = Post.objects.get(platform_id=SENSITIVE_ID)
    assert (removed.status, removed.text, removed.author, removed.url) == (
        PostStatus.REMOVED,
        "",
        "",
        "",
    )
    anders.goto("/innlegg/?status=removed")
    expect(anders.get_by_role("table")).to_contain_text(f"Innlegg {removed.pk} (slettet)")
    expect(anders.get_by_role("table")).not_to_contain_text("epilepsi")
    b.check(anders)


FLOOD_Q1_ID, FLOOD_Q2_ID = f"{PAGE_ID}_777_1", f"{PAGE_ID}_777_2"
FLOOD_Q1 = "Er skolen stengt på mandag på grunn av flommen?"
FLOOD_Q2 = "Hvor skal elevene møte når fylkesveien er stengt?"
OFFICIAL = "Fylkesvei 93 er stengt ved Reine. Skolen holder stengt mandag; følg med på nettsiden."
CRISIS_REASON = "Flom i Reine sentrum"
CRISIS_SUMMARY = "Veien er åpnet igjen; skolen åpner som vanlig tirsdag."
CRISIS_SUBJECT = f"Krisemodus: et innlegg på {ACCOUNT} venter på svar"


def step_6_crisis(b: Browsers, live_server: LiveServer, traveller: time_machine.Traveller) -> None:
    """A flood on Friday: crisis mode over the weekend, through the crisis leader's pages."""
    for comment_id, author, text in (
        (FLOOD_Q1_ID, "Per Pappa", FLOOD_Q1),
        (FLOOD_Q2_ID, "Mia Mamma", FLOOD_Q2),
    ):
        assert deliver_comment(live_server, comment_id=comment_id, author=author, message=text) == (
            200,
            {"created": 1},
        )

    kristian = b.of(KRISTIAN)
    panel = kristian.get_by_role("region", name="Kriseberedskap")
    expect(panel).to_contain_text("Ingen krise er aktiv.")
    b.check(kristian)
    panel.get_by_role("link", name="Start krisemodus").click()
    kristian.get_by_role("radio", name="Bare kontoene som er valgt nedenfor").check()
    kristian.get_by_role("button", name="Fortsett").click()
    expect(kristian.locator("#form-errors")).to_contain_text("Velg minst én konto")
    b.check(kristian)
    kristian.get_by_label("Begrunnelse").fill(CRISIS_REASON)
    kristian.get_by_label("Det offisielle budskapet").fill(OFFICIAL)
    kristian.get_by_label("Lenke til kommunens nettside").fill("https://www.example.org/flom")
    kristian.get_by_role("radio", name="Alle offisielle kontoer").check()
    kristian.get_by_role("button", name="Fortsett").click()
    expect(kristian.get_by_role("heading", level=1)).to_have_text("Bekreft: start krisemodus")
    b.check(kristian)
    kristian.get_by_role("button", name="Start krisemodus nå").click()
    expect(kristian.get_by_role("status").first).to_contain_text("Krisemodus er aktiv.")
    b.check(kristian)

    # The responder: the banner on every page, the post readable, and no answer.
    anders = b.of(ANDERS)
    anders.goto("/")
    expect(anders.get_by_role("region", name="Krisemodus")).to_contain_text(OFFICIAL)
    b.check(anders)
    nav(anders, "Innlegg")
    anders.get_by_role("link", name=FLOOD_Q1).click()
    expect(anders.get_by_role("note")).to_contain_text("Krisemodus er aktiv.")
    expect(anders.get_by_role("link", name="Registrer svaret")).to_have_count(0)
    b.check(anders)
    tour(anders, "6-krise")
    anders.goto(anders.url + "svar/")  # the answer page by its address: refused
    expect(anders.get_by_role("heading", level=1)).to_have_text("Ingen tilgang")
    expect(main(anders)).to_contain_text("bare kriseledelsen")
    b.check(anders)

    # The crisis leader answers the first question with the official message, in one step.
    first = Post.objects.get(platform_id=FLOOD_Q1_ID)
    kristian.goto("/")
    kristian.get_by_role("region", name="Kriseberedskap").get_by_role(
        "link", name="Kriseinnboks"
    ).click()
    expect(kristian.get_by_role("table")).to_contain_text(FLOOD_Q2)
    b.check(kristian)
    kristian.get_by_role(
        "link", name=f"Svar med det offisielle budskapet – innlegg {first.pk}"
    ).click()
    # The confirmation says where the answer will appear: not connected, in the app only.
    expect(kristian.get_by_role("main")).to_contain_text("registreres svaret bare i appen")
    b.check(kristian)
    kristian.get_by_role("button", name="Registrer svaret").click()
    expect(kristian.get_by_role("status").first).to_contain_text(
        "er besvart med det offisielle budskapet"
    )
    b.check(kristian)

    # The weekend passes. On Monday morning the second question falls due: in crisis mode
    # the reminder goes to the crisis team, not to the responder.
    second = Post.objects.get(platform_id=FLOOD_Q2_ID)
    due_in_crisis = second.due_at
    move_clock(traveller, due_in_crisis + timedelta(minutes=10))
    assert run_beat() == 1
    assert len(mails_to(KRISTIAN, CRISIS_SUBJECT)) == 1
    assert len(mails_to(ANDERS, DUE_SUBJECT)) == 1  # still only step 4's

    # The crisis leader ends it; the open post gets back the time the crisis took.
    kristian.goto("/")
    kristian.get_by_role("region", name="Kriseberedskap").get_by_role(
        "link", name="Avslutt krisemodus"
    ).click()
    kristian.get_by_role("button", name="Avslutt krisemodus").click()
    expect(kristian.locator("#form-errors")).to_be_visible()
    b.check(kristian)
    kristian.get_by_label("Oppsummering").fill(CRISIS_SUMMARY)
    kristian.get_by_role("button", name="Avslutt krisemodus").click()
    expect(kristian.get_by_role("status").first).to_contain_text("Krisemodus er avsluttet.")
    expect(kristian.get_by_role("region", name="Innlegg under krisen")).to_contain_text(
        "med det offisielle budskapet"
    )
    b.check(kristian)
    crisis = CrisisPeriod.objects.get()
    assert crisis.ended_at is not None
    second.refresh_from_db()
    assert second.due_at == due_in_crisis + (crisis.ended_at - crisis.started_at)

    # The responder answers the rest, as usual.
    anders.goto("/")
    expect(anders.get_by_role("region", name="Krisemodus")).to_have_count(0)
    nav(anders, "Innlegg")
    row = anders.get_by_role("row").filter(has_text=FLOOD_Q2)
    expect(row).to_contain_text(local(second.due_at, "j. N H:i"))
    expect(anders.get_by_role("table")).not_to_contain_text(FLOOD_Q1)
    b.check(anders)
    row.get_by_role("link", name=FLOOD_Q2).click()
    anders.get_by_role("link", name="Vurder").click()
    anders.get_by_role("radio", name="Spørsmål").check()
    anders.get_by_role("radio", name="Ja").check()
    anders.get_by_role("button", name="Lagre vurderingen").click()
    anders.get_by_role("link", name="Registrer svaret").click()
    anders.get_by_label("Svaret som ble gitt").fill("Elevene møter ved Sørvågen skole kl. 08.")
    anders.get_by_role("button", name="Registrer svaret").click()
    expect(anders.get_by_role("status").first).to_contain_text("Svaret er registrert.")
    b.check(anders)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.answered_by_id) == (PostStatus.ANSWERED, crisis.started_by_id)
    assert first.answer_text.startswith(OFFICIAL)
    assert second.status == PostStatus.ANSWERED


def step_7_closing(b: Browsers) -> None:
    """Lise asks to close the page; the rådmann approves; it leaves the register."""
    lise = b.of(LISE)
    lise.goto("/")
    lise.get_by_role("region", name="Kontoene til mine enheter").get_by_role(
        "link", name=ACCOUNT, exact=True
    ).click()
    lise.get_by_role("link", name="Be om å legge ned kontoen").click()
    b.check(lise)
    lise.get_by_role("button", name="Send til rådmannen").click()
    expect(lise.locator("#form-errors")).to_be_visible()
    b.check(lise)
    lise.get_by_label("Hvorfor skal kontoen legges ned?").fill(
        "Fra nyttår samles foreldrekontakten på skolens nettside."
    )
    lise.get_by_role("button", name="Send til rådmannen").click()
    b.check(lise)

    radmann = b.of(RADMANN)
    nav(radmann, "Beslutninger")
    radmann.get_by_role("link", name=f"Nedleggelse: {ACCOUNT}").click()
    expect(main(radmann)).to_contain_text("Fra nyttår samles foreldrekontakten")
    # The closing decision's own page: close the account, or keep it.
    radmann.get_by_label("Legg ned kontoen").check()
    radmann.get_by_label("Begrunnelse eller kommentar").fill("Én kanal er nok.")
    radmann.get_by_role("button", name="Lagre beslutning").click()
    expect(radmann.get_by_text("Beslutningen er lagret.")).to_be_visible()

    # The register may be cached publicly for a minute (REGISTER_CACHE_SECONDS), and this
    # browser's clock is not the frozen one: a visitor with a fresh browser looks it up.
    citizen = b.of(None, fresh=True)
    citizen.goto("/register/")
    citizen.get_by_label("Søk på navn eller brukernavn").fill(HANDLE)
    citizen.get_by_role("button", name="Søk").click()
    expect(citizen.get_by_text(f"Ingen offisiell konto passer til «{HANDLE}».")).to_be_visible()
    b.check(citizen)


@dataclass(frozen=True)
class Logged:
    """One line the rådmann expects in the log: who, what (action and object), when (day)
    and why (the reason given)."""

    who: str
    action: str
    target: str
    why: str = ""
    day: str = ""

    def matches(self, row: list[str]) -> bool:
        time, who, action, target, reason = row
        return (
            who == self.who
            and action == self.action
            and self.target in target
            and self.why in reason
            and time.startswith(self.day)
        )


MON, TUE, FRI = "30. november 2026", "1. desember 2026", "4. desember 2026"
NEXT_MON = "7. desember 2026"
SYSTEM = "Systemet"
REQUEST = ACCOUNT
CLOSING = f"Nedleggelse: {ACCOUNT}"
V2 = "Veileder for bruk av sosiale medier, versjon 2"


def _expected_log(complaint: Post, removed: Post) -> list[Logged]:
    first, second = f"Innlegg {complaint.pk} på {ACCOUNT}", f"Innlegg {removed.pk} på {ACCOUNT}"
    flood_1, flood_2 = (
        f"Innlegg {Post.objects.get(platform_id=platform_id).pk} på {ACCOUNT}"
        for platform_id in (FLOOD_Q1_ID, FLOOD_Q2_ID)
    )
    rolf, kari, lise, anders = RADMANN.name, KARI.name, LISE.name, ANDERS.name
    kristian = KRISTIAN.name
    return [
        # 1. The guideline
        Logged(rolf, "Utkast startet", V2, day=MON),
        Logged(rolf, "Parametrene endret", V2),
        Logged(rolf, "Versjon vedtatt", V2, "fra åtte til fire arbeidstimer"),
        Logged(kari, "Bekreftet å ha lest veilederen", V2),
        Logged(lise, "Bekreftet å ha lest veilederen", V2),
        Logged(anders, "Bekreftet å ha lest veilederen", V2),
        # 2. The request
        Logged(kari, "Søknad lagret som utkast", REQUEST),
        Logged(kari, "Søknad sendt til rådmannen", REQUEST),
        Logged(rolf, "Søknad sendt tilbake for endringer", REQUEST, "Målgruppen er uklar"),
        Logged(kari, "Søknad sendt til rådmannen", REQUEST),
        Logged(rolf, "Konto opprettet", ACCOUNT, "Godkjent av rådmannen"),
        Logged(rolf, "Søknad godkjent", REQUEST, "Målgruppen er nå tydelig."),
        # 3. Responsibility
        Logged(lise, f"Ansvar gitt: {anders} (svarer)", ACCOUNT),
        Logged(lise, f"Ansvar avsluttet: {kari} (svarer)", ACCOUNT),
        Logged(lise, f"Ansvar avsluttet: {lise} (svarer)", ACCOUNT),
        Logged(lise, f"Ansvar gitt: {kari} (reserve)", ACCOUNT),
        Logged(lise, "Facebook-siden endret", ACCOUNT),
        # 4. The complaint: in on Monday, reminded Monday, escalated Tuesday, answered
        Logged(SYSTEM, "Innlegg mottatt", first, day=MON),
        Logged(SYSTEM, "Påminnelse sendt", first, f"påminnet: {anders}.", day=MON),
        Logged(SYSTEM, "Påminnelse sendt", first, f"eieren er varslet: {lise}.", day=TUE),
        Logged(anders, "Innlegg vurdert: svar på innlegget", first, day=TUE),
        Logged(anders, "Innlegg besvart", first, day=TUE),
        # 5. The sensitive comment, on Friday
        Logged(SYSTEM, "Innlegg mottatt", second, day=FRI),
        Logged(anders, "Innlegg vurdert: slett innlegget; ikke svar på det", second),
        Logged(anders, "Innlegg slettet (sensitive opplysninger)", second),
        # 6. The flood: crisis mode from Friday to Monday
        Logged(SYSTEM, "Innlegg mottatt", flood_1, day=FRI),
        Logged(SYSTEM, "Innlegg mottatt", flood_2, day=FRI),
        Logged(kristian, "Krisemodus startet", "Krise fra", CRISIS_REASON, day=FRI),
        Logged(kristian, "Innlegg besvart", flood_1, day=FRI),
        Logged(
            SYSTEM, "Påminnelse sendt", flood_2, f"kriseledelsen varslet: {kristian}.", day=NEXT_MON
        ),  # fmt: skip
        Logged(kristian, "Krisemodus avsluttet", "Krise fra", CRISIS_SUMMARY, day=NEXT_MON),
        Logged(anders, "Innlegg vurdert: svar på innlegget", flood_2),
        Logged(anders, "Innlegg besvart", flood_2, day=NEXT_MON),
        # 7. Closing
        Logged(lise, "Søknad sendt til rådmannen", CLOSING, "Fra nyttår samles"),
        Logged(rolf, "Konto lagt ned", ACCOUNT, "Fra nyttår samles", day=NEXT_MON),
        Logged(rolf, "Søknad godkjent", CLOSING, "Én kanal er nok."),
    ]


def step_8_log(b: Browsers, complaint: Post) -> None:
    """The rådmann reads the whole log, page by page: every step, in order."""
    radmann = b.of(RADMANN)
    nav(radmann, "Logg")
    expect(radmann.get_by_role("heading", level=1)).to_have_text("Logg")
    tour(radmann, "8-logg")
    rows: list[list[str]] = []
    while True:
        b.check(radmann)
        expect(main(radmann)).not_to_contain_text("epilepsi")  # never a post's words
        expect(main(radmann)).not_to_contain_text("Skolebussen")
        rows += radmann.locator("main table tbody tr").evaluate_all(
            "rows => rows.map(r => [...r.cells].map(c => c.innerText.trim()))"
        )
        following = radmann.get_by_role("link", name="Neste")
        if not following.count():
            break
        following.click()
    chronological = rows[::-1]  # the log is newest first
    removed = Post.objects.get(platform_id=SENSITIVE_ID)
    position = 0
    for expected in _expected_log(complaint, removed):
        found = next(
            (i for i in range(position, len(chronological)) if expected.matches(chronological[i])),
            None,
        )
        assert found is not None, f"not in the log after line {position}: {expected}\n" + (
            "\n".join(" | ".join(row) for row in chronological)
        )
        position = found + 1
