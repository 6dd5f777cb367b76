from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import Account, AccountStatus, ConnectionStatus
from accounts.models.crisis import CRISIS_MESSAGE_MAX_LENGTH
from accounts.posts.media_comments import Media
from moskenes_social.forms import ReasonField


class CrisisAccountsField(forms.ModelMultipleChoiceField[Account]):
    def label_from_instance(self, obj: Account) -> str:
        return f"{obj.name} ({obj.get_platform_display()}, {obj.unit.name})"


class CrisisPagesField(forms.ModelMultipleChoiceField[Account]):
    def label_from_instance(self, obj: Account) -> str:
        return f"{obj.connection.name or obj.name} ({obj.name})"


class CrisisStartForm(forms.Form):
    reason = ReasonField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What has happened. Shown in the crisis's history and in the log."),
    )
    message_text = forms.CharField(
        label=_("The official message"),
        max_length=CRISIS_MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Shown on every page while the crisis lasts, and what the crisis team answers "
            "posts with."
        ),
    )
    message_link = forms.URLField(
        label=_("Link to the municipality's web page"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Optional: where the public finds updated information."),
    )
    covers_all_accounts = forms.TypedChoiceField(
        label=_("Which accounts"),
        choices=[("1", _("All official accounts")), ("0", _("Only the accounts chosen below"))],
        coerce=lambda value: value == "1",
        initial="1",
        widget=forms.RadioSelect,
    )
    accounts = CrisisAccountsField(
        label=_("Accounts"),
        queryset=Account.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only if you chose some accounts above."),
    )
    publish_to = CrisisPagesField(
        label=_("Publish the official message on Facebook"),
        queryset=Account.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Optional: the message is posted on these Pages as soon as the crisis starts. "
            "Only accounts the crisis covers, with their Page connected, can be chosen."
        ),
    )
    # Set by the confirmation page: the second post starts the crisis.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["accounts"].queryset = (  # type: ignore[attr-defined]
            Account.objects.exclude(status=AccountStatus.CLOSED)
            .select_related("unit")
            .order_by("name", "id")
        )
        self.fields["publish_to"].queryset = (  # type: ignore[attr-defined]
            Account.objects.exclude(status=AccountStatus.CLOSED)
            .filter(connection__status=ConnectionStatus.CONNECTED)
            .select_related("connection")
            .order_by("name", "id")
        )
        if not self.fields["publish_to"].queryset.exists():  # type: ignore[attr-defined]
            # No Page is connected: nothing to choose.
            del self.fields["publish_to"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("covers_all_accounts") is False and not data.get("accounts"):
            self.add_error("accounts", _("Choose at least one account, or all accounts."))
        if data.get("covers_all_accounts"):
            data["accounts"] = []
        data.setdefault("publish_to", [])
        covered = set(data.get("accounts") or [])
        if not data.get("covers_all_accounts") and set(data["publish_to"]) - covered:
            self.add_error("publish_to", _("Publish only on Pages the crisis covers."))
        return data


class CrisisMessageForm(forms.Form):
    text = forms.CharField(
        label=_("The official message"),
        max_length=CRISIS_MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    link = forms.URLField(
        label=_("Link to the municipality's web page"),
        max_length=500,
        required=False,
        assume_scheme="https",
    )


class CrisisEndForm(forms.Form):
    summary = ReasonField(
        label=_("Summary"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What happened and how it was handled, in a few sentences."),
    )


def media_label(media: Media) -> str:
    """How a post is named among the choices: its caption, when, and its comments."""
    caption = media.caption or _("(no caption)")
    when = date_format(localtime(media.posted_at), "DATETIME_FORMAT") if media.posted_at else ""
    comments = ngettext("%(n)d comment", "%(n)d comments", media.comments_count) % {
        "n": media.comments_count
    }
    return " – ".join(part for part in (str(caption), when, comments) if part)


class MediaCommentsOffForm(forms.Form):
    posts = forms.MultipleChoiceField(
        label=_("Posts"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Comments are turned off for everyone on the chosen posts, and on again when the "
            "crisis ends."
        ),
        error_messages={"required": _("Choose at least one post.")},
    )

    def __init__(self, *args: Any, media: Sequence[Media], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only posts with comments on that this crisis has not chosen yet.
        self.fields["posts"].choices = [  # type: ignore[attr-defined]
            (item.id, media_label(item))
            for item in media
            if item.change is None and item.comments_enabled
        ]
