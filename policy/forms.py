"""Forms of the draft editor, adoption and comparison. Validation of parameters is
delegated to ``policy.parameters`` so that a form and a service never disagree."""

from collections.abc import Collection
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from moskenes_social.bounds import date_validators
from moskenes_social.people.roles import Role

from .errors import ParameterError

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
from .models import GuidelineVersion, Rule, RuleCategory
from .parameters import (
    DEADLINE_PARAMETER,
    AnswerKind,
    PersonalData,
    ReminderRecipient,
    TopicAction,
    parse_rule_parameters,
    parse_version_parameters,
)

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _hours_field(label: "StrOrPromise", help_text: "StrOrPromise" = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        help_text=help_text,
        min_value=Decimal("0"),
        max_value=Decimal("120"),
        decimal_places=2,
    )


class RuleForm(forms.Form):
    """A rule's text fields, and its parameters as typed fields grouped by category."""

    section = forms.ChoiceField(label=_("Section"))
    heading = forms.CharField(
        label=_("Heading"),
        max_length=200,
        required=False,
        help_text=_("The heading the rule stands under in the document; may be empty."),
    )
    title = forms.CharField(
        label=_("Title"), max_length=200, help_text=_("A short name for the rule.")
    )
    text = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "The rule as written. Markdown: *italics*, **bold**, blank line = new paragraph."
        ),
    )
    category = forms.ChoiceField(label=_("Category"), choices=RuleCategory.choices)
    # registration_requirement
    question_label = forms.CharField(
        label=_("Question asked in a registration request"),
        required=False,
        help_text=_("Only for registration requirements."),
    )
    question_help = forms.CharField(
        label=_("Help text for the question"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only for registration requirements."),
    )
    # topic_not_to_comment
    topic_action = forms.ChoiceField(
        label=_("What to do with a post on the topic"),
        required=False,
        choices=[("", "—"), *TopicAction.choices],
        help_text=_("Only for topics not to comment."),
    )
    # answering_duty
    always_answer = forms.MultipleChoiceField(
        label=_("Always answer posts of the kind"),
        required=False,
        choices=AnswerKind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only for answering duties."),
    )
    sets_deadline = forms.BooleanField(
        label=_("This rule sets the answering deadline"),
        required=False,
        help_text=_("Only for answering duties. The deadline itself is a version parameter."),
    )
    # principle
    approval_role = forms.ChoiceField(
        label=_("Approved by"),
        required=False,
        choices=[("", "—"), *Role.choices],
        help_text=_("Only for principles that say who approves something."),
    )

    def __init__(
        self, *args: Any, version: GuidelineVersion, rule: Rule | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        sections = dict(version.rules.order_by("order").values_list("section", "section_title"))
        self.section_titles: dict[str, str] = sections
        cast(forms.ChoiceField, self.fields["section"]).choices = [
            (number, f"{number}. {title}") for number, title in sections.items()
        ]
        self.rule = rule
        # The keys the other rules of the version use; a new key is made unlike them.
        others = [r for r in version.rules.all() if rule is None or r.pk != rule.pk]
        self.taken_codes = {r.code for r in others}
        self.taken_keys = {
            str(params[name].get("key"))
            for params in (r.parameters for r in others)
            if isinstance(params, dict)
            for name in ("question", "topic")
            if isinstance(params.get(name), dict)
        }
        if rule is not None:
            self.initial.update(_rule_initial(rule))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        category = data.get("category")
        if not category:
            return data
        try:
            data["parameters"] = parse_rule_parameters(
                category=category, raw=self._parameters(category, data)
            )
        except ParameterError as error:
            raise ValidationError(str(error)) from error
        data["section_title"] = self.section_titles.get(data.get("section", ""), "")
        if self.rule is None:
            # The code is how versions are compared: made once from the title, never changed.
            data["code"] = derived_key(
                f"{data.get('section', '')} {data.get('title', '')}",
                taken=self.taken_codes,
                separator="-",
            )
        return data

    def _existing_key(self, name: str) -> str | None:
        """The key the rule has for its question or topic: it stays when the rule changes."""
        params = self.rule.parameters if self.rule is not None else None
        if isinstance(params, dict) and isinstance(params.get(name), dict):
            return str(params[name].get("key"))
        return None

    def _key_for(self, name: str, text: str) -> str:
        return self._existing_key(name) or derived_key(text, taken=self.taken_keys, separator="_")

    def _parameters(self, category: str, data: dict[str, Any]) -> dict[str, Any]:
        params: dict[str, Any] = {}
        if category == RuleCategory.REGISTRATION_REQUIREMENT:
            label = data.get("question_label", "")
            params["question"] = {
                "key": self._key_for("question", label) if label else "",
                "label": label,
                "help": data.get("question_help", ""),
            }
        elif category == RuleCategory.TOPIC_NOT_TO_COMMENT:
            params["topic"] = {
                "key": self._key_for("topic", data.get("title", "")),
                "action": data.get("topic_action"),
            }
        elif category == RuleCategory.ANSWERING_DUTY:
            keys = list(data.get("always_answer") or [])
            if keys:
                params["always_answer"] = keys
            if data.get("sets_deadline"):
                params["deadline_parameter"] = DEADLINE_PARAMETER
        elif category == RuleCategory.PRINCIPLE and data.get("approval_role"):
            params["approval_role"] = data["approval_role"]
        return params


# Norwegian letters as the existing keys spell them ("høflighet" -> "hoflighet").
_ASCII_LETTERS = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "ae", "Ø": "o", "Å": "a"})


