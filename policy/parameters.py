"""The typed parameters of a guideline version, parsed strictly in this one place.

A version stores two kinds of parameters as JSON:

- version parameters (``GuidelineVersion.parameters``): the answering deadline, the
  working day and its half days (optional), the reminder stages, who leads in a crisis,
  and how incoming posts are screened for sensitive information (optional: a version
  that names none screens with ``policy.sensitive_terms``, hides at once and looks for no
  other personal data);
- rule parameters (``Rule.parameters``), whose shape depends on the rule's category:
  a registration requirement asks a question, a topic not to comment says what to do,
  an answering duty names the post categories that are always answered.

``policy_parameters_build`` turns a version and its rules into ``PolicyParameters``, the
one object the rest of the app reads. The same parse functions validate what the
rådmann edits in a draft, so a draft that saves is a draft that can be read.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import time
from types import MappingProxyType
from typing import Any, Protocol

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from moskenes_social.people.roles import Role
from moskenes_social.worktime import HalfDay, WorkingDay

from .errors import ParameterError
from .models import RuleCategory
from .sensitive_terms import DEFAULT_SENSITIVE_TERMS

__all__ = [
    "DEFAULT_SCREENING",
    "ParameterError",
    "PersonalData",
    "PolicyParameters",
    "RegistrationQuestion",
    "ReminderRecipient",
    "ReminderStage",
    "ScreeningParameters",
    "TopicAction",
    "TopicRule",
    "VersionParameters",
    "parse_rule_parameters",
    "parse_screening_terms",
    "parse_version_parameters",
    "policy_parameters_build",
    "version_parameters_to_json",
]


class ReminderRecipient(models.TextChoices):
    RESPONDERS = "responders", gettext_lazy("The responders of the account")
    OWNER = "owner", gettext_lazy("The owner of the account")


class TopicAction(models.TextChoices):
    REMOVE = "remove", gettext_lazy("Remove the post")
    NO_COMMENT = "no_comment", gettext_lazy("Do not comment")
    REFER_OFFICIAL = "refer_official", gettext_lazy("Refer to official statements")
    CHECK_WITH_LEADER = "check_with_leader", gettext_lazy("Check with your nearest leader")


class AnswerKind(models.TextChoices):
    """The kinds of post an answering duty may say are always answered (the posts'
    categories of the same keys, ``accounts.models.PostCategory``)."""

    COMPLAINT = "complaint", gettext_lazy("Complaints from dissatisfied citizens")
    FACTUAL_ERROR = "factual_error", gettext_lazy("Factual errors")


class PersonalData(models.TextChoices):
    """Personal data besides identity numbers that a version may have posts screened for."""

    PHONE = "phone", gettext_lazy("Phone numbers")
    EMAIL = "email", gettext_lazy("E-mail addresses")


# The version parameter that holds the answering deadline; an answering-duty rule may
# point at it ("Alle innlegg der det forventes svar skal snarest besvares").
DEADLINE_PARAMETER = "answer_deadline_working_hours"

_KEY_RE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
_CLOCK_RE = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$")
_MONTH_DAY_RE = re.compile(r"^(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$")
# A working week has at most 5 x 24 hours; anything beyond is a typing error.
_MAX_HOURS = 120.0
# The screening's list: at most this many words, each with at most this many forms of at
# most this many characters (a form is a word or a phrase, ``*`` at its end for a prefix).
SENSITIVE_TERMS_MAX = 500
TERM_FORMS_MAX = 30
TERM_FORM_LENGTH = (2, 60)


@dataclass(frozen=True)
class ReminderStage:
    """Send a reminder ``after_working_hours`` of working time past the due time."""

    code: str
    after_working_hours: float
    notify: str  # a ReminderRecipient value: "responders" or "owner"


@dataclass(frozen=True)
class TopicRule:
    """A topic not to comment, what to do with a post about it, and the rule that says so."""

    key: str
    action: str  # a TopicAction value
    rule_code: str
    title: str


@dataclass(frozen=True)
class RegistrationQuestion:
    """A question a request for a new official profile must answer, from its rule."""

    key: str
    label: str
    help: str
    rule_code: str
    rule_title: str
    section_title: str


@dataclass(frozen=True)
class ScreeningParameters:
    """How incoming posts are screened for sensitive information.

    ``terms``: words and their inflections (headword first, lowercase, NFC; a form ending
    in ``*`` is a prefix); ``hide_at_once``: hide a match on the platform until a person
    decides; ``personal_data``: ``PersonalData`` values screened besides identity numbers.
    """

    terms: tuple[tuple[str, ...], ...]
    hide_at_once: bool = True
    personal_data: frozenset[str] = frozenset()


DEFAULT_SCREENING = ScreeningParameters(terms=DEFAULT_SENSITIVE_TERMS)


@dataclass(frozen=True)
class VersionParameters:
    """The parameters stored on the version itself (not derived from its rules)."""

    answer_deadline_working_hours: float
    working_day: WorkingDay
    reminder_stages: tuple[ReminderStage, ...]
    crisis_leader_roles: frozenset[Role]
    # Days that close early (also in ``working_day``); none unless the version names them.
    half_days: tuple[HalfDay, ...] = ()
    screening: ScreeningParameters = DEFAULT_SCREENING


@dataclass(frozen=True)
class PolicyParameters:
    """Everything the app reads from the guideline version in force."""

    version_id: int
    version_number: int
    answer_deadline_working_hours: float
    working_day: WorkingDay
    reminder_stages: tuple[ReminderStage, ...]
    crisis_leader_roles: frozenset[Role]
    # Read-only: one parsed version is shared by every caller in a process.
    topics: Mapping[str, TopicRule]
    always_answer: frozenset[str]
    registration_questions: tuple[RegistrationQuestion, ...]
    # Days that close early, such as Christmas Eve; ``working_day`` already honours them.
    half_days: tuple[HalfDay, ...] = ()
    screening: ScreeningParameters = DEFAULT_SCREENING


class RuleLike(Protocol):
    """What parsing needs of a rule: a ``Rule`` row or anything shaped like one."""

    @property
    def code(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def section_title(self) -> str: ...
    @property
    def category(self) -> str: ...
    @property
    def parameters(self) -> Any: ...


# --- small strict readers -------------------------------------------------------------


def _mapping(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ParameterError(_("%(where)s must be a mapping.") % {"where": where})
    return value


def _only_keys(value: Mapping[str, Any], allowed: Iterable[str], where: str) -> None:
    unknown = sorted(set(value) - set(allowed))
    if unknown:
        raise ParameterError(
            _("%(where)s has unknown keys: %(keys)s.")
            % {"where": where, "keys": ", ".join(unknown)}
        )


def _hours(value: object, where: str, *, minimum: float, allow_equal: bool = True) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ParameterError(_("%(where)s must be a number of hours.") % {"where": where})
    hours = float(value)
    too_small = hours < minimum if allow_equal else hours <= minimum
    if too_small or hours > _MAX_HOURS:
        raise ParameterError(
            _("%(where)s must be between %(min)s and %(max)s hours.")
            % {"where": where, "min": _number(minimum), "max": _number(_MAX_HOURS)}
        )
    return hours


def _text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ParameterError(_("%(where)s must be a non-empty text.") % {"where": where})
    return value.strip()


def _key(value: object, where: str) -> str:
    if not isinstance(value, str) or not _KEY_RE.match(value):
        raise ParameterError(
            _("%(where)s must be a key in lowercase letters, digits and underscores.")
            % {"where": where}
        )
    return value


def _clock(value: object, where: str) -> time:
    if not isinstance(value, str) or not _CLOCK_RE.match(value):
        raise ParameterError(_("%(where)s must be a time of day as HH:MM.") % {"where": where})
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def _role(value: object, where: str) -> Role:
    if not isinstance(value, str) or value not in Role.values:
        raise ParameterError(
            _("%(where)s names an unknown role: %(value)s.") % {"where": where, "value": value}
        )
    return Role(value)


def _role_list(value: object, where: str) -> list[Role]:
    if not isinstance(value, list) or not value:
        raise ParameterError(_("%(where)s must be a non-empty list of roles.") % {"where": where})
    roles = [_role(item, where) for item in value]
    if len(set(roles)) != len(roles):
        raise ParameterError(_("%(where)s names a role twice.") % {"where": where})
    return roles


def _roles(value: object, where: str) -> frozenset[Role]:
    return frozenset(_role_list(value, where))


def _number(value: float) -> str:
    return f"{value:g}"


# --- version parameters ---------------------------------------------------------------

VERSION_PARAMETER_KEYS = (
    "answer_deadline_working_hours",
    "working_day_start",
    "working_day_end",
    "reminder_stages",
    "crisis_leader_roles",
)
# Keys a version may leave out. ``half_days`` maps a month-day to an early closing time:
# {"12-24": "12:00", "12-31": "12:00"}; left out, no day closes early. The screening's
# ``sensitive_terms`` (a list of lists of forms), ``sensitive_hide_at_once`` (true or
# false) and ``screened_personal_data`` (``PersonalData`` values): left out (version 1),
# ``DEFAULT_SCREENING``.
OPTIONAL_VERSION_PARAMETER_KEYS = (
    "half_days",
    "sensitive_terms",
    "sensitive_hide_at_once",
    "screened_personal_data",
)


def parse_version_parameters(raw: object) -> VersionParameters:
    """Parse a version's ``parameters`` JSON; raise ``ParameterError`` on any flaw."""
    data = _mapping(raw, _("The parameters"))
    _only_keys(
        data, (*VERSION_PARAMETER_KEYS, *OPTIONAL_VERSION_PARAMETER_KEYS), _("The parameters")
    )
    for key in VERSION_PARAMETER_KEYS:
        if key not in data:
            raise ParameterError(_("The parameter %(key)s is missing.") % {"key": key})
    deadline = _hours(
        data["answer_deadline_working_hours"],
        _("The answering deadline"),
        minimum=0.0,
        allow_equal=False,
    )
    start = _clock(data["working_day_start"], _("The start of the working day"))
    end = _clock(data["working_day_end"], _("The end of the working day"))
    if end <= start:
        raise ParameterError(_("The working day must end after it starts."))
    stages = _reminder_stages(data["reminder_stages"])
    roles = _roles(data["crisis_leader_roles"], _("Who leads in a crisis"))
    half_days = _half_days(data.get("half_days", {}), start=start, end=end)
    return VersionParameters(
        answer_deadline_working_hours=deadline,
        working_day=WorkingDay(start=start, end=end, half_days=half_days),
        reminder_stages=stages,
        crisis_leader_roles=roles,
        half_days=half_days,
        screening=_screening(data),
    )


