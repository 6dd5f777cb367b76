"""Strict parsing of version and rule parameters (policy/parameters.py)."""

import copy
from datetime import date, time
from typing import Any

import pytest
import yaml

from moskenes_social.people.roles import Role
from moskenes_social.worktime import HalfDay
from policy.errors import ParameterError
from policy.parameters import (
    ReminderStage,
    parse_rule_parameters,
    parse_version_parameters,
    policy_parameters_build,
    version_parameters_to_json,
)
from tests.policy.test_guideline_data import DATA_FILE


@pytest.fixture
def data() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    return loaded


class FakeRule:
    def __init__(self, code: str, category: str, parameters: dict[str, Any]) -> None:
        self.code = code
        self.title = code.title()
        self.section_title = "Seksjon"
        self.category = category
        self.parameters = parameters


def test_v1_parameters_parse(data: dict[str, Any]) -> None:
    parsed = parse_version_parameters(data["parameters"])
    assert parsed.answer_deadline_working_hours == 8.0
    assert parsed.working_day.start == time(8, 0)
    assert parsed.working_day.end == time(15, 30)
    assert parsed.reminder_stages == (
        ReminderStage(code="due", after_working_hours=0.0, notify="responders"),
        ReminderStage(code="escalation", after_working_hours=7.5, notify="owner"),
    )
    assert parsed.crisis_leader_roles == frozenset({Role.MAYOR, Role.CRISIS_LEADER})


def test_json_form_parses_back_to_the_same(data: dict[str, Any]) -> None:
    parsed = parse_version_parameters(data["parameters"])
    assert parse_version_parameters(version_parameters_to_json(parsed)) == parsed


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"answer_deadline_working_hours": 0}, "mellom"),
        ({"answer_deadline_working_hours": -1}, "mellom"),
        ({"answer_deadline_working_hours": True}, "antall timer"),
        ({"answer_deadline_working_hours": "8"}, "antall timer"),
        ({"answer_deadline_working_hours": 1000}, "mellom"),
        ({"working_day_start": "8:00"}, "TT:MM"),
        ({"working_day_start": "16:00"}, "slutte etter"),
        ({"crisis_leader_roles": ["ordforer"]}, "ukjent rolle"),
        ({"crisis_leader_roles": []}, "minst"),
        ({"crisis_leader_roles": ["ordfører", "ordfører"]}, "to ganger"),
        ({"reminder_stages": []}, "minst"),
        ({"surprise": 1}, "ukjente nøkler"),
    ],
)
def test_bad_version_parameters_are_refused(
    data: dict[str, Any], change: dict[str, Any], message: str
) -> None:
    with pytest.raises(ParameterError, match=message):
        parse_version_parameters({**data["parameters"], **change})


def test_missing_version_parameter_is_refused(data: dict[str, Any]) -> None:
    params = dict(data["parameters"])
    del params["working_day_end"]
    with pytest.raises(ParameterError, match="working_day_end"):
        parse_version_parameters(params)


@pytest.mark.parametrize(
    "stages",
    [
        [{"code": "due", "after_working_hours": 0, "notify": "everyone"}],
        [{"code": "Due", "after_working_hours": 0, "notify": "owner"}],
        [{"code": "due", "after_working_hours": 0, "notify": "owner", "extra": 1}],
        [
            {"code": "due", "after_working_hours": 2, "notify": "owner"},
            {"code": "late", "after_working_hours": 1, "notify": "owner"},
        ],
        [
            {"code": "due", "after_working_hours": 0, "notify": "owner"},
            {"code": "due", "after_working_hours": 1, "notify": "owner"},
        ],
    ],
)
def test_bad_reminder_stages_are_refused(data: dict[str, Any], stages: list[Any]) -> None:
    with pytest.raises(ParameterError):
        parse_version_parameters({**data["parameters"], "reminder_stages": stages})


def test_every_v1_rule_parameter_parses(data: dict[str, Any]) -> None:
    for rule in data["rules"]:
        params = rule.get("parameters") or {}
        assert parse_rule_parameters(category=rule["category"], raw=params) == params


