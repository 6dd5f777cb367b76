"""The screening's parameters of a guideline version: its list of words with their
inflections, whether a match is hidden at once, and which other personal data are
screened; parsed strictly, edited by the rådmann with the other parameters."""

import hashlib
import json
from typing import Any

import pytest
import yaml
from django.urls import reverse

from policy.diff import parameters_compare
from policy.display import describe_version_parameters
from policy.errors import ParameterError
from policy.parameters import (
    DEFAULT_SCREENING,
    SENSITIVE_TERMS_MAX,
    ScreeningParameters,
    parse_version_parameters,
    version_parameters_to_json,
)
from policy.selectors import policy_in_force, version_draft
from policy.sensitive_terms import DEFAULT_SENSITIVE_TERMS
from tests.conftest import Persona
from tests.policy.test_guideline_data import DATA_FILE

pytestmark = pytest.mark.django_db


@pytest.fixture
def v1() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))["parameters"]
    return loaded


def test_version_1_names_no_screening_and_gets_the_defaults(v1: dict[str, Any]) -> None:
    assert "sensitive_terms" not in v1
    assert parse_version_parameters(v1).screening == DEFAULT_SCREENING
    assert DEFAULT_SCREENING.hide_at_once and DEFAULT_SCREENING.personal_data == frozenset()
    assert policy_in_force().screening == DEFAULT_SCREENING


def test_the_defaults_never_change_since_version_1_reads_them() -> None:
    """Version 1 is adopted and never changes; it screens with this list. A new list is
    a new version's parameter, edited by the rådmann."""
    dumped = json.dumps(DEFAULT_SENSITIVE_TERMS, ensure_ascii=False).encode()
    assert hashlib.sha256(dumped).hexdigest() == (
        "5e6c921fa4e59f338f44aca8a3dc17664396b171441ffcd5f471e50b4ec34965"
    )
    # And the list is what its own parser accepts.
    parsed = parse_version_parameters(
        {"sensitive_terms": [list(t) for t in DEFAULT_SENSITIVE_TERMS], **_base()}
    )
    assert parsed.screening.terms == DEFAULT_SENSITIVE_TERMS


def _base() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))["parameters"]
    return loaded


def test_a_saved_version_names_its_screening_and_reads_back_the_same(v1: dict[str, Any]) -> None:
    stored = version_parameters_to_json(parse_version_parameters(v1))
    assert stored["sensitive_hide_at_once"] is True and stored["screened_personal_data"] == []
    assert stored["sensitive_terms"][0][0] == "diagnose"
    assert parse_version_parameters(stored) == parse_version_parameters(v1)
    changed = {
        **v1,
        "sensitive_terms": [["Kreft", "KREFTEN"], ["barnevern*"], ["Sånn  er det"]],
        "sensitive_hide_at_once": False,
        "screened_personal_data": ["email", "phone"],
    }
    screening = parse_version_parameters(changed).screening
    assert screening == ScreeningParameters(
        terms=(("kreft", "kreften"), ("barnevern*",), ("sånn er det",)),
        hide_at_once=False,
        personal_data=frozenset({"phone", "email"}),
    )
    assert version_parameters_to_json(parse_version_parameters(changed))[
        "screened_personal_data"
    ] == ["phone", "email"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"sensitive_terms": "kreft"}, "liste med ord"),
        ({"sensitive_terms": [[]]}, "liste med formene"),
        ({"sensitive_terms": ["kreft"]}, "liste med formene"),
        ({"sensitive_terms": [["k"]]}, "2 til 60 tegn"),
        ({"sensitive_terms": [["k" * 61]]}, "2 til 60 tegn"),
        ({"sensitive_terms": [["kr€ft"]]}, "bare bokstaver og sifre"),
        ({"sensitive_terms": [["*kreft"]]}, "bare bokstaver og sifre"),
        ({"sensitive_terms": [["kreft**"]]}, "bare bokstaver og sifre"),
        ({"sensitive_terms": [["kreft-"]]}, "bare bokstaver og sifre"),
        ({"sensitive_terms": [[5]]}, "må være tekst"),
        ({"sensitive_terms": [["kreft"], ["Kreft"]]}, "to ganger"),
        ({"sensitive_terms": [["ord"]] * 2}, "to ganger"),
        ({"sensitive_terms": [[f"ord{n}"] for n in range(SENSITIVE_TERMS_MAX + 1)]}, "høyst 500"),
        ({"sensitive_terms": [[f"ord{n}" for n in range(31)]]}, "høyst 30"),
        ({"sensitive_hide_at_once": "yes"}, "sann eller usann"),
        ({"screened_personal_data": ["fax"]}, "liste med: phone, email"),
        ({"screened_personal_data": "phone"}, "liste med: phone, email"),
        ({"screened_personal_data": ["phone", "phone"]}, "to ganger"),
    ],
)
def test_bad_screening_parameters_are_refused_in_norwegian(
    v1: dict[str, Any], change: dict[str, Any], message: str
) -> None:
    with pytest.raises(ParameterError, match=message):
        parse_version_parameters({**v1, **change})