def _screening(data: Mapping[str, Any]) -> ScreeningParameters:
    terms = (
        parse_screening_terms(data["sensitive_terms"])
        if "sensitive_terms" in data
        else DEFAULT_SCREENING.terms
    )
    hide = data.get("sensitive_hide_at_once", DEFAULT_SCREENING.hide_at_once)
    if not isinstance(hide, bool):
        raise ParameterError(_("Hide at once must be true or false."))
    kinds = data.get("screened_personal_data", [])
    where = _("The personal data screened")
    if not isinstance(kinds, list) or any(kind not in PersonalData.values for kind in kinds):
        raise ParameterError(
            _("%(where)s must be a list of: %(kinds)s.")
            % {"where": where, "kinds": ", ".join(PersonalData.values)}
        )
    if len(set(kinds)) != len(kinds):
        raise ParameterError(_("%(where)s names a kind twice.") % {"where": where})
    return ScreeningParameters(terms=terms, hide_at_once=hide, personal_data=frozenset(kinds))


def _term_form(value: object) -> str:
    """One form of a term, as matched: lowercase, NFC, single spaces; words of letters and
    digits, joined by spaces or hyphens, ``*`` at the end for a prefix."""
    if not isinstance(value, str):
        raise ParameterError(_("A word of the screening list must be text."))
    form = " ".join(unicodedata.normalize("NFC", value).lower().split())
    body = form.removesuffix("*")
    low, high = TERM_FORM_LENGTH
    if not low <= len(body) <= high:
        raise ParameterError(
            _("«%(form)s»: a word of the screening list has %(min)d to %(max)d characters.")
            % {"form": form[:80], "min": low, "max": high}
        )
    words = body.replace("-", " ").split(" ")
    if not all(word and all(c.isalnum() for c in word) for word in words):
        raise ParameterError(
            _(
                "«%(form)s»: a word of the screening list has letters and digits only, "
                "words joined by a space or a hyphen, and may end in * to match every "
                "word that begins with it."
            )
            % {"form": form[:80]}
        )
    return form


