"""Acting on the platforms: an account's connection to its Page, and the outbox of what the
app does there.

The guideline asks that posts are answered "snarest", that sensitive ones "skal slettes",
and that in a crisis the crisis team decides which channels speak. A ``PlatformConnection``
holds the Page's access token (encrypted, ``accounts.posts.crypto``) and how close the
Page is to its rate limit. A ``PlatformAction`` is one thing to do on the platform (answer,
hide, unhide, remove, publish), written in the same transaction as the post's change and
its audit event and delivered by Celery after commit (``accounts.posts.delivery``); the
beat sweep delivers what a lost message or a wait left behind and reconciles a row whose
worker died mid-send before sending it again.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moskenes_social.bounds import range_constraint, range_validators

from .account import Account

# At most this many attempts (transient errors and reconciliations) before an action fails.
ACTION_ATTEMPTS = (0, 20)
USAGE_PERCENT = (0, 10_000)


def platform_url(platform: str, object_id: str) -> str:
    """A link to a comment or post on Facebook by its id; "" on Instagram, where a comment
    has no address of its own."""
    return f"https://www.facebook.com/{object_id}" if platform == "facebook" and object_id else ""


class ConnectionStatus(models.TextChoices):
    """connected -> disconnected (the owner, or the platform refused the token: code 190);
    disconnected -> connected (a new token)."""

    CONNECTED = "connected", _("Connected")
    DISCONNECTED = "disconnected", _("Disconnected")


class PlatformConnection(models.Model):
    """An account's connection to its Facebook Page: the Page's id and name as the Graph API
    gave them, the Page access token encrypted at rest, who connected it and when."""

    account = models.OneToOneField(
        Account,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="connection",
    )
    object_id = models.CharField(_("Page id"), max_length=64)
    name = models.CharField(_("name on the platform"), max_length=200, blank=True)
    token_encrypted = models.TextField(blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ConnectionStatus.choices,
        default=ConnectionStatus.CONNECTED,
    )
    connected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("connected by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    connected_at = models.DateTimeField(_("connected"), default=timezone.now)
    disconnected_at = models.DateTimeField(_("disconnected"), null=True, blank=True)
    # Why: "owner" (by hand), "token" (the platform refused the token).
    disconnect_reason = models.CharField(max_length=20, blank=True)
    # The highest share of the Page's rate limit used (per cent, from the usage header),
    # and until when the sender waits before calling again.
    usage_percent = models.PositiveSmallIntegerField(
        default=0, validators=range_validators(USAGE_PERCENT)
    )
    paused_until = models.DateTimeField(null=True, blank=True)
    # The Business portfolio the Page is in: set, the crisis lockout changes the tasks of
    # the Page's business users (``PageUser``) through ``assigned_users``.
    business_id = models.CharField(_("Business portfolio id"), max_length=64, blank=True)
    # When the token stops working (Instagram Login's are good for 60 days and refreshed
    # before, ``accounts.posts.instagram``); None: it does not expire.
    token_expires_at = models.DateTimeField(_("token expires"), null=True, blank=True)

    class Meta:
        verbose_name = _("platform connection")
        verbose_name_plural = _("platform connections")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["connected", "disconnected"]),
                name="accounts_connection_status_valid",
            ),
            # A connected Page has its token; a disconnected one keeps none.
            models.CheckConstraint(
                condition=(Q(status="connected") & ~Q(token_encrypted=""))
                | (Q(status="disconnected") & Q(token_encrypted="")),
                name="accounts_connection_token_when_connected",
            ),
            range_constraint("usage_percent", USAGE_PERCENT, name="accounts_connection_usage"),
            models.CheckConstraint(
                condition=Q(business_id="") | Q(business_id__regex=r"^[0-9]{1,64}$"),
                name="accounts_connection_business_id_digits",
            ),
            # One account per object on the platform: a webhook's id names one account.
            models.UniqueConstraint(fields=["object_id"], name="accounts_connection_one_object"),
        ]

    def __str__(self) -> str:
        return f"{self.account.name if self.account_id else ''}: {self.object_id}"

    @property
    def is_connected(self) -> bool:
        return self.status == ConnectionStatus.CONNECTED


class ActionKind(models.TextChoices):
    REPLY = "reply", _("Answer")
    HIDE = "hide", _("Hide")
    UNHIDE = "unhide", _("Show again")
    DELETE = "delete", _("Remove")
    PUBLISH = "publish", _("Publish")


class ActionState(models.TextChoices):
    """queued -> sending (claimed) -> done | failed | queued (wait: throttling, backoff;
    or a stale claim reconciled); queued | sending -> held (a crisis began after the action
    was queued) -> queued (the crisis team releases it) | cancelled."""

    QUEUED = "queued", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    DONE = "done", _("Sent")
    FAILED = "failed", _("Failed")
    HELD = "held", _("Held back by the crisis")
    CANCELLED = "cancelled", _("Cancelled")


PENDING_STATES = ("queued", "sending", "held")


class PlatformAction(models.Model):
    """One action on the platform: what, on which object, by whom, with which text, and
    where its delivery is. Text is staff's words (an answer may quote the post): it is
    blanked with the post when the post is removed as sensitive."""

    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="actions"
    )
    post = models.ForeignKey(
        "accounts.Post",
        verbose_name=_("post"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions",
    )
    kind = models.CharField(_("action"), max_length=10, choices=ActionKind.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=ActionState.choices, default=ActionState.QUEUED
    )
    # The object acted on: the comment (reply, hide, unhide, delete) or the Page (publish).
    target_id = models.CharField(max_length=200)
    text = models.TextField(_("text"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("queued"), default=timezone.now)
    # Not sent before this time (throttling, backoff).
    not_before = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(
        default=0, validators=range_validators(ACTION_ATTEMPTS)
    )
    # The claim: set when a worker takes the row (queued -> sending); it settles the row
    # only while the claim is still its own.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # What the platform answered: the reply's or the published post's id.
    result_id = models.CharField(max_length=200, blank=True)
    error_code = models.IntegerField(null=True, blank=True)
    error_subcode = models.IntegerField(null=True, blank=True)
    error_message = models.CharField(max_length=500, blank=True)
    # A publish of a crisis's official message: which crisis (its page lists them).
    crisis = models.ForeignKey(
        "accounts.CrisisPeriod",
        verbose_name=_("crisis"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="publications",
    )
    held_by_crisis = models.ForeignKey(
        "accounts.CrisisPeriod",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="held_actions",
    )
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("released or cancelled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Asked for by the screening for sensitive information, not by a person: it hides a
    # possible match at once, in the name of the account's owner (``requested_by``), whose
    # right the delivery checks as for any action.
    by_screening = models.BooleanField(_("by the screening"), default=False, db_default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("platform action")
        verbose_name_plural = _("platform actions")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["reply", "hide", "unhide", "delete", "publish"]),
                name="accounts_action_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["queued", "sending", "done", "failed", "held", "cancelled"]),
                name="accounts_action_state_valid",
            ),
            # What is still to be sent has its words (a removed post's are blanked only
            # once nothing of it is pending).
            models.CheckConstraint(
                condition=~Q(kind__in=["reply", "publish"], state__in=PENDING_STATES) | ~Q(text=""),
                name="accounts_action_pending_has_text",
            ),
            models.CheckConstraint(
                condition=~Q(state="sending") | Q(claimed_at__isnull=False),
                name="accounts_action_sending_is_claimed",
            ),
            models.CheckConstraint(
                condition=~Q(state="done") | Q(sent_at__isnull=False),
                name="accounts_action_done_is_sent",
            ),
            range_constraint("attempts", ACTION_ATTEMPTS, name="accounts_action_attempts"),
            # The screening only ever hides.
            models.CheckConstraint(
                condition=Q(by_screening=False) | Q(kind="hide"),
                name="accounts_action_screening_hides",
            ),
            # A double click decides once: one pending action of a kind per post.
            models.UniqueConstraint(
                fields=["post", "kind"],
                condition=Q(state__in=PENDING_STATES) & Q(post__isnull=False),
                name="accounts_action_one_pending_per_post",
            ),
        ]
        indexes = [
            # platform_outbox_sweep (Celery beat "posts-outbox-sweep"): queued rows that
            # are due, oldest first.
            models.Index(
                fields=["not_before", "id"],
                name="accounts_action_queued_due",
                condition=Q(state="queued"),
            ),
            # platform_outbox_sweep: claims older than the timeout (a worker died).
            models.Index(
                fields=["claimed_at"],
                name="accounts_action_sending",
                condition=Q(state="sending"),
            ),
            # The post page: its actions, newest first.
            models.Index(fields=["post", "-created_at"], name="accounts_action_by_post"),
            # The crisis page: what was published of its message.
            models.Index(
                fields=["crisis", "id"],
                name="accounts_action_by_crisis",
                condition=Q(crisis__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        # Never the text: this string goes into the audit log.
        return _("%(kind)s on %(account)s (%(number)s)") % {
            "kind": ActionKind(self.kind).label,
            "account": self.account.name if self.account_id else "",
            "number": self.pk,
        }

    @property
    def is_pending(self) -> bool:
        return self.state in PENDING_STATES

    @property
    def result_url(self) -> str:
        """A link to what the action made on Facebook (the reply, the published post)."""
        return platform_url(self.account.platform, self.result_id)


# Page tasks that let a business user speak on a Page: taken away during a crisis.
LOCKED_TASKS = ("CREATE_CONTENT", "MODERATE")
TASK_CHANGE_ATTEMPTS = (0, 50)


class PageUser(models.Model):
    """A person responsible for an account, as a business user of its Page: the
    business-scoped user id under which the Page's ``assigned_users`` lists them."""

    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="page_users"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    scoped_id = models.CharField(_("business-scoped user id"), max_length=64)

    class Meta:
        verbose_name = _("Page user")
        verbose_name_plural = _("Page users")
        constraints = [
            models.UniqueConstraint(fields=["account", "user"], name="accounts_page_user_once"),
            models.UniqueConstraint(
                fields=["account", "scoped_id"], name="accounts_page_user_scoped_id_once"
            ),
            models.CheckConstraint(
                condition=Q(scoped_id__regex=r"^[0-9]{1,64}$"),
                name="accounts_page_user_scoped_id_digits",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.scoped_id})"


