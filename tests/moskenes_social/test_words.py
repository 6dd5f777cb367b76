"""The words on every page the demo users reach: Norwegian, with no internal key.

Each demo user follows the links from the start page (each kind of page once, a few of
the object pages) through the test client; every page's visible text, with the choices of
its selects and the names and hints of its elements, is checked by the language gate the
browser tests use (``tests.language``).
"""

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urlsplit

import polib
import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from moskenes_social.people.demo import DEMO_USERS, demo_seed
from moskenes_social.people.models import User
from tests.language import CATALOGUE, english_on_page, internal_keys_on_page

pytestmark = pytest.mark.django_db

# Not pages a person reads: the admin, machine interfaces, and forms that act on GET-less
# endpoints (they answer 405).
_SKIPPED_PREFIXES = ("/admin/", "/static/", "/innlegg/api/", "/innlegg/webhook/")
_SKIPPED_NAMES = {"logout", "register_json", "healthz"}
# How many pages of one kind (one URL name) each user visits.
_PER_NAME = 2
_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")


class _Page(HTMLParser):
    """A page's text as ``tests.language.visible_text`` reads it in a browser, and its links."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in {"script", "style", "template"}:
            self._hidden += 1
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))
        self.text.extend(str(values[name]) for name in _ATTRIBUTES if values.get(name))

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "template"}:
            self._hidden -= 1
        if tag in {"p", "li", "td", "th", "div", "h1", "h2", "h3", "option", "dd", "dt"}:
            self.text.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.text.append(data)


def _crawl(client: Client) -> dict[str, str]:
    """Path -> visible text of every page reached from the start page."""
    seen_names: dict[str, int] = {}
    pages: dict[str, str] = {}
    queue = deque(["/"])
    while queue:
        path = queue.popleft()
        if path in pages:
            continue
        response = client.get(path)
        assert response.status_code < 500, path
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = _Page()
        parser.feed(response.content.decode())
        pages[path] = "".join(parser.text)
        for href in parser.links:
            url = urlsplit(href)
            if url.scheme or url.netloc or not url.path.startswith("/"):
                continue
            if url.path.startswith(_SKIPPED_PREFIXES):
                continue
            try:
                name = resolve(url.path).url_name or ""
            except Resolver404:
                continue
            target = url.path + (f"?{url.query}" if url.query else "")
            if name in _SKIPPED_NAMES or target in pages:
                continue
            if seen_names.get(name, 0) >= _PER_NAME:
                continue
            seen_names[name] = seen_names.get(name, 0) + 1
            queue.append(target)
    return pages


# Words that do not add up, whatever the language gate says: a colon after a question, a
# parenthesis inside a parenthesis, a duration of nothing, a list of empty answers, the
# program's words for where a post came from, and a token called anything but its one
# name (the account's «API-nøkkel», a platform's «tilgangsnøkkel»).
_AWKWARD = re.compile(
    r"\?:|\([^()\n]*\(|\b0 minutter|–; –|–, –|webhook|Innleggs-API|"
    r"(?<![\w-])[Nn]øk(?:kel|ler)(?:en|ene)?\b|mottaksnøk"
)


def _awkward(text: str) -> list[str]:
    return _AWKWARD.findall(text)


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("moskenes_social.notifications.services._enqueue", lambda ids: None)
    demo_seed()


@pytest.mark.parametrize("username", [u.username for u in DEMO_USERS])
def test_no_page_shows_english_or_an_internal_key(demo: None, username: str) -> None:
    client = Client()
    client.force_login(User.objects.get(username=username))
    pages = _crawl(client)
    # Guards the check against reading nothing: each user reaches a good part of the app.
    assert len(pages) >= 8, sorted(pages)
    problems = [
        f"{path}: {found}"
        for path, text in pages.items()
        if (found := english_on_page(text) + internal_keys_on_page(text) + _awkward(text))
    ]
    assert not problems, "\n".join(problems)


# The guideline's document says «profil» and «konto» alike; the app says «konto», and for
# the account's token for scripts «API-nøkkel» (a platform's token is a «tilgangsnøkkel»).
_NOT_THE_APPS_WORD = re.compile(r"[Pp]rofil|(?<![\w-])[Nn]øk(?:kel|ler)(?:en|ene)?\b|webhook")


def test_the_catalogue_says_one_word_for_each_thing() -> None:
    found = [
        entry.msgstr
        for entry in polib.pofile(str(CATALOGUE))
        if _NOT_THE_APPS_WORD.search(entry.msgstr)
        # Words about the guideline's own parameters are not about accounts or tokens.
        and not any(path.startswith("policy/") for path, _line in entry.occurrences)
    ]
    assert not found, found
