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


def assert_norwegian(page: Page) -> None:
    found = english_on_page(page.locator("body").inner_text())
    assert not found, f"untranslated English on {page.url}: {found}"
