"""Crisis periods and the versions of their official message."""

from typing import Any

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from moskenes_social.worktime import OSLO


class CrisisStatus(models.TextChoices):
    """Whether a crisis is going on.

    Transitions: active -> ended (``crisis_end``). Ended is final; a new crisis is a new row.
    At most one crisis is active at a time (``accounts_one_active_crisis``).
    """

    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


class CrisisPeriod(models.Model):
    """One crisis: who started it and why, which accounts it covers, how it ended."""

    status = models.CharField(
        _("status"), max_length=10, choices=CrisisStatus.choices, default=CrisisStatus.ACTIVE
    )
    reason = models.TextField(_("reason"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ended by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    summary = models.TextField(_("summary"), blank=True)
    # True: every account, including those registered during the crisis; False: only
    # ``accounts`` (the guideline lets the crisis team choose the channels).
    covers_all_accounts = models.BooleanField(_("covers all accounts"), default=True)
    accounts = models.ManyToManyField(
        "accounts.Account", verbose_name=_("accounts"), related_name="crises", blank=True
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("crisis")
        verbose_name_plural = _("crises")
        constraints = [
            # "Starting twice at once gives one crisis": the second insert fails.
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status="active"),
                name="accounts_one_active_crisis",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status="active", ended_at__isnull=True, ended_by__isnull=True)
                    | Q(status="ended", ended_at__isnull=False, ended_by__isnull=False)
                ),
                name="accounts_crisis_ended_iff_ended_at",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="accounts_crisis_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return str(
            _("Crisis from %(date)s")
            % {"date": date_format(self.started_at.astimezone(OSLO), "j. F Y H:i")}
        )

    @property
    def is_active(self) -> bool:
        return self.status == CrisisStatus.ACTIVE


# The official message is shown on every page while the crisis lasts and answers posts on
# Facebook and Instagram (2,200 characters there, with the link): a few sentences. 6,903
# characters once filled the screen of every page (issue 17).
CRISIS_MESSAGE_MAX_LENGTH = 1000


class CrisisMessage(models.Model):
    """One version of a crisis's official message. An update adds a version; none changes."""

    crisis = models.ForeignKey(
        CrisisPeriod,
        verbose_name=_("crisis"),
        on_delete=models.PROTECT,
        related_name="messages",
    )
    version = models.PositiveIntegerField(_("version"))
    text = models.TextField(
        _("message"),
        max_length=CRISIS_MESSAGE_MAX_LENGTH,
        validators=[MaxLengthValidator(CRISIS_MESSAGE_MAX_LENGTH)],
    )
    link = models.URLField(_("link"), max_length=500, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        ordering = ["crisis", "-version"]
        verbose_name = _("official message")
        verbose_name_plural = _("official messages")
        constraints = [
            models.UniqueConstraint(
                fields=["crisis", "version"], name="accounts_one_crisis_message_per_version"
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="accounts_crisis_message_version_positive"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("text"), CRISIS_MESSAGE_MAX_LENGTH),
                name="accounts_crisis_message_text_length",
                violation_error_message=format_lazy(
                    _("The official message can be at most {limit} characters long."),
                    limit=CRISIS_MESSAGE_MAX_LENGTH,
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.crisis} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A version is history: an update of the message adds a row.
        if not self._state.adding:
            raise ValueError("a crisis message version is never changed; add a new version")
        super().save(*args, **kwargs)
