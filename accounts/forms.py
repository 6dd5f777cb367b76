from typing import TYPE_CHECKING, Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from moskenes_social.bounds import bounded_formfield, date_validators
from moskenes_social.forms import ReasonField
from moskenes_social.people.models import Unit, User
from moskenes_social.people.widgets import PersonPicker

from .models import Account, AccountStatus, Platform, ResponsibilityRole
from .selectors import users_assignable

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class UserChoiceField(forms.ModelChoiceField[User]):
    # Only active users are offered; anyone else (e.g. deactivated since the page loaded)
    # is refused with this message.
    default_error_messages = {
        "invalid_choice": _("Choose an active person from the list."),
    }

    def label_from_instance(self, obj: User) -> str:
        details = ", ".join(part for part in [obj.title, obj.unit.name if obj.unit else ""] if part)
        return f"{obj} ({details})" if details else str(obj)


class UserMultipleChoiceField(forms.ModelMultipleChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return UserChoiceField.label_from_instance(self, obj)  # type: ignore[arg-type]


class PlainSelect(forms.Select):
    """A select whose options are written by ``format_html`` rather than one template each.

    The account list's unit filter once offered every unit with an account: 3,000 at
    national scale, where Django's template per option cost 160 ms a page (``make bench``).
    The filters of the lists that every page view renders (the account list, the inbox)
    use it for their few options too: a template per option costs about 0.1 ms each.
    Renders the same markup as ``forms.Select`` for a single choice.
    """

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = {str(v) for v in self.format_value(value)}
        keys = ["" if v is None else str(v) for v, _label in self.choices]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, " selected" if key in chosen else "", label)
                for key, (_value, label) in zip(keys, self.choices, strict=True)
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(final), options)


def name_search_field(*, label: "StrOrPromise", help_text: "StrOrPromise") -> forms.CharField:
    """An optional search box for part of a name: what a filter offers instead of a select
    when the choices run into thousands (units, accounts at national scale)."""
    return forms.CharField(
        label=label,
        required=False,
        max_length=100,
        help_text=help_text,
        widget=forms.TextInput(attrs={"type": "search"}),
    )


class AccountFilterForm(forms.Form):
    # A search by the unit's name, not a list of units: at national scale there are
    # 3,000 units with accounts (``make bench``), too many to choose among in a select.
    unit = name_search_field(label=_("Unit"), help_text=_("Part of the unit's name."))
    platform = forms.ChoiceField(
        label=_("Platform"),
        choices=[("", _("All platforms")), *Platform.choices],
        required=False,
        widget=PlainSelect,
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All statuses")), *AccountStatus.choices],
        required=False,
        widget=PlainSelect,
    )
    mine = forms.BooleanField(label=_("Only accounts I am responsible for"), required=False)


class AccountEditForm(forms.ModelForm[Account]):
    class Meta:
        model = Account
        formfield_callback = bounded_formfield
        fields = [
            "name",
            "url",
            "contact_instance",
            "contact_person",
            "contact_title",
            "contact_email",
            "homepage",
            "follow_up_interval_days",
            "answer_deadline_working_hours",
        ]


class AccountRegisterExistingForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.all())
    platform = forms.ChoiceField(label=_("Platform"), choices=Platform.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    handle = forms.CharField(
        label=_("Username"),
        max_length=200,
        help_text=_("The account's name on the platform, for example @moskeneskommune."),
    )
    url = forms.URLField(label=_("Address"), max_length=500, required=False, assume_scheme="https")
    contact_instance = forms.CharField(label=_("Instance"), max_length=200, required=False)
    contact_person = forms.CharField(label=_("Contact person"), max_length=200, required=False)
    contact_title = forms.CharField(
        label=_("Contact person's title"), max_length=200, required=False
    )
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    homepage = forms.URLField(
        label=_("Homepage"), max_length=500, required=False, assume_scheme="https"
    )
    follow_up_interval_days = forms.IntegerField(
        label=_("Follow up every (working days)"), min_value=1, max_value=60, initial=1
    )
    official_since = forms.DateField(
        label=_("Official since"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("When the account began to speak for the municipality, if known."),
        validators=date_validators(),
    )
    owner = UserChoiceField(label=_("Owner"), queryset=User.objects.none())
    responders = UserMultipleChoiceField(
        label=_("Responders"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("At least two people who can answer (responders or backups)."),
    )
    note = ReasonField(
        label=_("Why is it registered without a request?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: the account existed before the guideline was adopted."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = users_assignable()  # type: ignore[attr-defined]
        self.fields["responders"].queryset = users_assignable()  # type: ignore[attr-defined]


class ResponsibilityAssignForm(forms.Form):
    user = UserChoiceField(
        label=_("Person"), queryset=User.objects.none(), widget=PersonPicker, empty_label=None
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=ResponsibilityRole.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users_assignable().order_by(  # type: ignore[attr-defined]
            "first_name", "last_name", "username"
        )


class ReasonForm(forms.Form):
    reason = ReasonField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class ResponsibilityDateForm(forms.Form):
    dato = forms.DateField(
        label=_("Responsible on date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=date_validators(future_days=366),
    )


class RegisterSearchForm(forms.Form):
    q = forms.CharField(label=_("Search by name or username"), max_length=200, required=False)
