"""Official accounts of the municipality, who is responsible for each, and follow-up reminders.

The guideline asks, before and while a channel is used, "hvem som skal følge opp hva og hvor
ofte for å svare på vegne av kommunen", and that an official profile always states who it is
("navn på instans, personnavn, tittel, e-post, hjemmeside"). An ``Account`` holds those facts;
a ``Responsibility`` row records who owns or answers it, kept after it ends as history; a
``FollowUpReminder`` row records each reminder sent, so none is sent twice.
"""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moskenes_social.bounds import (
    DEADLINE_HOURS,
    EARLIEST,
    FOLLOW_UP_DAYS,
    range_constraint,
    range_validators,
)


class Platform(models.TextChoices):
    FACEBOOK = "facebook", _("Facebook")
    INSTAGRAM = "instagram", _("Instagram")
    X = "x", _("X (Twitter)")
    YOUTUBE = "youtube", _("YouTube")
    LINKEDIN = "linkedin", _("LinkedIn")
    TIKTOK = "tiktok", _("TikTok")
    SNAPCHAT = "snapchat", _("Snapchat")
    BLOG = "blog", _("Blog")
    OTHER = "other", _("Other")


class AccountStatus(models.TextChoices):
    """Whether an account speaks for the municipality.

    Transitions: active -> suspended (``account_suspend``), suspended -> active
    (``account_resume``), active | suspended -> closed (``account_close``). Closed is final:
    the handle is free again for a new account. Only active accounts are in the public
    register and get follow-up reminders.
    """

    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")


class FollowUpStage(models.TextChoices):
    """Who the next follow-up reminder goes to.

    Transitions: responders -> owner (the responders were reminded and one more interval
    passed without a check-in); any -> responders on a check-in (a new interval starts).
    """

    RESPONDERS = "responders", _("Responders")
    OWNER = "owner", _("Owner")


