"""Screening a post's text for sensitive information: pure functions, no database.

The guideline: «Sensitive opplysninger skal ikke kommenteres. Innlegg om slike tema skal
slettes.» ``screen`` looks for what makes a post such a one, as the guideline version in
force says (``policy.parameters.ScreeningParameters``):

1. Norwegian identity numbers: 11 digits, or 6 and 5 with a space between, not inside a
   longer number. The first six are a date (a D-number adds 4 to the first digit); the
   weighted sums of the check digits (k1: 3 7 6 1 8 9 4 5 2 1, k2: 5 4 3 2 7 6 5 4 3 2 1)
   leave remainder 0 mod 11 for k2, and 0 for k1 today or 0 to 3 for a number issued from
   1 January 2032 (Skatteetaten, «Nytt fødselsnummer fra 2032»): both are accepted, since
   numbers of both kinds will be about. The confidence is high with a context word near
   («fnr», «fødselsnummer», «personnummer», «d-nr»), low for the 4.2.5 grouping of a bank
   account number (whose last digit is the same mod-11 check as k2) or a word for account
   near, medium otherwise.
2. The version's words and their inflections, on word boundaries, case-insensitive; æ, ø
   and å are letters of their own («bør» is not «bor»), and a decomposed å (a and a ring)
   is the same letter as a composed one. A form ending in ``*`` is a prefix; a form of
   several words matches them separated by spaces or hyphens.
3. Phone numbers (8 digits, Norwegian, ``+47`` or not) and e-mail addresses, if the
   version names them: low confidence, since the screen cannot tell whose they are.

A finding is a kind, its span in the text, a confidence and (for a word) the list's
headword; ``Post.findings`` stores them as JSON and ``text_masked`` masks their spans.
"""

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from accounts.models import FindingConfidence, FindingKind
from policy.parameters import PersonalData, ScreeningParameters

__all__ = [
    "Finding",
    "findings_json",
    "findings_summary",
    "identity_number_kind",
    "screen",
    "should_hide",
]

# At most this many findings are kept for one post: enough to show what matched.
MAX_FINDINGS = 50

K1 = (3, 7, 6, 1, 8, 9, 4, 5, 2, 1)
K2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1)
# k1's remainders: today's rule accepts 0; from 2032 also 1, 2 and 3.
K1_REMAINDERS_TODAY = frozenset({0})
K1_REMAINDERS_2032 = frozenset({0, 1, 2, 3})

# 11 digits, or 6 and 5 with a space; or an account number's 4.2.5 (dots or spaces). Not
# after a digit (nor a digit and a separator), not before one.
_ID_RE = re.compile(
    r"(?<![0-9])(?<![0-9][ .,/-])"
    r"(?:(?P<plain>[0-9]{6} ?[0-9]{5})|(?P<account>[0-9]{4}(?P<sep>[. ])[0-9]{2}(?P=sep)[0-9]{5}))"
    r"(?![ .,/-]?[0-9])"
)
_CONTEXT_RE = re.compile(
    r"(?<!\w)(?:fnr|f\.nr|fødselsnr|fødselsnummer\w*|personnr|personnummer\w*|pnr"
    r"|d-nr|d-nummer\w*|dnr)(?!\w)"
)
_ACCOUNT_RE = re.compile(r"(?<!\w)(?:konto\w*|kontonr|bankkonto\w*)(?!\w)")
# How far from a number a context word counts, in characters.
CONTEXT_REACH = 40

_PHONE_RE = re.compile(
    r"(?<![\w+])(?<![0-9][ .-])(?:(?:\+|00)47 ?)?"
    r"(?:[2-79][0-9]{7}|[2-79][0-9]{2} [0-9]{2} [0-9]{3}|[2-79][0-9] [0-9]{2} [0-9]{2} [0-9]{2})"
    r"(?![ .-]?[0-9])(?!\w)"
)
_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

# A word: letters and digits, with any combining marks (a decomposed å is a, then a ring).
_WORD_RE = re.compile(r"[^\W_][\w\u0300-\u036f]*")
# What may stand between the words of a form of several words.
_JOIN_RE = re.compile(r"[\s-]+")