class PageTaskChange(models.Model):
    """The Page tasks of one business user, taken away when a crisis began and given back,
    exactly as they were, when it ended. ``tasks_before`` is what the Page listed; the
    restore sets it again, however often it has to be tried."""

    crisis = models.ForeignKey(
        "accounts.CrisisPeriod",
        verbose_name=_("crisis"),
        on_delete=models.PROTECT,
        related_name="page_task_changes",
    )
    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="+"
    )
    # Who and under which id, as they were at the change (``PageUser`` may change since).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    scoped_id = models.CharField(_("business-scoped user id"), max_length=64)
    page_id = models.CharField(_("Page id"), max_length=64)
    tasks_before = models.JSONField(_("tasks before"), default=list)
    created_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(_("taken away"), null=True, blank=True)
    restored_at = models.DateTimeField(_("given back"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(
        default=0, validators=range_validators(TASK_CHANGE_ATTEMPTS)
    )
    error_message = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        ordering = ["crisis", "account", "id"]
        verbose_name = _("Page task change")
        verbose_name_plural = _("Page task changes")
        constraints = [
            models.UniqueConstraint(
                fields=["crisis", "account", "scoped_id"], name="accounts_task_change_once"
            ),
            range_constraint(
                "attempts", TASK_CHANGE_ATTEMPTS, name="accounts_task_change_attempts"
            ),
            models.CheckConstraint(
                condition=Q(restored_at__isnull=True) | Q(restored_at__gte=F("created_at")),
                name="accounts_task_change_restored_after",
            ),
        ]
        indexes = [
            # The restore sweep: what is still to be given back.
            models.Index(
                fields=["crisis", "id"],
                name="accounts_task_change_pending",
                condition=Q(restored_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scoped_id} on {self.page_id}"

    @property
    def tasks_during(self) -> list[str]:
        """What the person keeps while the crisis lasts."""
        return [task for task in self.tasks_before if task not in LOCKED_TASKS]

    @property
    def is_restored(self) -> bool:
        return self.restored_at is not None


class MediaCommentChange(models.Model):
    """Comments on one Instagram post (media) of an account, turned off by the crisis team
    during a crisis and on again at its end, exactly as they were: ``enabled_before`` is
    what Instagram said when the post was chosen; a post whose comments were already off
    is recorded and left off."""

    crisis = models.ForeignKey(
        "accounts.CrisisPeriod",
        verbose_name=_("crisis"),
        on_delete=models.PROTECT,
        related_name="media_comment_changes",
    )
    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="+"
    )
    media_id = models.CharField(_("Instagram post id"), max_length=64)
    # The post's caption as it was chosen, shortened: what the crisis page names it by.
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chosen by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    enabled_before = models.BooleanField(_("comments on before"))
    created_at = models.DateTimeField(default=timezone.now)
    turned_off_at = models.DateTimeField(_("turned off"), null=True, blank=True)
    restored_at = models.DateTimeField(_("turned on again"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(
        default=0, validators=range_validators(TASK_CHANGE_ATTEMPTS)
    )
    error_message = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        ordering = ["crisis", "account", "id"]
        verbose_name = _("Instagram comment change")
        verbose_name_plural = _("Instagram comment changes")
        constraints = [
            models.UniqueConstraint(fields=["crisis", "media_id"], name="accounts_media_once"),
            range_constraint("attempts", TASK_CHANGE_ATTEMPTS, name="accounts_media_attempts"),
            # Only what was on is turned off, and only what was turned off is turned on.
            models.CheckConstraint(
                condition=Q(enabled_before=True)
                | (Q(turned_off_at__isnull=True) & Q(restored_at__isnull=True)),
                name="accounts_media_changed_only_if_on",
            ),
            models.CheckConstraint(
                condition=Q(restored_at__isnull=True) | Q(restored_at__gte=F("created_at")),
                name="accounts_media_restored_after",
            ),
        ]
        indexes = [
            # The restore sweep: what is still to be turned on again.
            models.Index(
                fields=["crisis", "id"],
                name="accounts_media_pending",
                condition=Q(restored_at__isnull=True, enabled_before=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.media_id} of {self.account_id}"
