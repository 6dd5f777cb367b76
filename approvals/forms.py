from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.forms import UserMultipleChoiceField
from accounts.models import Platform
from moskenes_social.bounds import bounded_formfield
from moskenes_social.forms import ReasonField
from moskenes_social.people.models import Unit, User
from moskenes_social.people.permissions import leads_unit
from moskenes_social.people.roles import Role
from moskenes_social.people.selectors import users_with_role
from moskenes_social.people.widgets import PeoplePicker
from policy.parameters import RegistrationQuestion

from .models import AccountRequest, RequestStatus
from .questions import (
    BASIC_FIELDS,
    answer_field_name,
    free_text_questions,
    question_fields,
)

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class AccountRequestForm(forms.ModelForm[AccountRequest]):
    """The request form. Every field is optional here so that a draft can be saved; the
    submit service says what is missing."""

    class Meta:
        model = AccountRequest
        formfield_callback = bounded_formfield
        fields = [
            *BASIC_FIELDS,
            "goals",
            "not_used_for",
            "responsible_leader",
            "responders",
            "follow_up_interval_days",
            "hours_per_week",
            "mandate",
            "contact_instance",
            "contact_person",
            "contact_title",
            "contact_email",
            "homepage",
            "web_pages_updated",
            "web_pages_note",
            "reputation_checked",
            "reputation_note",
        ]
        # Notes that show nothing (only zero-width characters) are kept as empty.
        field_classes = {
            "web_pages_note": ReasonField,
            "reputation_note": ReasonField,
            "responders": UserMultipleChoiceField,
        }
        widgets = {
            "responders": PeoplePicker,
            "goals": TEXTAREA,
            "not_used_for": TEXTAREA,
            "mandate": TEXTAREA,
            "web_pages_note": TEXTAREA,
            "reputation_note": TEXTAREA,
        }

    acknowledge = forms.BooleanField(required=False)

    def __init__(
        self,
        *args: Any,
        questions: tuple[RegistrationQuestion, ...],
        version_number: int,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for field in self.fields.values():
            field.required = False
        leaders = users_with_role(Role.LEADER)
        leader_field = self.fields["responsible_leader"]
        leader_field.queryset = leaders  # type: ignore[attr-defined]
        # The owner must lead the profile's unit: the leaders are offered under their units.
        leader_field.choices = [  # type: ignore[attr-defined]
            ("", leader_field.empty_label),  # type: ignore[attr-defined]
            *leaders_by_unit(leaders=leaders),
        ]
        self.fields["responders"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(is_active=True)
            .select_related("unit")
            .order_by("first_name", "last_name", "username")
        )
        self.fields["acknowledge"].label = _(
            "I have read the guideline for social media, version %(number)s"
        ) % {"number": version_number}
        for question in free_text_questions(questions):
            # The question and its help are the section's legend and help text, shown
            # once; the label (visually hidden) names the field in the error summary.
            self.fields[answer_field_name(question.key)] = forms.CharField(
                label=question.label,
                required=False,
                widget=forms.Textarea(
                    attrs={"rows": 3, "aria-describedby": section_help_id(question.key)}
                    if question.help
                    else {"rows": 3}
                ),
                initial=(self.instance.answers or {}).get(question.key, ""),
            )
        # The error summary lists the errors in the order the form shows its fields.
        self.order_fields(
            [field.name for section in self.sections() for field in section.fields]
            + ["acknowledge"]
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        unit, leader = data.get("unit"), data.get("responsible_leader")
        if unit is not None and leader is not None and not leads_unit(leader, unit.pk):
            self.add_error(
                "responsible_leader",
                _("%(name)s is not a leader of %(unit)s. Choose a leader of the unit.")
                % {"name": leader, "unit": unit},
            )
        return data

    def answers(self) -> dict[str, str]:
        return {
            q.key: self.cleaned_data.get(answer_field_name(q.key), "") or ""
            for q in free_text_questions(self.questions)
        }

    def values(self) -> dict[str, Any]:
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name in self._meta.fields and name != "responders"  # type: ignore[operator]
        }

    def sections(self) -> list["FormSection"]:
        """The form's sections in the guideline's order, for the template."""
        result = [FormSection(str(_("The profile")), "", "", [self[n] for n in BASIC_FIELDS])]
        for question in self.questions:
            spec = question_fields(question)
            names = list(spec.fields)
            if spec.free_text:
                names.insert(0, answer_field_name(question.key))
            result.append(
                FormSection(
                    question.label,
                    question.help,
                    section_help_id(question.key),
                    [self[name] for name in names],
                )
            )
        return result


def leaders_by_unit(*, leaders: QuerySet[User]) -> list[tuple[str, list[tuple[int, str]]]]:
    """The leaders grouped under the units they lead, as ``<optgroup>``s: one query."""
    links = (
        Unit.leaders.through.objects.filter(user__in=leaders)
        .select_related("unit", "user")
        .order_by("unit__name", "user__first_name", "user__last_name", "user__username")
    )
    groups: dict[str, list[tuple[int, str]]] = {}
    for link in links:
        groups.setdefault(link.unit.name, []).append((link.user_id, str(link.user)))
    return list(groups.items())


def section_help_id(key: str) -> str:
    return f"help_{key}"


@dataclass
class FormSection:
    heading: str
    help: str
    help_id: str
    fields: list[forms.BoundField]

    @property
    def answer_names(self) -> set[str]:
        """The free-text answers, whose label repeats the heading and is hidden."""
        return {f.name for f in self.fields if f.name.startswith("answer_")}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (RequestStatus.APPROVED, _("Approve")),
            (RequestStatus.RETURNED, _("Return for changes")),
            (RequestStatus.REJECTED, _("Reject")),
        ],
        widget=forms.RadioSelect,
    )
    text = ReasonField(
        label=_("Reason or comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when you reject or return. The requester sees it."),
    )


class ClosingDecisionForm(DecisionForm):
    """A closing request is closed or refused; there is nothing to change and send again."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (RequestStatus.APPROVED, _("Close the account")),
            (RequestStatus.REJECTED, _("Keep the account (reject the request)")),
        ],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].help_text = _("Required when you reject. The requester sees it.")


class ClosingRequestForm(forms.Form):
    closing_reason = ReasonField(
        label=_("Why should the account be closed?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The rådmann decides, and sees this reason."),
    )


class ArchiveFilterForm(forms.Form):
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.all(), required=False, label=_("Unit"), empty_label=_("All")
    )
    platform = forms.ChoiceField(
        required=False, label=_("Platform"), choices=[("", _("All")), *Platform.choices]
    )
    status = forms.ChoiceField(
        required=False,
        label=_("Status"),
        choices=[
            ("", _("All")),
            (RequestStatus.APPROVED, RequestStatus.APPROVED.label),
            (RequestStatus.REJECTED, RequestStatus.REJECTED.label),
        ],
    )
    text = forms.CharField(required=False, label=_("Name or handle"))