@dataclass(frozen=True)
class Finding:
    kind: str  # a FindingKind value
    start: int
    end: int
    confidence: str  # a FindingConfidence value
    term: str = ""  # the headword of the list, for a word

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "start": self.start,
            "end": self.end,
            "confidence": self.confidence,
        }
        if self.term:
            data["term"] = self.term
        return data


# --- Identity numbers ------------------------------------------------------------------


def _date_exists(day: int, month: int, yy: int) -> bool:
    """Whether day.month exists in a year ending in ``yy`` (29 February in 19yy or 20yy:
    every year divisible by 4 is a leap year in one of them)."""
    if not 1 <= month <= 12 or day < 1:
        return False
    try:
        date(2000 + yy if yy % 4 == 0 else 2001, month, day)
    except ValueError:
        return False
    return True


def identity_number_kind(digits: str) -> tuple[str, bool] | None:
    """``(kind, issued_from_2032)`` if the 11 ``digits`` are a valid identity number
    (``FindingKind.NATIONAL_ID`` or ``D_NUMBER``; True if only the 2032 rule accepts its
    k1), else None."""
    if len(digits) != 11 or not digits.isascii() or not digits.isdigit():
        return None
    d = [int(c) for c in digits]
    k1 = sum(w * x for w, x in zip(K1, d[:10], strict=True)) % 11
    if k1 not in K1_REMAINDERS_2032:
        return None
    if sum(w * x for w, x in zip(K2, d, strict=True)) % 11:
        return None
    day, month, yy = d[0] * 10 + d[1], d[2] * 10 + d[3], d[4] * 10 + d[5]
    kind = FindingKind.NATIONAL_ID.value
    if day > 40:
        day -= 40
        kind = FindingKind.D_NUMBER.value
    if not _date_exists(day, month, yy):
        return None
    return kind, k1 not in K1_REMAINDERS_TODAY


def _near(pattern: re.Pattern[str], text: str, start: int, end: int) -> bool:
    window = text[max(0, start - CONTEXT_REACH) : end + CONTEXT_REACH].lower()
    return pattern.search(window) is not None


def _identity_numbers(text: str) -> list[Finding]:
    found = []
    for match in _ID_RE.finditer(text):
        digits = match.group().replace(" ", "").replace(".", "")
        valid = identity_number_kind(digits)
        if valid is None:
            continue
        start, end = match.span()
        if _near(_CONTEXT_RE, text, start, end):
            confidence = FindingConfidence.HIGH
        elif match.group("account") or _near(_ACCOUNT_RE, text, start, end):
            confidence = FindingConfidence.LOW
        else:
            confidence = FindingConfidence.MEDIUM
        found.append(Finding(valid[0], start, end, confidence.value))
    return found


# --- The version's words ---------------------------------------------------------------


def _fold(word: str) -> str:
    """A word as the list is written: lowercase, composed (NFC)."""
    word = word.lower()
    return word if word.isascii() else unicodedata.normalize("NFC", word)


@dataclass(frozen=True)
class _Phrase:
    words: tuple[str, ...]  # the form's words; the last is a prefix if ``prefix``
    prefix: bool
    headword: str