def test_an_empty_list_is_allowed(v1: dict[str, Any]) -> None:
    assert parse_version_parameters({**v1, "sensitive_terms": []}).screening.terms == ()


def test_comparing_version_1_with_a_draft_that_keeps_the_defaults_shows_no_change(
    v1: dict[str, Any],
) -> None:
    described = dict(describe_version_parameters(v1))
    assert described["Skjult på plattformen med en gang"] == "Ja"
    assert described["Kontrollert i tillegg til fødselsnumre"] == "Ingenting annet"
    assert described["Ord som merker et innlegg som mulig sensitivt"].startswith("diagnose, ")

    class Version:
        def __init__(self, parameters: dict[str, Any]) -> None:
            self.parameters = parameters

    explicit = version_parameters_to_json(parse_version_parameters(v1))
    assert parameters_compare(Version(v1), Version(explicit)) == []  # type: ignore[arg-type]
    fewer = {**explicit, "sensitive_terms": [["kreft"]], "screened_personal_data": ["phone"]}
    labels = [c.label for c in parameters_compare(Version(v1), Version(fewer))]  # type: ignore[arg-type]
    assert labels == [
        "Ord som merker et innlegg som mulig sensitivt",
        "Kontrollert i tillegg til fødselsnumre",
    ]


def _form_data() -> dict[str, Any]:
    return {
        "answer_deadline_working_hours": "8",
        "working_day_start": "08:00",
        "working_day_end": "15:30",
        "stage_due_after": "0",
        "stage_due_notify": "responders",
        "stage_escalation_after": "7.5",
        "stage_escalation_notify": "owner",
        "crisis_leader_roles": ["ordfører", "kriseleder"],
    }


def test_the_radmann_edits_the_screening_of_a_draft(personas: dict[str, Persona]) -> None:
    client = personas["radmann"].client
    client.post(reverse("policy:draft_create"))
    url = reverse("policy:draft_parameters", args=[2])
    # The form starts from what version 1 screens with.
    page = client.get(url).text
    assert "diagnose, diagnosen, diagnoser" in page and 'name="sensitive_hide_at_once"' in page
    bad = client.post(url, {**_form_data(), "sensitive_terms": "kreft\r\nKreft, kreften"})
    assert bad.status_code == 200 and "«kreft» står to ganger i kontrollisten." in bad.text
    odd = client.post(url, {**_form_data(), "sensitive_terms": "k€"})
    assert "bare bokstaver og sifre" in odd.text
    ok = client.post(
        url,
        {
            **_form_data(),
            "sensitive_terms": "kreft, kreften\r\n\r\n  barnevern*  \r\n",
            "screened_personal_data": ["email"],
        },
    )
    assert ok.status_code == 302
    draft = version_draft()
    assert draft is not None
    assert draft.parameters["sensitive_terms"] == [["kreft", "kreften"], ["barnevern*"]]
    # Unticked: the box is off.
    assert draft.parameters["sensitive_hide_at_once"] is False
    assert draft.parameters["screened_personal_data"] == ["email"]
    editor = client.get(reverse("policy:draft_edit", args=[2])).text
    assert "kreft, kreften; barnevern*" in editor and "E-postadresser" in editor
