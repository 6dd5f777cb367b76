from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from accounts.models import Platform
from moskenes_social.bounds import (
    FOLLOW_UP_DAYS,
    HOURS_PER_WEEK,
    range_constraint,
    range_validators,
)


class RequestKind(models.TextChoices):
    NEW_ACCOUNT = "new_account", _("New official profile")
    CLOSING = "closing", _("Closing an official account")


class RequestStatus(models.TextChoices):
    """Where a request stands.

    Allowed transitions (services.py enforces each by a conditional update):
    - draft -> submitted (the requester submits a complete request)
    - submitted -> approved | rejected | returned (the rådmann decides, once)
    - returned -> submitted (the requester corrects and resubmits)
    - draft | submitted | returned -> withdrawn (the requester, before a decision)
    Approved, rejected and withdrawn are final.
    """

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting decision")
    RETURNED = "returned", _("Returned for changes")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STATUSES = (RequestStatus.DRAFT, RequestStatus.SUBMITTED, RequestStatus.RETURNED)
EDITABLE_STATUSES = (RequestStatus.DRAFT, RequestStatus.RETURNED)
DECIDED_STATUSES = (RequestStatus.APPROVED, RequestStatus.REJECTED)


class AccountRequest(models.Model):
    """A request to the rådmann: to create an official profile, or to close one.

    The questions come from the registration-requirement rules of the guideline version in
    force. Questions that the app needs as data (who answers, contact facts, ...) are model
    fields; every other question's answer is free text in ``answers`` keyed by question key,
    so a new guideline version can add a question without a code change.
    """

    kind = models.CharField(
        _("kind"), max_length=20, choices=RequestKind.choices, default=RequestKind.NEW_ACCOUNT
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.DRAFT
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requester"),
        on_delete=models.PROTECT,
        related_name="account_requests",
    )
    unit = models.ForeignKey(
        "people.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="account_requests",
        help_text=_("The unit the profile will represent."),
    )
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices, blank=True)
    name = models.CharField(_("proposed name"), max_length=200, blank=True)
    handle = models.CharField(
        _("handle"),
        max_length=200,
        blank=True,
        help_text=_("The user name on the platform, for example @moskenesskole."),
    )
    url = models.URLField(_("address"), max_length=500, blank=True)
    not_case_handling = models.BooleanField(
        _("The profile will not be used for case handling"),
        default=False,
        help_text=_(
            "Formal communication follows the ordinary case handling routines and channels."
        ),
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    goals = models.TextField(_("What do you want to achieve?"), blank=True)
    not_used_for = models.TextField(_("What will the profile not be used for?"), blank=True)
    responsible_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible leader"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responders = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("people who answer on the municipality's behalf"),
        blank=True,
        related_name="+",
        help_text=_("At least two, so that one absence does not leave posts unanswered."),
    )
    follow_up_interval_days = models.PositiveSmallIntegerField(
        _("follow-up interval (working days)"),
        null=True,
        blank=True,
        validators=range_validators(FOLLOW_UP_DAYS),
        help_text=_("How often the account is followed up, in working days."),
    )
    hours_per_week = models.DecimalField(
        _("hours per week set aside"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=range_validators(HOURS_PER_WEEK),
    )
    mandate = models.TextField(
        _("mandate"),
        blank=True,
        help_text=_("The authority (fullmakt) under which the responders answer."),
    )
    contact_instance = models.CharField(_("instance name"), max_length=200, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_title = models.CharField(_("title"), max_length=200, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    homepage = models.URLField(_("homepage"), max_length=500, blank=True)
    web_pages_updated = models.BooleanField(_("The unit's web pages are up to date"), default=False)
    web_pages_note = models.TextField(_("note on the web pages"), blank=True)
    reputation_checked = models.BooleanField(
        _("The reputation check (rykteflom) is done"), default=False
    )
    reputation_note = models.TextField(_("note on the reputation check"), blank=True)
    account = models.ForeignKey(
        "accounts.Account",
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
    )
    closing_reason = models.TextField(_("why the account should be closed"), blank=True)
    guideline_version = models.ForeignKey(
        "policy.GuidelineVersion",
        verbose_name=_("guideline version read"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_text = models.TextField(_("reason or comment"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        constraints = [
            # One open request per platform and handle.
            models.UniqueConstraint(
                Lower("handle"),
                "platform",
                name="approvals_one_open_request_per_handle",
                condition=Q(kind="new_account", status__in=["draft", "submitted", "returned"])
                & ~Q(handle=""),
            ),
            # One open closing request per account.
            models.UniqueConstraint(
                "account",
                name="approvals_one_open_closing_per_account",
                condition=Q(kind="closing", status__in=["draft", "submitted", "returned"]),
            ),
            range_constraint(
                "follow_up_interval_days", FOLLOW_UP_DAYS, name="approvals_follow_up_interval_range"
            ),
            range_constraint(
                "hours_per_week", HOURS_PER_WEEK, name="approvals_hours_per_week_range"
            ),
        ]
        indexes = [
            # The rådmann's queue: submitted requests, oldest first.
            models.Index(
                fields=["submitted_at"],
                name="approvals_queue",
                condition=Q(status="submitted"),
            ),
        ]

    def __str__(self) -> str:
        if self.kind == RequestKind.CLOSING and self.account_id:
            return str(_("Closing: %(name)s") % {"name": self.name})
        return self.name or str(_("Request %(id)s") % {"id": self.pk})


class RequestTransition(models.Model):
    """One row per transition: the request's history, shown on its page."""

    request = models.ForeignKey(
        AccountRequest, on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(max_length=20, choices=RequestStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=RequestStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("reason or comment"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")

    def __str__(self) -> str:
        return f"{self.from_status} -> {self.to_status}"
