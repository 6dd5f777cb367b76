"""Language gate: no English text from our catalogue shows on a page.

Every user-facing string has an English msgid and a Norwegian translation. If a msgid
itself shows on a page, something was left untranslated (a string outside the
translation system's reach, a missing catalogue entry, a wrong language). Short msgids
(one or two words) are skipped: words like "Status" or "Start" read the same in both.
"""

import functools
import re
from pathlib import Path

import polib
from playwright.sync_api import Page

CATALOGUE = Path(__file__).resolve().parents[1] / "locale" / "nb" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


@functools.cache
def english_phrases() -> tuple[str, ...]:
    """Msgids of three words or more whose translation differs, cut at placeholders."""
    phrases: set[str] = set()
    for entry in polib.pofile(str(CATALOGUE)):
        for msgid in filter(None, [entry.msgid, entry.msgid_plural]):
            if msgid == entry.msgstr:
                continue
            for part in PLACEHOLDER.split(msgid):
                part = part.strip(" .,:;()")
                if len(part.split()) >= 3:
                    phrases.add(part)
    return tuple(sorted(phrases))


def english_on_page(text: str) -> list[str]:
    return [phrase for phrase in english_phrases() if phrase in text]


# Text a person meets that ``innerText`` leaves out: the choices of a closed select, and
# the names and hints screen readers and tooltips give.
_HIDDEN_TEXT = """() => [
  ...[...document.querySelectorAll("option")].map(o => o.textContent),
  ...[...document.querySelectorAll("[aria-label], [title], [placeholder], [alt]")].flatMap(
    e => ["aria-label", "title", "placeholder", "alt"].map(a => e.getAttribute(a) || "")),
].join("\\n")"""


def visible_text(page: Page) -> str:
    return page.locator("body").inner_text() + "\n" + str(page.evaluate(_HIDDEN_TEXT))


def assert_norwegian(page: Page) -> None:
    found = english_on_page(visible_text(page))
    assert not found, f"untranslated English on {page.url}: {found}"