def derived_key(text: str, *, taken: Collection[str], separator: str) -> str:
    """A key for the program made from what a person typed: lowercase letters and digits
    joined by ``separator``, unlike every key in ``taken``. A key joined by underscores (a
    question's or a topic's) begins with a letter, as the parser requires."""
    words = slugify(text.translate(_ASCII_LETTERS)).split("-")
    base = separator.join(word for word in words if word)[:60].strip(separator)
    if not base[:1].isalpha() and separator == "_":
        base = f"n_{base}" if base else "n"
    base = base or "regel"
    key, number = base, 2
    while key in taken:
        key, number = f"{base}{separator}{number}", number + 1
    return key


def _rule_initial(rule: Rule) -> dict[str, Any]:
    params = rule.parameters if isinstance(rule.parameters, dict) else {}
    question = params.get("question") or {}
    topic = params.get("topic") or {}
    return {
        "section": rule.section,
        "heading": rule.heading,
        "title": rule.title,
        "text": rule.text,
        "category": rule.category,
        "question_label": question.get("label", ""),
        "question_help": question.get("help", ""),
        "topic_action": topic.get("action", ""),
        "always_answer": list(params.get("always_answer", [])),
        "sets_deadline": "deadline_parameter" in params,
        "approval_role": params.get("approval_role", ""),
    }