def parse_screening_terms(value: object) -> tuple[tuple[str, ...], ...]:
    """The screening's words: a list of lists of forms, each form once in the whole list."""
    if not isinstance(value, list):
        raise ParameterError(_("The screening list must be a list of words."))
    if len(value) > SENSITIVE_TERMS_MAX:
        raise ParameterError(
            _("The screening list has at most %(max)d words.") % {"max": SENSITIVE_TERMS_MAX}
        )
    terms: list[tuple[str, ...]] = []
    seen: set[str] = set()
    for entry in value:
        if not isinstance(entry, list) or not entry:
            raise ParameterError(_("Each word of the screening list is a list of its forms."))
        if len(entry) > TERM_FORMS_MAX:
            raise ParameterError(
                _("A word of the screening list has at most %(max)d forms.")
                % {"max": TERM_FORMS_MAX}
            )
        forms = tuple(_term_form(item) for item in entry)
        for form in forms:
            if form in seen:
                raise ParameterError(
                    _("«%(form)s» is twice in the screening list.") % {"form": form}
                )
            seen.add(form)
        terms.append(forms)
    return tuple(terms)


def _half_days(value: object, *, start: time, end: time) -> tuple[HalfDay, ...]:
    """``{"12-24": "12:00"}``: days (month-day, every year) that close early."""
    where = _("The half days")
    data = _mapping(value, where)
    half_days: list[HalfDay] = []
    for key, closes in data.items():
        day_where = _("The half day %(day)s") % {"day": key}
        if not isinstance(key, str) or not _MONTH_DAY_RE.match(key):
            raise ParameterError(
                _("%(where)s must name the day as MM-DD, for example 12-24.") % {"where": day_where}
            )
        month, day = (int(part) for part in key.split("-"))
        clock = _clock(closes, day_where)
        if not start < clock < end:
            raise ParameterError(
                _("%(where)s must close after the working day starts and before it ends.")
                % {"where": day_where}
            )
        try:
            half_days.append(HalfDay(month=month, day=day, closes=clock))
        except ValueError:
            raise ParameterError(
                _("%(where)s is not a day of the year.") % {"where": day_where}
            ) from None
    return tuple(sorted(half_days))