@pytest.mark.parametrize(
    ("category", "params"),
    [
        ("registration_requirement", {}),
        ("registration_requirement", {"question": {"key": "x", "label": "", "help": "h"}}),
        ("topic_not_to_comment", {"topic": {"key": "gossip", "action": "ignore"}}),
        ("conduct", {"question": {"key": "x", "label": "l", "help": "h"}}),
        ("answering_duty", {"always_answer": "complaint"}),
        ("answering_duty", {"deadline_parameter": "something_else"}),
        ("principle", {"approval_role": "radmann"}),
        ("unknown", {}),
    ],
)
def test_bad_rule_parameters_are_refused(category: str, params: dict[str, Any]) -> None:
    with pytest.raises(ParameterError):
        parse_rule_parameters(category=category, raw=params)


def test_policy_is_built_from_version_and_rules(data: dict[str, Any]) -> None:
    rules = [FakeRule(r["code"], r["category"], r["parameters"]) for r in data["rules"]]
    policy = policy_parameters_build(
        version_id=7, version_number=1, parameters=data["parameters"], rules=rules
    )
    assert policy.version_id == 7
    assert policy.always_answer == frozenset({"complaint", "factual_error"})
    assert {key: topic.action for key, topic in policy.topics.items()} == {
        "sensitive": "remove",
        "rumours": "no_comment",
        "other_municipalities": "no_comment",
        "reorganisation_economy_budget": "refer_official",
        "internal": "check_with_leader",
    }
    assert policy.topics["sensitive"].rule_code == "2-ikke-sensitive-opplysninger"
    assert [q.key for q in policy.registration_questions][:2] == [
        "channel_fit",
        "radmann_permission",
    ]
    assert len(policy.registration_questions) == 11


def test_two_rules_with_the_same_question_key_are_refused(data: dict[str, Any]) -> None:
    question = {"question": {"key": "purpose", "label": "L", "help": "H"}}
    rules = [
        FakeRule("a", "registration_requirement", copy.deepcopy(question)),
        FakeRule("b", "registration_requirement", copy.deepcopy(question)),
    ]
    with pytest.raises(ParameterError, match="purpose"):
        policy_parameters_build(
            version_id=1, version_number=1, parameters=data["parameters"], rules=rules
        )


def test_half_days_are_optional_and_parsed(data: dict[str, Any]) -> None:
    assert parse_version_parameters(data["parameters"]).half_days == ()
    parsed = parse_version_parameters(
        {**data["parameters"], "half_days": {"12-31": "12:00", "12-24": "11:30"}}
    )
    assert parsed.half_days == (
        HalfDay(month=12, day=24, closes=time(11, 30)),
        HalfDay(month=12, day=31, closes=time(12, 0)),
    )
    assert parsed.working_day.half_days == parsed.half_days
    assert parsed.working_day.end_on(date(2026, 12, 24)) == time(11, 30)
    # The JSON form keeps them, and leaves the key out when there are none.
    json_form = version_parameters_to_json(parsed)
    assert json_form["half_days"] == {"12-24": "11:30", "12-31": "12:00"}
    assert parse_version_parameters(json_form) == parsed
    assert "half_days" not in version_parameters_to_json(
        parse_version_parameters(data["parameters"])
    )


@pytest.mark.parametrize(
    ("half_days", "message"),
    [
        ([], "må være en"),
        ({"24-12": "12:00"}, "MM-DD"),
        ({"12-24": "noon"}, "TT:MM"),
        ({"02-30": "12:00"}, "ikke en dag"),
        ({"12-24": "07:00"}, "stenge etter"),
        ({"12-24": "15:30"}, "stenge etter"),
    ],
)
def test_bad_half_days_are_refused(data: dict[str, Any], half_days: object, message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        parse_version_parameters({**data["parameters"], "half_days": half_days})


def test_the_policy_in_force_carries_its_half_days(data: dict[str, Any]) -> None:
    policy = policy_parameters_build(
        version_id=1,
        version_number=1,
        parameters={**data["parameters"], "half_days": {"12-24": "12:00"}},
        rules=[],
    )
    assert policy.half_days == (HalfDay(month=12, day=24, closes=time(12, 0)),)
    assert policy.working_day.end_on(date(2027, 12, 24)) == time(12, 0)
