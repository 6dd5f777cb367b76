"""Every audit action the code records has a Norwegian label on the log page."""

import re
from pathlib import Path

import pytest
from django.utils import translation

from approvals.models import RequestStatus
from moskenes_social.audit.labels import ACTION_LABELS, event_basis
from moskenes_social.audit.models import Event
from moskenes_social.audit.services import event_record
from tests.conftest import Persona

ROOT = Path(__file__).resolve().parents[2]
APP_DIRS = ["accounts", "approvals", "policy", "moskenes_social"]
ACTION = re.compile(r'action="([a-z_]+\.[a-z_]+)"')


def recorded_actions() -> set[str]:
    """The action codes written as literals in the apps, and the requests' statuses."""
    found: set[str] = set()
    for folder in APP_DIRS:
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" not in path.parts:
                found |= set(ACTION.findall(path.read_text(encoding="utf-8")))
    # approvals.services records "request.<new status>".
    found |= {f"request.{status}" for status in RequestStatus.values}
    return found


def test_every_recorded_action_has_a_label() -> None:
    assert len(recorded_actions()) > 30
    missing = sorted(recorded_actions() - set(ACTION_LABELS))
    assert not missing, (
        f"audit actions without a label in moskenes_social/audit/labels.py: {missing}"
    )


@pytest.mark.django_db
def test_the_log_shows_labels_and_who_got_which_role(radmann: Persona) -> None:
    event_record(actor=radmann.user, action="request.returned", reason="Målgruppen er uklar")
    event_record(
        actor=radmann.user,
        action="accounts.responsibility_assigned",
        data={"name": "Anders Ansatt", "role": "backup"},
    )
    page = radmann.client.get("/logg/").text
    assert "Søknad sendt tilbake for endringer" in page
    assert "Målgruppen er uklar" in page
    assert "Ansvar gitt: Anders Ansatt (reserve)" in page
    # The filter's select carries the code as an option's value; the rows never show it.
    assert "request.returned" not in page.split("<tbody>", 1)[1]


def test_a_decisions_basis_names_the_version_and_the_rule_in_norwegian() -> None:
    rule = {"version": 2, "rule_section": "2", "rule_title": "Rådmannen godkjenner"}
    with translation.override("nb"):
        assert event_basis(Event(data={"guideline": rule})) == (
            "Veileder versjon 2, kapittel 2: Rådmannen godkjenner"
        )
        # A version without the rådmann's rule: the version alone.
        assert event_basis(Event(data={"guideline": {"version": 3}})) == "Veileder versjon 3"
        assert event_basis(Event(data={"from": "draft"})) == ""
        assert event_basis(Event(data={"guideline": "2"})) == ""
