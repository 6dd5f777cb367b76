from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import PlainSelect, name_search_field
from accounts.models import Account, CloseReason, Platform, PostCategory, PostStatus
from moskenes_social.bounds import time_validators
from moskenes_social.forms import ReasonField
from moskenes_social.people.models import User

from .selectors import UNTRIAGED

_DATETIME = forms.DateTimeInput(
    attrs={"type": "datetime-local", "min": "2004-01-01T00:00"}, format="%Y-%m-%dT%H:%M"
)


class AccountChoiceField(forms.ModelChoiceField[Account]):
    def label_from_instance(self, obj: Account) -> str:
        return f"{obj.name} ({obj.get_platform_display()})"


# Up to this many accounts the inbox offers them in a select; beyond, a search by name.
# The communication staff and the rådmann see every account, 10,000 at national scale
# (``make bench``): a select of them was 663 kB of HTML on every page of the inbox.
INBOX_ACCOUNT_SELECT_LIMIT = 50


class InboxFilterForm(forms.Form):
    konto = AccountChoiceField(
        label=_("Account"),
        queryset=Account.objects.none(),
        required=False,
        empty_label=_("All my accounts"),
        widget=PlainSelect,
    )
    sok = name_search_field(label=_("Account"), help_text=_("Part of the account's name."))
    kategori = forms.ChoiceField(
        label=_("Category"),
        choices=[
            ("", _("All categories")),
            (UNTRIAGED, _("Not triaged")),
            *PostCategory.choices,
        ],
        required=False,
        widget=PlainSelect,
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=PostStatus.choices, required=False, widget=PlainSelect
    )

    def __init__(self, *args: Any, accounts: QuerySet[Account], **kwargs: Any) -> None:
        """``accounts``: those whose posts the user may see. One query reads at most
        ``INBOX_ACCOUNT_SELECT_LIMIT + 1`` of them: few enough become the select's options
        (as (id, label) pairs, not model instances); more make the account a search by
        name (``searches_accounts``). ``konto`` is still accepted from links either way."""
        super().__init__(*args, **kwargs)
        konto = self.fields["konto"]
        konto.queryset = accounts  # type: ignore[attr-defined]
        options = [
            (pk, f"{name} ({Platform(platform).label})")
            for pk, name, platform in accounts.values_list("id", "name", "platform")[
                : INBOX_ACCOUNT_SELECT_LIMIT + 1
            ]
        ]
        self.has_accounts = bool(options)
        self.searches_accounts = len(options) > INBOX_ACCOUNT_SELECT_LIMIT
        if not self.searches_accounts:
            del self.fields["sok"]
            konto.widget.choices = [("", konto.empty_label), *options]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        account = self.cleaned_data.get("konto")
        if self.searches_accounts and account is not None and not self.cleaned_data.get("sok"):
            # Reached by a link to one account's posts (``?konto=``): the search box shows
            # which account, and searching again replaces the link's filter.
            self.data = {**self.data.dict(), "sok": account.name}  # type: ignore[attr-defined]
        return cleaned


