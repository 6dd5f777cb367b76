from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Platform
from moskenes_social.bounds import bounded_formfield
from moskenes_social.forms import ReasonField
from moskenes_social.people.models import Unit, User
from moskenes_social.people.roles import Role
from moskenes_social.people.selectors import users_with_role
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
        field_classes = {"web_pages_note": ReasonField, "reputation_note": ReasonField}
        widgets = {
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
        self.fields["responsible_leader"].queryset = users_with_role(Role.LEADER)  # type: ignore[attr-defined]
        self.fields["responders"].queryset = User.objects.filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["acknowledge"].label = _(
            "I have read the guideline for social media, version %(number)s"
        ) % {"number": version_number}
        for question in free_text_questions(questions):
            self.fields[answer_field_name(question.key)] = forms.CharField(
                label=question.label,
                help_text=question.help,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=(self.instance.answers or {}).get(question.key, ""),
            )

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

    def sections(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        """(heading, help, fields) in the guideline's order, for the template."""
        result = [(str(_("The profile")), "", [self[name] for name in BASIC_FIELDS])]
        for question in self.questions:
            spec = question_fields(question)
            names = list(spec.fields)
            if spec.free_text:
                names.insert(0, answer_field_name(question.key))
            result.append((question.label, question.help, [self[name] for name in names]))
        return result


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