def _reminder_stages(value: object) -> tuple[ReminderStage, ...]:
    where = _("The reminder stages")
    if not isinstance(value, list) or not value:
        raise ParameterError(_("%(where)s must be a non-empty list.") % {"where": where})
    stages: list[ReminderStage] = []
    for index, item in enumerate(value, start=1):
        stage_where = _("Reminder stage %(number)d") % {"number": index}
        stage = _mapping(item, stage_where)
        _only_keys(stage, ("code", "after_working_hours", "notify"), stage_where)
        notify = stage.get("notify")
        if notify not in ReminderRecipient.values:
            raise ParameterError(
                _("%(where)s must notify the responders or the owner.") % {"where": stage_where}
            )
        stages.append(
            ReminderStage(
                code=_key(stage.get("code"), stage_where),
                after_working_hours=_hours(
                    stage.get("after_working_hours"), stage_where, minimum=0.0
                ),
                notify=str(notify),
            )
        )
    codes = [stage.code for stage in stages]
    if len(set(codes)) != len(codes):
        raise ParameterError(_("Two reminder stages have the same code."))
    hours = [stage.after_working_hours for stage in stages]
    if hours != sorted(hours):
        raise ParameterError(_("The reminder stages must come in the order they are sent."))
    return tuple(stages)


def version_parameters_to_json(parameters: VersionParameters) -> dict[str, Any]:
    """The JSON form of parsed version parameters (the inverse of the parser)."""
    return {
        "answer_deadline_working_hours": _json_number(parameters.answer_deadline_working_hours),
        "working_day_start": parameters.working_day.start.strftime("%H:%M"),
        "working_day_end": parameters.working_day.end.strftime("%H:%M"),
        "reminder_stages": [
            {
                "code": stage.code,
                "after_working_hours": _json_number(stage.after_working_hours),
                "notify": stage.notify,
            }
            for stage in parameters.reminder_stages
        ],
        "crisis_leader_roles": [
            role.value for role in Role if role in parameters.crisis_leader_roles
        ],
        # Left out when there are none, so a version without half days keeps its old form.
        **(
            {
                "half_days": {
                    half.key: half.closes.strftime("%H:%M") for half in parameters.half_days
                }
            }
            if parameters.half_days
            else {}
        ),
        # Always named: a version saved now never depends on the defaults of version 1.
        "sensitive_terms": [list(forms) for forms in parameters.screening.terms],
        "sensitive_hide_at_once": parameters.screening.hide_at_once,
        "screened_personal_data": [
            kind for kind in PersonalData.values if kind in parameters.screening.personal_data
        ],
    }


def _json_number(value: float) -> int | float:
    return int(value) if value.is_integer() else value


# --- rule parameters ------------------------------------------------------------------

# Which parameter keys a rule of each category may carry; a registration requirement
# must ask a question and a topic not to comment must name its topic.
RULE_PARAMETER_KEYS: dict[str, tuple[str, ...]] = {
    RuleCategory.PRINCIPLE: ("approval_role",),
    RuleCategory.REGISTRATION_REQUIREMENT: ("question",),
    RuleCategory.CONDUCT: (),
    RuleCategory.ANSWERING_DUTY: ("always_answer", "deadline_parameter"),
    RuleCategory.TOPIC_NOT_TO_COMMENT: ("topic",),
    RuleCategory.CRISIS: ("leader_roles",),
    RuleCategory.PRIVATE_USE: (),
}
REQUIRED_RULE_PARAMETERS: dict[str, tuple[str, ...]] = {
    RuleCategory.REGISTRATION_REQUIREMENT: ("question",),
    RuleCategory.TOPIC_NOT_TO_COMMENT: ("topic",),
}


