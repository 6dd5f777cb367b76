"""The words on every page the demo users reach: Norwegian, with no internal key.

Each demo user follows the links from the start page (each kind of page once, a few of
the object pages) through the test client; every page's visible text, with the choices of
its selects and the names and hints of its elements, is checked by the language gate the
browser tests use (``tests.language``).
"""

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from moskenes_social.people.demo import DEMO_USERS, demo_seed
from moskenes_social.people.models import User
from tests.language import english_on_page, internal_keys_on_page

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


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("moskenes_social.notifications.services._enqueue", lambda ids: None)
    demo_seed()


# Issue 17: the rådmann's guideline editor still shows rule codes and question and topic
# keys; remove the mark when they are fixed (then wire the key check into assert_norwegian).
_EDITOR_SHOWS_KEYS = pytest.mark.xfail(
    strict=True, reason="issue 17: the guideline editor still shows internal keys"
)


@pytest.mark.parametrize(
    "username",
    [
        pytest.param(u.username, marks=_EDITOR_SHOWS_KEYS)
        if u.username == "radmann"
        else u.username
        for u in DEMO_USERS
    ],
)
def test_no_page_shows_english_or_an_internal_key(demo: None, username: str) -> None:
    client = Client()
    client.force_login(User.objects.get(username=username))
    pages = _crawl(client)
    # Guards the check against reading nothing: each user reaches a good part of the app.
    assert len(pages) >= 8, sorted(pages)
    problems = [
        f"{path}: {english_on_page(text) + internal_keys_on_page(text)}"
        for path, text in pages.items()
        if english_on_page(text) or internal_keys_on_page(text)
    ]
    assert not problems, "\n".join(problems)
