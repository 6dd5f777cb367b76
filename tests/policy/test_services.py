"""Drafts, editing, adoption, superseding, discarding and acknowledgement (policy/services.py)."""

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from moskenes_social.audit.models import Event
from moskenes_social.notifications.models import Notification
from moskenes_social.people.models import User
from policy.errors import ParameterError, PolicyError
from policy.models import Acknowledgement, GuidelineVersion, Rule, VersionStatus
from policy.selectors import policy_in_force, user_has_acknowledged, version_policy
from policy.services import (
    acknowledgement_create,
    rule_add,
    rule_change,
    rule_move,
    rule_remove,
    rules_reorder,
    version_adopt,
    version_discard,
    version_draft_create,
    version_parameters_update,
)
from tests.conftest import Persona

from .factories import adopt, in_force, make_draft

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2024, 1, 15, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def radmann_user(personas: dict[str, Persona]) -> User:
    user = personas["radmann"].user
    assert user is not None
    return user


def _codes(version: GuidelineVersion) -> list[str]:
    return list(version.rules.order_by("order").values_list("code", flat=True))


def _rule_fields(rule: Rule, **changes: Any) -> dict[str, Any]:
    fields = {
        "section": rule.section,
        "section_title": rule.section_title,
        "heading": rule.heading,
        "title": rule.title,
        "text": rule.text,
        "category": rule.category,
        "parameters": rule.parameters,
    }
    return {**fields, **changes}


# --- drafts ---------------------------------------------------------------------------


def test_a_draft_copies_the_rules_and_parameters_of_its_source(radmann_user: User) -> None:
    source = in_force()
    draft = version_draft_create(actor=radmann_user, source=source)
    assert (draft.number, draft.status) == (2, VersionStatus.DRAFT)
    assert draft.parameters == source.parameters
    assert _codes(draft) == _codes(source)
    assert len(_codes(draft)) == 44
    event = Event.objects.get(action="policy.version_draft_create")
    assert event.actor == radmann_user and event.data == {"number": 2, "source": 1}


def test_only_one_draft_at_a_time(radmann_user: User) -> None:
    version_draft_create(actor=radmann_user, source=in_force())
    with pytest.raises(PolicyError, match="allerede et utkast"):
        version_draft_create(actor=radmann_user, source=in_force())


def test_a_draft_cannot_be_copied_from_a_draft(radmann_user: User) -> None:
    draft = make_draft(actor=radmann_user)
    version_discard(actor=radmann_user, version=draft)
    with pytest.raises(PolicyError, match="vedtatt versjon"):
        version_draft_create(actor=radmann_user, source=draft)


@pytest.mark.parametrize("persona", ["kommunikasjon", "leder", "kriseleder", "ordforer", "no_role"])
def test_only_the_radmann_starts_a_draft(personas: dict[str, Persona], persona: str) -> None:
    user = personas[persona].user
    assert user is not None
    with pytest.raises(PermissionDenied):
        version_draft_create(actor=user, source=in_force())


def test_a_superuser_may_edit(db: None) -> None:
    admin = User.objects.create_superuser("admin", "admin@example.org", "x")
    assert version_draft_create(actor=admin, source=in_force()).is_draft


# --- editing rules --------------------------------------------------------------------


def test_rule_add_goes_last_in_its_section_by_default(radmann_user: User) -> None:
    draft = make_draft(actor=radmann_user)
    rule = rule_add(
        actor=radmann_user,
        version=draft,
        code="2-svar-i-ferier",
        section="2",
        section_title="Bruk av sosiale medier på vegne av kommunen",
        heading="Slik bør du svare",
        title="Svar også i ferier",
        text="Kontoer skal følges opp også i ferier.",
        category="answering_duty",
        parameters={},
    )
    codes = _codes(draft)
    assert codes.index("2-svar-i-ferier") == codes.index("3-privat-bruk") - 1
    assert rule.version == draft
    assert Event.objects.filter(action="policy.rule_add").count() == 1


def test_rule_add_at_a_position(radmann_user: User) -> None:
    draft = make_draft(actor=radmann_user)
    first = draft.rules.order_by("order").first()
    assert first is not None
    rule_add(
        actor=radmann_user,
        version=draft,
        position=1,
        code="0-innledning",
        **_rule_fields(first, title="Innledning", text="Innledende tekst.", category="principle"),
    )
    assert _codes(draft)[:2] == ["0-innledning", "1-felles-grunnlag"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"code": "Not A Slug"}, "små bokstaver"),
        ({"code": "1-felles-grunnlag"}, "har allerede en regel"),
        ({"section_title": "Et annet navn"}, "heter"),
        ({"category": "registration_requirement"}, "question"),
        ({"text": "  "}, "tittel og en tekst"),
    ],
)
def test_rule_add_refuses_bad_input(
    radmann_user: User, changes: dict[str, Any], message: str
) -> None:
    draft = make_draft(actor=radmann_user)
    template = draft.rules.get(code="1-felles-grunnlag")
    fields = {**_rule_fields(template), "code": "1-ny-regel", **changes}
    with pytest.raises(PolicyError, match=message):
        rule_add(actor=radmann_user, version=draft, **fields)