def parse_rule_parameters(*, category: str, raw: object) -> dict[str, Any]:
    """Validate a rule's parameters for its category; return them normalised."""
    if category not in RULE_PARAMETER_KEYS:
        raise ParameterError(_("Unknown rule category: %(category)s.") % {"category": category})
    where = _("The rule's parameters")
    data = _mapping(raw if raw is not None else {}, where)
    _only_keys(data, RULE_PARAMETER_KEYS[category], where)
    for key in REQUIRED_RULE_PARAMETERS.get(category, ()):
        if key not in data:
            raise ParameterError(_("The rule's parameter %(key)s is missing.") % {"key": key})
    result: dict[str, Any] = {}
    if "approval_role" in data:
        result["approval_role"] = _role(data["approval_role"], _("The approving role")).value
    if "question" in data:
        question = _mapping(data["question"], _("The question"))
        _only_keys(question, ("key", "label", "help"), _("The question"))
        result["question"] = {
            "key": _key(question.get("key"), _("The question's key")),
            "label": _text(question.get("label"), _("The question")),
            "help": _text(question.get("help"), _("The question's help text")),
        }
    if "always_answer" in data:
        keys = data["always_answer"]
        if not isinstance(keys, list):
            raise ParameterError(_("Always answer must be a list of post categories."))
        parsed = [_key(key, _("A post category")) for key in keys]
        if len(set(parsed)) != len(parsed):
            raise ParameterError(_("Always answer names a post category twice."))
        result["always_answer"] = parsed
    if "deadline_parameter" in data:
        if data["deadline_parameter"] != DEADLINE_PARAMETER:
            raise ParameterError(
                _("The deadline parameter must be %(key)s.") % {"key": DEADLINE_PARAMETER}
            )
        result["deadline_parameter"] = DEADLINE_PARAMETER
    if "topic" in data:
        topic = _mapping(data["topic"], _("The topic"))
        _only_keys(topic, ("key", "action"), _("The topic"))
        if topic.get("action") not in TopicAction.values:
            raise ParameterError(_("The topic's action is not one of the known actions."))
        result["topic"] = {
            "key": _key(topic.get("key"), _("The topic's key")),
            "action": str(topic["action"]),
        }
    if "leader_roles" in data:
        roles = _role_list(data["leader_roles"], _("Who leads in a crisis"))
        result["leader_roles"] = [role.value for role in roles]
    return result


# --- the whole policy -----------------------------------------------------------------


def policy_parameters_build(
    *, version_id: int, version_number: int, parameters: object, rules: Iterable[RuleLike]
) -> PolicyParameters:
    """Parse a version's parameters and its rules (in order) into ``PolicyParameters``.

    Raises ``ParameterError`` if anything is malformed or two rules claim the same
    question or topic key.
    """
    version = parse_version_parameters(parameters)
    topics: dict[str, TopicRule] = {}
    questions: list[RegistrationQuestion] = []
    always_answer: set[str] = set()
    for rule in rules:
        params = parse_rule_parameters(category=rule.category, raw=rule.parameters)
        if "question" in params:
            question = params["question"]
            if any(q.key == question["key"] for q in questions):
                raise ParameterError(
                    _("Two rules ask the question %(key)s.") % {"key": question["key"]}
                )
            questions.append(
                RegistrationQuestion(
                    key=question["key"],
                    label=question["label"],
                    help=question["help"],
                    rule_code=rule.code,
                    rule_title=rule.title,
                    section_title=rule.section_title,
                )
            )
        if "topic" in params:
            topic = params["topic"]
            if topic["key"] in topics:
                raise ParameterError(_("Two rules name the topic %(key)s.") % {"key": topic["key"]})
            topics[topic["key"]] = TopicRule(
                key=topic["key"], action=topic["action"], rule_code=rule.code, title=rule.title
            )
        always_answer.update(params.get("always_answer", ()))
    return PolicyParameters(
        version_id=version_id,
        version_number=version_number,
        answer_deadline_working_hours=version.answer_deadline_working_hours,
        working_day=version.working_day,
        reminder_stages=version.reminder_stages,
        crisis_leader_roles=version.crisis_leader_roles,
        topics=MappingProxyType(topics),
        always_answer=frozenset(always_answer),
        registration_questions=tuple(questions),
        half_days=version.half_days,
        screening=version.screening,
    )