class Account(models.Model):
    """An official profile of the municipality on a social medium."""

    unit = models.ForeignKey(
        "people.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="accounts"
    )
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    name = models.CharField(_("name"), max_length=200)
    handle = models.CharField(
        _("username"),
        max_length=200,
        help_text=_("The account's name on the platform, for example @moskeneskommune."),
    )
    url = models.URLField(_("address"), max_length=500, blank=True)
    # The guideline: "oppgi alltid fulle fakta som navn på instans, personnavn, tittel,
    # e-post, hjemmeside etc."
    contact_instance = models.CharField(_("instance"), max_length=200, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_title = models.CharField(_("contact person's title"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    homepage = models.URLField(_("homepage"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=AccountStatus.choices, default=AccountStatus.ACTIVE
    )
    follow_up_interval_days = models.PositiveSmallIntegerField(
        _("follow up every (working days)"),
        default=1,
        validators=range_validators(FOLLOW_UP_DAYS),
        help_text=_("How many working days may pass between two check-ins."),
    )
    # Overrides the answering deadline of the guideline version in force; empty = the default.
    answer_deadline_working_hours = models.DecimalField(
        _("answering deadline (working hours)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=range_validators(DEADLINE_HOURS),
        help_text=_("Leave empty to use the guideline's default."),
    )
    # The Facebook Page this account is, so that the page's webhook events become posts of
    # the account (accounts.posts.ingest); empty for other platforms.
    facebook_page_id = models.CharField(
        _("Facebook Page id"), max_length=64, null=True, blank=True, unique=True
    )
    official_since = models.DateTimeField(_("official since"), default=timezone.now)
    origin_note = models.TextField(
        _("origin"),
        blank=True,
        help_text=_("Why it was registered outside the approval flow, or which request made it."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    last_check_in_at = models.DateTimeField(_("last followed up"), null=True, blank=True)
    last_check_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last followed up by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The next check-in is due by then (the last check-in, or since it became official,
    # plus the interval in working days).
    follow_up_due_at = models.DateTimeField(_("next follow-up due"), null=True, blank=True)
    # When the follow-up reminder job acts next on this account, and whom it reminds then.
    next_follow_up_reminder_at = models.DateTimeField(null=True, blank=True)
    next_follow_up_stage = models.CharField(
        max_length=12, choices=FollowUpStage.choices, default=FollowUpStage.RESPONDERS
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            # A handle speaks for the municipality once: one account that is not closed
            # per platform and handle, whatever its case.
            models.UniqueConstraint(
                "platform",
                Lower("handle"),
                condition=~Q(status="closed"),
                name="accounts_one_open_account_per_handle",
            ),
            range_constraint(
                "follow_up_interval_days", FOLLOW_UP_DAYS, name="accounts_follow_up_interval_range"
            ),
            range_constraint(
                "answer_deadline_working_hours",
                DEADLINE_HOURS,
                name="accounts_answer_deadline_range",
            ),
            models.CheckConstraint(
                condition=Q(official_since__gte=EARLIEST),
                name="accounts_official_since_in_window",
                violation_error_message=_("The date cannot be before 1 January 2004."),
            ),
            models.CheckConstraint(
                condition=Q(status="closed", closed_at__isnull=False)
                | (~Q(status="closed") & Q(closed_at__isnull=True)),
                name="accounts_closed_at_iff_closed",
            ),
        ]
        indexes = [
            # follow_up_reminder_send_one_due (Celery beat "accounts-follow-up-reminders")
            # looks only at active accounts with a reminder scheduled.
            models.Index(
                fields=["next_follow_up_reminder_at"],
                name="accounts_follow_up_due",
                condition=Q(status="active", next_follow_up_reminder_at__isnull=False),
            ),
            # The few closed accounts, whose posts the inbox of someone who sees every
            # account leaves out (``posts_inbox``: a NOT IN checked against a hash of them).
            models.Index(fields=["id"], name="accounts_closed", condition=Q(status="closed")),
            # The public register lists the active accounts.
            models.Index(
                fields=["platform", "name"],
                name="accounts_active_register",
                condition=Q(status="active"),
            ),
            # The account list (accounts_list): a page of 25 in name order without sorting
            # every account (10,000 at national scale, ``make bench``).
            models.Index(fields=["name", "id"], name="accounts_list_order"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_platform_display()})"

    @property
    def is_active(self) -> bool:
        return self.status == AccountStatus.ACTIVE

    @property
    def is_closed(self) -> bool:
        return self.status == AccountStatus.CLOSED

    def follow_up_overdue(self, now: datetime | None = None) -> bool:
        """True if the account is active and the next check-in is past due."""
        if not self.is_active or self.follow_up_due_at is None:
            return False
        return (now or timezone.now()) > self.follow_up_due_at


class ResponsibilityRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    RESPONDER = "responder", _("Responder")
    BACKUP = "backup", _("Backup")


# Roles whose holders answer posts; coverage counts the distinct people holding them.
ANSWERING_ROLES = (ResponsibilityRole.RESPONDER, ResponsibilityRole.BACKUP)


class Responsibility(models.Model):
    """One person's role on one account for a period. Ending it keeps the row as history."""

    account = models.ForeignKey(
        Account,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="responsibilities",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="account_responsibilities",
    )
    role = models.CharField(_("role"), max_length=12, choices=ResponsibilityRole.choices)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("from"), default=timezone.now)
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ended by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["assigned_at", "id"]
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibilities")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "user", "role"],
                condition=Q(ended_at__isnull=True),
                name="accounts_one_open_responsibility_per_role",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("assigned_at")),
                name="accounts_responsibility_ends_after_start",
            ),
        ]
        indexes = [
            # Coverage, the leader's panel and "my accounts" read the open rows only.
            models.Index(
                fields=["account", "role"],
                name="accounts_resp_open",
                condition=Q(ended_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_role_display()}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class FollowUpReminder(models.Model):
    """One follow-up reminder sent: to the responders, or (one interval later) to the owner.

    The unique constraint makes a second reminder for the same missed deadline and stage
    impossible, whatever the job does.
    """

    account = models.ForeignKey(
        Account,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="follow_up_reminders",
    )
    stage = models.CharField(_("sent to"), max_length=12, choices=FollowUpStage.choices)
    # The missed deadline this reminder is about.
    due_at = models.DateTimeField(_("follow-up was due"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("recipients"), related_name="+", blank=True
    )

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("follow-up reminder")
        verbose_name_plural = _("follow-up reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "due_at", "stage"], name="accounts_one_reminder_per_stage"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account}: {self.get_stage_display()}"