def test_rule_change_keeps_the_code_and_records_the_old_text(radmann_user: User) -> None:
    draft = make_draft(actor=radmann_user)
    rule = draft.rules.get(code="1-felles-grunnlag")
    old_text = rule.text
    changed = rule_change(
        actor=radmann_user,
        rule=rule,
        **_rule_fields(rule, text=old_text.replace("opptretr", "opptrer")),
    )
    assert changed.code == "1-felles-grunnlag"
    assert "opptrer på vegne" in Rule.objects.get(pk=rule.pk).text
    event = Event.objects.get(action="policy.rule_change")
    assert event.data["changed"] == ["text"]
    assert event.data["before"]["text"] == old_text
    # v1 is untouched.
    assert "opptretr" in in_force().rules.get(code="1-felles-grunnlag").text


def test_rule_change_to_another_section_moves_it_last_there(radmann_user: User) -> None:
    draft = make_draft(actor=radmann_user)
    rule = draft.rules.get(code="1-felles-grunnlag")
    rule_change(
        actor=radmann_user,
        rule=rule,
        **_rule_fields(rule, section="3", section_title="Privat bruk av sosiale medier"),
    )
    assert _codes(draft)[-1] == "1-felles-grunnlag"


def test_rule_remove_and_move_and_reorder(radmann_user: User) -> None:
    draft = make_draft(actor=radmann_user)
    before = _codes(draft)
    rule_remove(actor=radmann_user, rule=draft.rules.get(code=before[1]))
    assert before[1] not in _codes(draft)
    assert rule_move(actor=radmann_user, rule=draft.rules.get(code=before[2]), direction="up")
    assert _codes(draft)[:2] == [before[2], before[0]]
    assert not rule_move(actor=radmann_user, rule=draft.rules.get(code=before[2]), direction="up")
    assert not rule_move(
        actor=radmann_user, rule=draft.rules.get(code=before[-1]), direction="down"
    )
    reversed_codes = list(reversed(_codes(draft)))
    rules_reorder(actor=radmann_user, version=draft, codes=reversed_codes)
    assert _codes(draft) == reversed_codes
    with pytest.raises(PolicyError, match="hver regel"):
        rules_reorder(actor=radmann_user, version=draft, codes=reversed_codes[1:])


def test_rules_of_an_adopted_version_cannot_be_edited_through_services(radmann_user: User) -> None:
    version = in_force()
    rule = version.rules.get(code="2-svar-snarest")
    with pytest.raises(PolicyError, match="ikke lenger et utkast"):
        rule_change(actor=radmann_user, rule=rule, **_rule_fields(rule, text="Svar en gang."))
    with pytest.raises(PolicyError, match="ikke lenger et utkast"):
        rule_remove(actor=radmann_user, rule=rule)
    with pytest.raises(PolicyError, match="ikke lenger et utkast"):
        rule_move(actor=radmann_user, rule=rule, direction="up")
    with pytest.raises(PolicyError, match="ikke lenger et utkast"):
        rule_add(actor=radmann_user, version=version, code="ny", **_rule_fields(rule))
    with pytest.raises(PolicyError, match="ikke lenger et utkast"):
        version_parameters_update(
            actor=radmann_user, version=version, parameters=version.parameters
        )
    with pytest.raises(PolicyError, match="ikke lenger et utkast"):
        version_discard(actor=radmann_user, version=version)


# --- parameters -----------------------------------------------------------------------


def test_parameters_update_validates_and_syncs_the_crisis_rule(radmann_user: User) -> None:
    draft = make_draft(actor=radmann_user)
    params = {
        **draft.parameters,
        "answer_deadline_working_hours": 4,
        "crisis_leader_roles": ["ordfører"],
    }
    version_parameters_update(actor=radmann_user, version=draft, parameters=params)
    draft.refresh_from_db()
    policy = version_policy(version=draft)
    assert policy.answer_deadline_working_hours == 4.0
    assert {role.value for role in policy.crisis_leader_roles} == {"ordfører"}
    assert draft.rules.get(code="2-kriser").parameters == {"leader_roles": ["ordfører"]}
    assert Event.objects.filter(action="policy.version_parameters_update").count() == 1
    with pytest.raises(ParameterError):
        version_parameters_update(
            actor=radmann_user,
            version=draft,
            parameters={**params, "working_day_end": "07:00"},
        )
    # The version in force still reads the old values.
    assert policy_in_force().answer_deadline_working_hours == 8.0


