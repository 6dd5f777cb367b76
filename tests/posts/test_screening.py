"""The screening for sensitive information (accounts/posts/screening.py): the check-digit
arithmetic of identity numbers in both eras, on published and generated numbers; the
guideline's words with their inflections and word boundaries; what is masked."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import FindingConfidence, FindingKind
from accounts.models.posts import text_masked
from accounts.posts.demo import DEMO_POSTS, DEMO_SENSITIVE_ID
from accounts.posts.screening import (
    K1,
    K2,
    Finding,
    findings_json,
    findings_summary,
    identity_number_kind,
    screen,
    should_hide,
)
from policy.parameters import DEFAULT_SCREENING, PersonalData, ScreeningParameters

DEFAULTS = DEFAULT_SCREENING
EVERYTHING = ScreeningParameters(
    terms=DEFAULT_SCREENING.terms, personal_data=frozenset(PersonalData.values)
)


def with_check_digits(nine: str, *, k1_remainder: int = 0) -> str | None:
    """The 11-digit number that ``nine`` begins, with k1 chosen so that its weighted sum
    leaves ``k1_remainder`` and k2 so that its sum leaves 0; None where a check digit
    would have to be 10."""
    digits = [int(c) for c in nine]
    k1 = (k1_remainder - sum(w * x for w, x in zip(K1[:9], digits, strict=True))) % 11
    if k1 > 9:
        return None
    digits.append(k1)
    k2 = -sum(w * x for w, x in zip(K2[:10], digits, strict=True)) % 11
    if k2 > 9:
        return None
    return "".join(map(str, [*digits, k2]))


def kinds(text: str, screening: ScreeningParameters = DEFAULTS) -> list[tuple[str, str]]:
    return [(f.kind, text[f.start : f.end]) for f in screen(text, screening)]


# --- Identity numbers: published examples ----------------------------------------------------


@pytest.mark.parametrize(
    ("number", "kind"),
    [
        # python-stdnum's documented example (stdnum.no.fodselsnummer).
        ("15108695088", FindingKind.NATIONAL_ID),
        # The .NET libraries Nonin and Skaar.Fodselsnummer (README examples).
        ("29100207042", FindingKind.NATIONAL_ID),
        ("23072388054", FindingKind.NATIONAL_ID),
        ("43022014103", FindingKind.D_NUMBER),
    ],
)
def test_published_valid_numbers_are_valid_today(number: str, kind: str) -> None:
    assert identity_number_kind(number) == (kind, False)


@pytest.mark.parametrize(
    "number",
    [
        "15108695077",  # stdnum's invalid example: both check digits wrong
        "15108695089",  # k2 wrong
        "00000000000",  # sums of 0, but day 0 of month 0
        "12345678900",
        "1510869508",  # ten digits
        "151086950888",  # twelve
        "1510869508a",
        "１５１０８６９５０８８",  # fullwidth digits are not typed in a fødselsnummer
    ],
)
def test_published_and_obvious_invalid_numbers_are_refused(number: str) -> None:
    assert identity_number_kind(number) is None


def test_a_date_part_that_is_not_a_date_does_not_match() -> None:
    # Valid check digits, impossible dates: 31 June, 30 February, month 13, day 72 (a
    # D-number of day 32).
    for nine in ("310686950", "300286950", "151386950", "720186950"):
        number = with_check_digits(nine) or with_check_digits(nine[:8] + "1")
        assert number is not None
        assert identity_number_kind(number) is None, number
        assert screen(f"fnr {number}", DEFAULTS) == []


def test_29_february_exists_in_years_divisible_by_four_only() -> None:
    leap = with_check_digits("290204123") or with_check_digits("290204124")
    common = with_check_digits("290203123") or with_check_digits("290203124")
    assert leap is not None and common is not None
    assert identity_number_kind(leap) is not None
    assert identity_number_kind(common) is None


# --- Identity numbers: generated, both eras ----------------------------------------------


birth_dates = st.dates(min_value=date(1854, 1, 1), max_value=date(2039, 12, 31))


@given(
    born=birth_dates,
    individual=st.integers(min_value=0, max_value=999),
    d_number=st.booleans(),
    remainder=st.sampled_from([0, 1, 2, 3]),
)
def test_generated_numbers_of_both_eras_are_found(
    born: date, individual: int, d_number: bool, remainder: int
) -> None:
    day = born.day + (40 if d_number else 0)
    nine = f"{day:02d}{born.month:02d}{born.year % 100:02d}{individual:03d}"
    number = with_check_digits(nine, k1_remainder=remainder)
    if number is None:
        return
    kind = FindingKind.D_NUMBER if d_number else FindingKind.NATIONAL_ID
    # Today's rule is remainder 0; from 2032 also 1, 2 and 3.
    assert identity_number_kind(number) == (kind, remainder != 0)
    for written in (number, f"{number[:6]} {number[6:]}"):
        (found,) = screen(f"Fødselsnummeret hans er {written}.", DEFAULTS)
        assert found.kind == kind and found.confidence == FindingConfidence.HIGH
        (found,) = screen(f"Dette er {written}", DEFAULTS)
        assert found.confidence == FindingConfidence.MEDIUM


@given(
    born=birth_dates,
    individual=st.integers(min_value=0, max_value=999),
    position=st.integers(min_value=0, max_value=10),
    change=st.integers(min_value=1, max_value=9),
)
def test_any_single_wrong_digit_is_refused(
    born: date, individual: int, position: int, change: int
) -> None:
    number = with_check_digits(f"{born:%d%m%y}{individual:03d}")
    if number is None:
        return
    wrong = (int(number[position]) + change) % 10
    typo = number[:position] + str(wrong) + number[position + 1 :]
    # k2's weights are 1 to 7, none a multiple of 11: a changed digit changes its sum.
    assert identity_number_kind(typo) is None


def test_a_remainder_above_three_is_refused_in_both_eras() -> None:
    for remainder in range(4, 11):
        number = with_check_digits("151086950", k1_remainder=remainder)
        if number is not None:
            assert identity_number_kind(number) is None


def test_not_inside_a_longer_number() -> None:
    number = "15108695088"
    for text in (
        f"1{number}",
        f"{number}1",
        f"12 {number}",
        f"{number} 12",
        f"{number}.5",
        f"ordre 99-{number}",
        f"{number[:6]}  {number[6:]}",  # two spaces
        f"{number[:6]}-{number[6:]}",
    ):
        assert screen(text, DEFAULTS) == [], text
    for text in (f"({number})", f"{number}.", f"«{number}»", f"nr:{number}, takk"):
        assert kinds(text) == [(FindingKind.NATIONAL_ID, number)], text


def test_an_account_number_grouping_lowers_the_confidence_and_does_not_hide() -> None:
    number = "15108695088"
    for text in (
        f"Konto {number[:4]}.{number[4:6]}.{number[6:]}",
        f"{number[:4]} {number[4:6]} {number[6:]}",
    ):
        (found,) = screen(text, DEFAULTS)
        assert found.confidence == FindingConfidence.LOW, text
        assert not should_hide([found])
    # Mixed separators are no grouping at all.
    assert screen(f"{number[:4]}.{number[4:6]} {number[6:]}", DEFAULTS) == []
    (found,) = screen(f"Betal til kontonummer {number}", DEFAULTS)
    assert found.confidence == FindingConfidence.LOW
    (found,) = screen(f"Fnr: {number}", DEFAULTS)
    assert found.confidence == FindingConfidence.HIGH and should_hide([found])


# --- The guideline's words -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "matched"),
    [
        ("Sønnen min har fått diagnosen i går", "diagnosen"),
        ("DIAGNOSER stilles av lege", "DIAGNOSER"),
        ("Barnevernet var her.", "Barnevernet"),
        ("Hun har ADHD, og skolen vet det", "ADHD"),
        ("Han er sykmeldt!", "sykmeldt"),
        ("Hun er psykisk syk", "psykisk syk"),
        ("Hun er psykisk\nsyk", "psykisk\nsyk"),
        ("Har en bipolar lidelse.", "bipolar lidelse"),
        ("Han fikk en LEGEERKLÆRING", "LEGEERKLÆRING"),
        ("en omsorgsovertakelse i fjor", "omsorgsovertakelse"),
        ("«kreft»", "kreft"),
    ],
)
def test_a_word_and_its_inflections_match_on_word_boundaries(text: str, matched: str) -> None:
    assert kinds(text) == [(FindingKind.TERM, matched)]


@pytest.mark.parametrize(
    "text",
    [
        # Compounds and other words that begin or end like a listed one.
        "Kreftforeningen har innsamling på lørdag",
        "Prediagnose er ikke et ord",
        "Demensavdelingen trenger flere ansatte",
        "Vi trenger flere vikarer til sykehjemmet",
        "Når åpner helsestasjonen?",
        # Words split by punctuation are not a phrase.
        "Han er psykisk. Syk er han ikke",
        "Hun er psykisk, syk er hun ikke",
    ],
)
def test_what_only_looks_like_a_word_does_not_match(text: str) -> None:
    assert screen(text, DEFAULTS) == []


def test_norwegian_letters_are_letters_of_their_own_and_composed_or_not() -> None:
    terms = ScreeningParameters(terms=(("bør",), ("sånn",), ("fosterforeldre*",)))
    assert kinds("Du BØR gå", terms) == [(FindingKind.TERM, "BØR")]
    assert screen("Vi bor her", terms) == []
    # å as a followed by a combining ring (as some keyboards and apps send it).
    decomposed = "sa\u030ann er det"
    assert kinds(decomposed, terms) == [(FindingKind.TERM, "sa\u030ann")]
    assert screen("sann er det", terms) == []
    assert kinds("Fosterforeldrenes rettigheter", terms) == [
        (FindingKind.TERM, "Fosterforeldrenes")
    ]


def test_a_word_finding_names_the_headword_of_the_list() -> None:
    (found,) = screen("depresjonen var tung", DEFAULTS)
    assert found.term == "depresjon" and found.confidence == FindingConfidence.MEDIUM
    assert should_hide([found])


def test_an_empty_list_screens_identity_numbers_only() -> None:
    none = ScreeningParameters(terms=())
    assert screen("diagnosen er kreft", none) == []
    assert kinds("fnr 15108695088", none) == [(FindingKind.NATIONAL_ID, "15108695088")]


# --- Phone numbers and e-mail addresses ------------------------------------------------------


def test_phone_numbers_and_e_mail_addresses_only_when_the_version_names_them() -> None:
    text = "Ring naboen på 912 34 567 eller +47 41234567, eller skriv til kari@eksempel.no"
    assert screen(text, DEFAULTS) == []
    assert kinds(text, EVERYTHING) == [
        (FindingKind.PHONE, "912 34 567"),
        (FindingKind.PHONE, "+47 41234567"),
        (FindingKind.EMAIL, "kari@eksempel.no"),
    ]
    assert not should_hide(screen(text, EVERYTHING))
    # An identity number is no phone number: the one finding is the number.
    assert kinds("fnr 15108695088", EVERYTHING) == [(FindingKind.NATIONAL_ID, "15108695088")]
    # Amounts and years are no phone numbers.
    assert screen("Budsjettet er 1200000 kroner, i 2026 og 2027", EVERYTHING) == []


# --- Masking and the log ---------------------------------------------------------------------


def test_the_matched_text_is_masked_for_responders() -> None:
    text = "Fnr 151086 95088 og diagnosen ADHD."
    findings = findings_json(screen(text, DEFAULTS))
    masked = text_masked(text, findings)
    assert masked == "Fnr 1••••• ••••• og d•••••••• A•••."
    assert "95088" not in masked and "diagnosen" not in masked
    assert text_masked(text, None) == text and text_masked("", findings) == ""


def test_the_log_gets_kinds_and_confidences_never_text_places_or_words() -> None:
    text = "Fnr 15108695088, diagnosen kreft"
    summary = findings_summary(findings_json(screen(text, DEFAULTS)))
    assert summary == [
        {"kind": "national_id", "confidence": "high", "count": 1},
        {"kind": "term", "confidence": "medium", "count": 2},
    ]
    assert "kreft" not in str(summary) and "diagnose" not in str(summary)


def test_findings_do_not_overlap_and_are_capped() -> None:
    text = " ".join(["kreft"] * 80)
    found = screen(text, DEFAULTS)
    assert len(found) == 50
    assert all(a.end <= b.start for a, b in zip(found, found[1:], strict=False))
    assert isinstance(found[0], Finding)


# --- False positives on ordinary posts -------------------------------------------------------


def test_the_demos_ordinary_posts_do_not_match() -> None:
    ordinary = [
        spec.text
        for spec in DEMO_POSTS
        if spec.step != "remove" and spec.platform_id != DEMO_SENSITIVE_ID
    ]
    assert ordinary
    assert [text for text in ordinary if screen(text, EVERYTHING)] == []


@given(n=st.integers(min_value=0, max_value=10**9))
def test_the_benchs_generated_posts_do_not_match(n: int) -> None:
    """``bench/data.py`` and ``scripts/bench/load.py`` write these; ``n`` counts posts (10
    million at national scale, 7 digits)."""
    for text in (f"Innlegg {n} om tjenestene i kommunen?", f"Når åpner badet igjen? ({n})"):
        assert screen(text, DEFAULTS) == []
        if n < 10**7:
            assert screen(text, EVERYTHING) == []
        else:
            # Why phone numbers are not screened unless a version asks: to the screen any
            # 8 digits that do not begin with 0, 1 or 8 are one.
            assert all(f.kind == FindingKind.PHONE for f in screen(text, EVERYTHING))


def test_a_date_next_to_a_number_is_not_an_identity_number() -> None:
    day = date(2026, 11, 25)
    for offset in range(0, 400, 7):
        when = day + timedelta(days=offset)
        assert screen(f"Møtet {when:%d%m%y} kl 18, sak 12345", DEFAULTS) == []
