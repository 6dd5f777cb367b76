"""Language gate: no English text from our catalogue shows on a page.

Every user-facing string has an English msgid and a Norwegian translation. If a msgid
itself shows on a page, something was left untranslated (a string outside the
translation system's reach, a missing catalogue entry, a wrong language). Short msgids
(one or two words) are skipped: words like "Status" or "Start" read the same in both.

Nor does an internal key of the guideline's data show: the codes of rules and reminder
stages, the keys of questions and topics, the names of parameters and the stored values of
their choices ("channel_fit", "1-felles-grunnlag", «due»). They name things for the
program; a person reads the rule's title, the question's text, the stage's number.
"""

import functools
import re
from pathlib import Path

import polib
import yaml
from playwright.sync_api import Page

CATALOGUE = Path(__file__).resolve().parents[1] / "locale" / "nb" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")
GUIDELINE_DATA = CATALOGUE.parents[3] / "policy" / "data" / "guideline-v1.yaml"


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


@functools.cache
def internal_keys() -> tuple[str, ...]:
    """The guideline's keys: from its data (rule codes, question and topic keys, reminder
    stage codes) and from the parser (parameter names, stored values of their choices)."""
    from policy.parameters import (
        OPTIONAL_VERSION_PARAMETER_KEYS,
        RULE_PARAMETER_KEYS,
        VERSION_PARAMETER_KEYS,
        ReminderRecipient,
        TopicAction,
    )

    data = yaml.safe_load(GUIDELINE_DATA.read_text(encoding="utf-8"))
    keys = {stage["code"] for stage in data["parameters"]["reminder_stages"]}
    for rule in data["rules"]:
        keys.add(rule["code"])
        parameters = rule.get("parameters") or {}
        for name in ("question", "topic"):
            if name in parameters:
                keys.add(parameters[name]["key"])
    keys.update(VERSION_PARAMETER_KEYS, OPTIONAL_VERSION_PARAMETER_KEYS)
    keys.update(key for names in RULE_PARAMETER_KEYS.values() for key in names)
    keys.update(("after_working_hours", *ReminderRecipient.values, *TopicAction.values))
    # A key that is also a word of the guideline's own text ("sensitive") is Norwegian too.
    prose = {
        word
        for rule in data["rules"]
        for field in ("section_title", "heading", "title", "text")
        for word in re.findall(r"[\w-]+", str(rule.get(field, "")).lower())
    }
    return tuple(sorted(keys - prose))


@functools.cache
def _internal_key_pattern() -> re.Pattern[str]:
    # A key as a word of its own: "due" in «Påminnelse «due»», not in "produet".
    alternatives = "|".join(re.escape(key) for key in sorted(internal_keys(), key=len)[::-1])
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


def internal_keys_on_page(text: str) -> list[str]:
    return sorted(set(_internal_key_pattern().findall(text)))


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
    text = visible_text(page)
    found = english_on_page(text)
    assert not found, f"untranslated English on {page.url}: {found}"
    keys = internal_keys_on_page(text)
    assert not keys, f"internal keys on {page.url}: {keys}"