class PostRegisterForm(forms.Form):
    account = AccountChoiceField(label=_("Account"), queryset=Account.objects.none())
    url = forms.URLField(
        label=_("Link to the post"), max_length=500, required=False, assume_scheme="https"
    )
    author = forms.CharField(
        label=_("Author"), max_length=200, help_text=_("The name as the platform shows it.")
    )
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 5}))
    posted_at = forms.DateTimeField(
        label=_("Posted (or first seen)"),
        widget=_DATETIME,
        help_text=_("The answering deadline counts from this time."),
        validators=time_validators(),
    )
    platform_id = forms.CharField(
        label=_("Id on the platform"),
        max_length=200,
        required=False,
        help_text=_("If known; a post with the same id cannot be registered twice."),
    )

    def __init__(self, *args: Any, accounts: QuerySet[Account], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.setdefault(
                "posted_at", timezone.localtime().replace(second=0, microsecond=0)
            )


class TriageForm(forms.Form):
    category = forms.ChoiceField(
        label=_("What is the post about?"), choices=PostCategory.choices, widget=forms.RadioSelect
    )
    expects_answer = forms.TypedChoiceField(
        label=_("Does the post expect an answer?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        help_text=_(
            "The guideline decides for some categories: complaints and factual errors are "
            "always answered, rumours are not commented, sensitive posts are removed."
        ),
    )


# Facebook takes comments of up to 8,000 characters.
MAX_ANSWER_LENGTH = 8_000


class AnswerForm(forms.Form):
    """The answer: written here and sent as the Page's reply where the account is connected
    (``on_platform``), else copied from the platform with a link to it."""

    text = forms.CharField(
        label=_("The answer given"),
        max_length=MAX_ANSWER_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Copy the answer as it was published on the platform."),
    )
    url = forms.URLField(
        label=_("Link to the answer"), max_length=500, required=False, assume_scheme="https"
    )

    def __init__(self, *args: Any, on_platform: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if on_platform:
            del self.fields["url"]
            self.fields["text"].label = _("The answer")
            self.fields["text"].help_text = _(
                "It is published as the Page's reply to the comment on Facebook, in your "
                "name in the app's log."
            )


class CloseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why is the post not answered?"),
        choices=CloseReason.choices,
        widget=forms.RadioSelect,
    )
    note = ReasonField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReopenForm(forms.Form):
    reason = ReasonField(
        label=_("Why is the post opened again?"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ScreeningDismissForm(forms.Form):
    reason = ReasonField(
        label=_("Why is the post not sensitive?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example: the number is an order number, the word is about the service and "
            "not about a person."
        ),
    )


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What will use the token, for example «Publiseringsverktøyet»."),
    )


class FacebookPageForm(forms.Form):
    """Connect the account to its Facebook Page: the app then answers, hides and removes
    comments there. The token field is never filled in again."""

    page_id = forms.CharField(
        label=_("Facebook Page id"),
        max_length=64,
        validators=[
            RegexValidator(r"^[0-9]+\Z", message=_("A Facebook Page id consists of digits only."))
        ],
        help_text=_("The page's numeric id (in the page's About section, «Page ID»)."),
    )
    token = forms.CharField(
        label=_("Page access token"),
        max_length=1_000,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_(
            "A system user's token from the municipality's Business portfolio (recommended), "
            "or a Page token. It is stored encrypted and never shown again."
        ),
    )


_DIGITS = RegexValidator(r"^[0-9]+\Z", message=_("Digits only."))


class PageLockoutForm(forms.Form):
    """The crisis lockout on the Page: its Business portfolio, and the business-scoped
    user id of each person responsible for the account (one field each, ``user_<pk>``)."""

    business_id = forms.CharField(
        label=_("Business portfolio id"),
        max_length=64,
        required=False,
        validators=[_DIGITS],
        help_text=_(
            "The id of the municipality's Business portfolio the Page is in (Business "
            "settings, «Business info»). Blank: the lockout binds the app only."
        ),
    )

    def __init__(self, *args: Any, people: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = people
        for person in people:
            self.fields[f"user_{person.pk}"] = forms.CharField(
                label=str(person),
                max_length=64,
                required=False,
                validators=[_DIGITS],
                help_text=_("Business-scoped user id (Business settings, «People»)."),
            )

    def scoped_ids(self) -> dict[User, str]:
        return {person: self.cleaned_data[f"user_{person.pk}"] for person in self.people}


class InstagramAccountForm(forms.Form):
    """Connect an Instagram professional account (Instagram Login): its id and a short-lived
    token, which the app exchanges for one of 60 days. The token is never filled in again."""

    user_id = forms.CharField(
        label=_("Instagram account id"),
        max_length=64,
        validators=[
            RegexValidator(
                r"^[0-9]+\Z", message=_("An Instagram account id consists of digits only.")
            )
        ],
        help_text=_("The professional account's numeric id (the token generator shows it)."),
    )
    token = forms.CharField(
        label=_("Access token"),
        max_length=1_000,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_(
            "A token from the Meta app's Instagram token generator or Instagram Login, good "
            "for an hour: the app exchanges it for one of 60 days and renews that. It is "
            "stored encrypted and never shown again."
        ),
    )