class VersionParametersForm(forms.Form):
    """The version's own parameters. Reminder stages keep their codes; their timing and
    recipients are edited."""

    answer_deadline_working_hours = _hours_field(
        _("Answering deadline (working hours)"),
        _("How soon a post that expects an answer must be answered («snarest»)."),
    )
    working_day_start = forms.TimeField(label=_("The working day starts"), widget=_TIME)
    working_day_end = forms.TimeField(label=_("The working day ends"), widget=_TIME)
    crisis_leader_roles = forms.MultipleChoiceField(
        label=_("Who leads in a crisis"),
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    half_days = forms.CharField(
        label=_("Half days"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Days that close early every year, one per line as month-day and closing time, "
            "for example «12-24 12:00». Leave empty if none."
        ),
    )
    sensitive_terms = forms.CharField(
        label=_("Words that mark a post as possibly sensitive"),
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "One word per line with its inflections, separated by commas, for example "
            "«diagnose, diagnosen, diagnoser, diagnosene». A form ending in * matches every "
            "word that begins with it («barnevern*»). Case does not matter; æ, ø and å are "
            "letters of their own."
        ),
    )
    sensitive_hide_at_once = forms.BooleanField(
        label=_("Hide a possibly sensitive post on the platform at once"),
        required=False,
        help_text=_(
            "Where the account is connected, the comment is hidden until a responder removes "
            "it or shows it again. Phone numbers and e-mail addresses are never hidden on "
            "their own."
        ),
    )
    screened_personal_data = forms.MultipleChoiceField(
        label=_("Also screen for"),
        required=False,
        choices=PersonalData.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Identity numbers are always screened. A phone number or an e-mail address is "
            "most often the author's own or a service's, so it only marks the post for a "
            "person to look at."
        ),
    )

    def __init__(self, *args: Any, version: GuidelineVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        params = version.parameters if isinstance(version.parameters, dict) else {}
        self.stage_codes: list[str] = [s["code"] for s in params.get("reminder_stages", [])]
        # A stage is named by its place ("Reminder 2"), not by its code ("escalation").
        for number, stage in enumerate(params.get("reminder_stages", []), start=1):
            code = stage["code"]
            self.fields[f"stage_{code}_after"] = _hours_field(
                _("Reminder %(number)d: working hours after the deadline") % {"number": number}
            )
            self.fields[f"stage_{code}_notify"] = forms.ChoiceField(
                label=_("Reminder %(number)d: who is reminded") % {"number": number},
                choices=ReminderRecipient.choices,
            )
            self.initial[f"stage_{code}_after"] = stage["after_working_hours"]
            self.initial[f"stage_{code}_notify"] = stage["notify"]
        self.initial.update(
            {
                "answer_deadline_working_hours": params.get("answer_deadline_working_hours"),
                "working_day_start": params.get("working_day_start"),
                "working_day_end": params.get("working_day_end"),
                "crisis_leader_roles": params.get("crisis_leader_roles", []),
                "half_days": "\n".join(
                    f"{day} {closes}" for day, closes in params.get("half_days", {}).items()
                ),
                **_screening_initial(params),
            }
        )

    def clean_sensitive_terms(self) -> list[list[str]]:
        """Lines of comma-separated forms as the parameter's list; the parser checks them."""
        terms: list[list[str]] = []
        for line in str(self.cleaned_data.get("sensitive_terms") or "").splitlines():
            forms_of_line = [form.strip() for form in line.split(",") if form.strip()]
            if forms_of_line:
                terms.append(forms_of_line)
        return terms

    def clean_half_days(self) -> dict[str, str]:
        """Lines of "MM-DD HH:MM" as the parameter's mapping; the parser checks the values."""
        result: dict[str, str] = {}
        for line in str(self.cleaned_data.get("half_days") or "").splitlines():
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 2:
                raise ValidationError(
                    _("Write each half day as month-day and closing time, e.g. «12-24 12:00».")
                )
            if parts[0] in result:
                raise ValidationError(_("%(day)s is given twice.") % {"day": parts[0]})
            result[parts[0]] = parts[1]
        return result

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        parameters = {
            "answer_deadline_working_hours": float(data["answer_deadline_working_hours"]),
            "working_day_start": data["working_day_start"].strftime("%H:%M"),
            "working_day_end": data["working_day_end"].strftime("%H:%M"),
            "reminder_stages": [
                {
                    "code": code,
                    "after_working_hours": float(data[f"stage_{code}_after"]),
                    "notify": data[f"stage_{code}_notify"],
                }
                for code in self.stage_codes
            ],
            "crisis_leader_roles": data["crisis_leader_roles"],
        }
        if data.get("half_days"):
            parameters["half_days"] = data["half_days"]
        parameters["sensitive_terms"] = data["sensitive_terms"]
        parameters["sensitive_hide_at_once"] = bool(data.get("sensitive_hide_at_once"))
        parameters["screened_personal_data"] = list(data.get("screened_personal_data") or [])
        try:
            parse_version_parameters(parameters)
        except ParameterError as error:
            raise ValidationError(str(error)) from error
        data["parameters"] = parameters
        return data


def _screening_initial(params: dict[str, Any]) -> dict[str, Any]:
    """The screening's fields as the version has them (version 1: the defaults)."""
    try:
        screening = parse_version_parameters(params).screening
    except ParameterError:
        return {}
    return {
        "sensitive_terms": "\n".join(", ".join(word) for word in screening.terms),
        "sensitive_hide_at_once": screening.hide_at_once,
        "screened_personal_data": [
            kind for kind in PersonalData.values if kind in screening.personal_data
        ],
    }


class AdoptForm(forms.Form):
    adopted_by = forms.CharField(
        label=_("Adopted by"),
        max_length=200,
        help_text=_(
            "The body that adopted the version, e.g. AMU (the working environment committee)."
        ),
    )
    adopted_on = forms.DateField(
        label=_("Adopted on"), widget=_DATE, validators=date_validators(future_days=None)
    )
    effective_from = forms.DateField(
        label=_("In force from"),
        widget=_DATE,
        help_text=_("The date from which the version applies."),
        validators=date_validators(future_days=366),
    )
    change_summary = forms.CharField(
        label=_("Summary of changes"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What is new in this version; staff read this in the notification."),
    )


class CompareForm(forms.Form):
    old = forms.TypedChoiceField(label=_("Compare version"), coerce=int)
    new = forms.TypedChoiceField(label=_("with version"), coerce=int)

    def __init__(self, *args: Any, versions: list[GuidelineVersion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(v.number, _version_label(v)) for v in versions]
        cast(forms.ChoiceField, self.fields["old"]).choices = choices
        cast(forms.ChoiceField, self.fields["new"]).choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("old") is not None and data.get("old") == data.get("new"):
            raise ValidationError(_("Choose two different versions."))
        return data


def _version_label(version: GuidelineVersion) -> str:
    return str(_("Version %(number)d (%(status)s)")) % {
        "number": version.number,
        "status": version.get_status_display(),
    }
