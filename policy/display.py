"""Parameters in words, for the pages: the draft editor, the guideline and the comparison."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext as _

from moskenes_social.people.roles import Role

from .errors import ParameterError
from .models import Rule
from .parameters import (
    AnswerKind,
    PersonalData,
    ReminderRecipient,
    TopicAction,
    parse_version_parameters,
)


def _role_labels(names: object) -> str:
    """Role names in words, in the fixed order of ``Role`` (so order never shows as a change)."""
    if not isinstance(names, list):
        return ""
    known = [str(role.label) for role in Role if role.value in names]
    unknown = [str(n) for n in names if n not in Role.values]
    return ", ".join(known + unknown)


def _hours(value: object) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _("%(hours)s working hours") % {"hours": f"{value:g}".replace(".", ",")}
    return str(value)


def describe_rule_parameters(parameters: Any) -> list[tuple[str, str]]:
    """(label, value) pairs describing a rule's parameters, in a fixed order."""
    if not isinstance(parameters, dict):
        return []
    lines: list[tuple[str, str]] = []
    question = parameters.get("question")
    if isinstance(question, dict):
        # The question and the topic are named by their words; their keys are the program's.
        lines.append((_("Question"), str(question.get("label", ""))))
        lines.append((_("Help text"), str(question.get("help", ""))))
    topic = parameters.get("topic")
    if isinstance(topic, dict):
        action = topic.get("action", "")
        action_label = TopicAction(action).label if action in TopicAction.values else action
        lines.append((_("What to do"), str(action_label)))
    if "always_answer" in parameters:
        kinds = [
            str(AnswerKind(key).label).lower() if key in AnswerKind.values else str(key)
            for key in parameters["always_answer"]
        ]
        lines.append((_("Always answer posts of the kind"), ", ".join(kinds)))
    if "deadline_parameter" in parameters:
        lines.append((_("Answering deadline"), _("The version's answering deadline applies")))
    if "leader_roles" in parameters:
        lines.append((_("Who leads in a crisis"), _role_labels(parameters["leader_roles"])))
    if "approval_role" in parameters:
        lines.append((_("Approved by"), _role_labels([parameters["approval_role"]])))
    return lines


def describe_version_parameters(parameters: Any) -> list[tuple[str, str]]:
    """(label, value) pairs describing a version's own parameters."""
    if not isinstance(parameters, dict):
        return []
    lines = [
        (_("Answering deadline"), _hours(parameters.get("answer_deadline_working_hours"))),
        (
            _("Working day"),
            f"{parameters.get('working_day_start', '')}–{parameters.get('working_day_end', '')}",
        ),
    ]
    stages = parameters.get("reminder_stages")
    for number, stage in enumerate(stages if isinstance(stages, list) else [], start=1):
        notify = stage.get("notify", "")
        notify_label = (
            ReminderRecipient(notify).label if notify in ReminderRecipient.values else notify
        )
        lines.append(
            (
                # Named by its place, not by its code ("due", "escalation").
                _("Reminder %(number)d") % {"number": number},
                _("%(hours)s after the deadline, to %(whom)s")
                % {
                    "hours": _hours(stage.get("after_working_hours")),
                    "whom": str(notify_label).lower(),
                },
            )
        )
    lines.append((_("Who leads in a crisis"), _role_labels(parameters.get("crisis_leader_roles"))))
    half_days = parameters.get("half_days")
    if isinstance(half_days, dict) and half_days:
        lines.append(
            (
                _("Half days"),
                ", ".join(
                    _("%(day)s until %(time)s") % {"day": day, "time": closes}
                    for day, closes in sorted(half_days.items())
                ),
            )
        )
    return lines + _describe_screening(parameters)


def _describe_screening(parameters: dict[str, Any]) -> list[tuple[str, str]]:
    """The screening as it applies: a version that names none (version 1) has the defaults,
    so comparing it with a draft that keeps them shows no change."""
    try:
        screening = parse_version_parameters(parameters).screening
    except ParameterError:
        return []
    others = [str(label) for kind, label in PersonalData.choices if kind in screening.personal_data]
    return [
        (
            _("Words that mark a post as possibly sensitive"),
            "; ".join(", ".join(forms) for forms in screening.terms) or _("None"),
        ),
        (
            _("Hidden on the platform at once"),
            _("Yes") if screening.hide_at_once else _("No, only marked"),
        ),
        (
            _("Screened besides identity numbers"),
            ", ".join(others) or _("Nothing else"),
        ),
    ]


@dataclass
class HeadingGroup:
    heading: str
    anchor: str
    rules: list[Rule] = field(default_factory=list)


@dataclass
class SectionOutline:
    number: str
    title: str
    anchor: str
    groups: list[HeadingGroup] = field(default_factory=list)


def outline(rules: Iterable[Rule]) -> list[SectionOutline]:
    """Rules grouped as the document reads: sections, then the headings within them."""
    sections: list[SectionOutline] = []
    for rule in rules:
        if not sections or sections[-1].number != rule.section:
            sections.append(
                SectionOutline(
                    number=rule.section,
                    title=rule.section_title,
                    anchor=f"del-{slugify(rule.section)}",
                )
            )
        section = sections[-1]
        if not section.groups or section.groups[-1].heading != rule.heading:
            anchor = f"{section.anchor}-{slugify(rule.heading)}" if rule.heading else ""
            section.groups.append(HeadingGroup(heading=rule.heading, anchor=anchor))
        section.groups[-1].rules.append(rule)
    return sections