def test_saving_the_same_parameters_changes_nothing(radmann_user: User) -> None:
    draft = make_draft(actor=radmann_user)
    version_parameters_update(actor=radmann_user, version=draft, parameters=draft.parameters)
    assert not Event.objects.filter(action="policy.version_parameters_update").exists()


# --- adoption -------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_adoption_supersedes_audits_and_notifies_everyone_with_a_role(
    radmann_user: User, personas: dict[str, Persona]
) -> None:
    draft = make_draft(actor=radmann_user)
    version_parameters_update(
        actor=radmann_user,
        version=draft,
        parameters={**draft.parameters, "answer_deadline_working_hours": 6},
    )
    adopted = adopt(
        actor=radmann_user,
        version=draft,
        adopted_on=dt.date(2024, 1, 10),
        effective_from=dt.date(2024, 1, 15),
    )
    assert adopted.status == VersionStatus.ADOPTED
    assert adopted.recorded_by == radmann_user
    assert GuidelineVersion.objects.get(number=1).status == VersionStatus.SUPERSEDED
    assert policy_in_force().version_number == 2
    assert policy_in_force().answer_deadline_working_hours == 6.0
    event = Event.objects.get(action="policy.version_adopt")
    assert event.reason == "Endret svarfrist."
    assert event.data["superseded"] == [1]
    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == {"kommunikasjon", "radmann", "leder", "kriseleder", "ordforer"}
    notification = Notification.objects.get(recipient__username="leder")
    assert "versjon 2" in notification.subject
    assert notification.url == "/veileder/versjoner/2/"


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"adopted_on": dt.date(2024, 1, 16)}, "fram i tid"),
        (
            {"adopted_on": dt.date(2024, 1, 10), "effective_from": dt.date(2024, 1, 9)},
            "før den ble vedtatt",
        ),
        (
            {"adopted_on": dt.date(2015, 1, 1), "effective_from": dt.date(2015, 6, 1)},
            "tidligere dato",
        ),
        ({"adopted_by": "  "}, "organ"),
        ({"change_summary": ""}, "Oppsummer"),
    ],
)
def test_adoption_refuses_bad_dates_and_missing_facts(
    radmann_user: User, kwargs: dict[str, Any], message: str
) -> None:
    draft = make_draft(actor=radmann_user)
    fields: dict[str, Any] = {
        "adopted_by": "AMU",
        "adopted_on": dt.date(2024, 1, 10),
        "effective_from": dt.date(2024, 2, 1),
        "change_summary": "Ny versjon.",
        **kwargs,
    }
    with pytest.raises(PolicyError, match=message):
        version_adopt(actor=radmann_user, version=draft, **fields)
    assert GuidelineVersion.objects.get(pk=draft.pk).status == VersionStatus.DRAFT


@time_machine.travel(NOW, tick=False)
def test_a_draft_whose_sections_are_split_cannot_be_adopted(radmann_user: User) -> None:
    draft = make_draft(actor=radmann_user)
    codes = _codes(draft)
    rules_reorder(actor=radmann_user, version=draft, codes=[codes[-1], *codes[:-1]])
    with pytest.raises(PolicyError, match="stå samlet"):
        adopt(actor=radmann_user, version=draft)


@time_machine.travel(NOW, tick=False)
def test_an_adopted_version_cannot_be_adopted_again(radmann_user: User) -> None:
    adopted = adopt(actor=radmann_user, version=make_draft(actor=radmann_user))
    with pytest.raises(PolicyError, match="ikke lenger et utkast"):
        adopt(actor=radmann_user, version=adopted)


def test_discard_keeps_the_draft_read_only(radmann_user: User) -> None:
    draft = make_draft(actor=radmann_user)
    discarded = version_discard(actor=radmann_user, version=draft, reason="Ikke aktuelt")
    assert discarded.status == VersionStatus.DISCARDED
    assert Event.objects.get(action="policy.version_discard").reason == "Ikke aktuelt"
    with pytest.raises(PolicyError):
        version_discard(actor=radmann_user, version=draft)
    # A new draft may be started after discarding.
    assert version_draft_create(actor=radmann_user, source=in_force()).number == 3


# --- acknowledgement ------------------------------------------------------------------


def test_acknowledgement_is_idempotent_and_audited_once(personas: dict[str, Persona]) -> None:
    user = personas["no_role"].user
    assert user is not None
    version = in_force()
    assert not user_has_acknowledged(user=user, version=version)
    first = acknowledgement_create(user=user, version=version)
    second = acknowledgement_create(user=user, version=version)
    assert first.pk == second.pk
    assert user_has_acknowledged(user=user, version=version)
    assert Acknowledgement.objects.count() == 1
    assert Event.objects.filter(action="policy.acknowledgement_create").count() == 1


def test_a_draft_cannot_be_acknowledged(radmann_user: User) -> None:
    with pytest.raises(PolicyError, match="vedtatt versjon"):
        acknowledgement_create(user=radmann_user, version=make_draft(actor=radmann_user))