class _Matcher:
    """The version's list, ready to look words up in: a word costs one dict look-up and
    one ``startswith`` over the prefixes (in C), however long the list."""

    def __init__(self, terms: Sequence[Sequence[str]]) -> None:
        by_first: dict[str, list[_Phrase]] = {}
        prefixes: list[_Phrase] = []
        for forms in terms:
            headword = forms[0].removesuffix("*")
            for form in forms:
                prefix = form.endswith("*")
                words = tuple(_fold(w) for w in _WORD_RE.findall(form.removesuffix("*")))
                if not words:
                    continue
                phrase = _Phrase(words, prefix, headword)
                if prefix and len(words) == 1:
                    prefixes.append(phrase)
                else:
                    by_first.setdefault(words[0], []).append(phrase)
        # The longest form first: «bipolar lidelse» before «bipolar».
        self.by_first = {
            first: sorted(phrases, key=lambda p: -len(p.words))
            for first, phrases in by_first.items()
        }
        self.prefixes = sorted(prefixes, key=lambda p: -len(p.words[0]))
        self.prefix_starts = tuple(p.words[0] for p in self.prefixes)

    def _single_prefix(self, word: str) -> _Phrase | None:
        if not self.prefix_starts or not word.startswith(self.prefix_starts):
            return None
        return next(p for p in self.prefixes if word.startswith(p.words[0]))

    def _phrase_at(
        self, words: Sequence[tuple[int, int, str]], text: str, i: int
    ) -> tuple[_Phrase, int] | None:
        """The longest form that begins with the ``i``-th word, and the index of its last."""
        first = words[i][2]
        for phrase in self.by_first.get(first, ()):
            n = len(phrase.words)
            if i + n > len(words):
                continue
            last = i + n - 1
            if not all(
                _JOIN_RE.fullmatch(text, words[j][1], words[j + 1][0]) for j in range(i, last)
            ):
                continue
            if not all(words[i + k][2] == phrase.words[k] for k in range(1, n - 1)):
                continue
            tail = words[last][2]
            if n > 1 and not (
                tail.startswith(phrase.words[-1]) if phrase.prefix else tail == phrase.words[-1]
            ):
                continue
            return phrase, last
        single = self._single_prefix(first)
        return (single, i) if single is not None else None

    def findings(self, text: str) -> list[Finding]:
        words = [(m.start(), m.end(), _fold(m.group())) for m in _WORD_RE.finditer(text)]
        found: list[Finding] = []
        i = 0
        while i < len(words):
            hit = self._phrase_at(words, text, i)
            if hit is None:
                i += 1
                continue
            phrase, last = hit
            found.append(
                Finding(
                    FindingKind.TERM.value,
                    words[i][0],
                    words[last][1],
                    FindingConfidence.MEDIUM.value,
                    term=phrase.headword,
                )
            )
            i = last + 1
        return found


@lru_cache(maxsize=16)
def _matcher(terms: tuple[tuple[str, ...], ...]) -> _Matcher:
    """One matcher per list: a version's list is parsed once per process."""
    return _Matcher(terms)


# --- The whole screen ------------------------------------------------------------------


def _personal_data(text: str, kinds: Iterable[str]) -> list[Finding]:
    found = []
    patterns = {PersonalData.PHONE: (_PHONE_RE, FindingKind.PHONE)}
    patterns[PersonalData.EMAIL] = (_EMAIL_RE, FindingKind.EMAIL)
    for kind in kinds:
        pattern, finding_kind = patterns[PersonalData(kind)]
        found += [
            Finding(finding_kind.value, *m.span(), FindingConfidence.LOW.value)
            for m in pattern.finditer(text)
        ]
    return found


def screen(text: str, screening: ScreeningParameters) -> list[Finding]:
    """What in ``text`` may be sensitive, in the order it stands, without overlaps (an
    identity number wins over a phone number in the same digits), at most
    ``MAX_FINDINGS``."""
    found = _identity_numbers(text)
    if screening.terms:
        found += _matcher(screening.terms).findings(text)
    if screening.personal_data:
        found += _personal_data(text, sorted(screening.personal_data))
    if not found:
        return []
    kept: list[Finding] = []
    for finding in sorted(found, key=lambda f: (f.start, -f.end)):
        if kept and finding.start < kept[-1].end:
            continue
        kept.append(finding)
    return kept[:MAX_FINDINGS]


def should_hide(findings: Iterable[Finding]) -> bool:
    """Whether the findings call for hiding at once: an identity number or a word, unless
    it looks like an account number. A phone number or e-mail address alone never does."""
    return any(f.confidence != FindingConfidence.LOW for f in findings)


def findings_json(findings: Iterable[Finding]) -> list[dict[str, Any]]:
    return [finding.as_json() for finding in findings]


def findings_summary(findings: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """What the audit log may hold of the findings: their kinds and confidences, never
    the text, its place, nor the word that matched (which would say what the post is
    about in a log that cannot be blanked)."""
    counts: dict[tuple[str, str], int] = {}
    for finding in findings:
        key = (str(finding.get("kind", "")), str(finding.get("confidence", "")))
        counts[key] = counts.get(key, 0) + 1
    return [
        {"kind": kind, "confidence": confidence, "count": count}
        for (kind, confidence), count in sorted(counts.items())
    ]
