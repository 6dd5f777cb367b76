"""Posts on official accounts that may need an answer, the reminders about them, and the
tokens that let integrations deliver posts.

The guideline: "Alle innlegg der det forventes svar skal snarest besvares. Svar alltid når et
innlegg inneholder faktafeil eller når innlegget kommer fra en misfornøyd innbygger";
"Sensitive opplysninger skal ikke kommenteres. Innlegg om slike tema skal slettes". A ``Post``
is tracked from the moment it is known until it is answered, closed with a reason, or
removed; its row carries its deadline and the schedule of its reminders. A ``PostReminder``
row records each reminder sent to each person, so none is sent twice. An ``IngestToken``
lets a script deliver posts to one account; only a hash of it is stored.

A post's text and author are a citizen's words: they are never copied into the audit log
(``__str__`` names only the post's number and account) or into notifications, and removing a
sensitive post blanks them.
"""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moskenes_social.bounds import CLOCK_SKEW, EARLIEST

from .account import Account


class PostSource(models.TextChoices):
    MANUAL = "manual", _("Registered by hand")
    API = "api", _("Ingest API")
    FACEBOOK = "facebook", _("Facebook webhook")
    INSTAGRAM = "instagram", _("Instagram webhook")


class PostCategory(models.TextChoices):
    """What a post is about. The keys match the guideline's rule parameters: its topics
    not to comment (``sensitive``, ``rumours``, ``reorganisation_economy_budget``) and the
    categories it always answers (``complaint``, ``factual_error``)."""

    QUESTION = "question", _("Question")
    COMPLAINT = "complaint", _("Complaint from a dissatisfied citizen")
    FACTUAL_ERROR = "factual_error", _("Factual error")
    SENSITIVE = "sensitive", _("Sensitive information")
    RUMOURS = "rumours", _("Rumour or speculation")
    REORGANISATION_ECONOMY_BUDGET = (
        "reorganisation_economy_budget",
        _("Reorganisation, economy or budget"),
    )
    OTHER = "other", _("Other")


class PostStatus(models.TextChoices):
    """Where a post is in its handling.

    Transitions: open -> answered (``post_answer``); open -> closed (``post_close``, or
    ``post_triage`` when the guideline says the post is not commented or it expects no
    answer); open | answered | closed -> removed (``post_remove_sensitive``: sensitive
    information, found before or after handling; the text is blanked, final);
    answered | closed -> open (``post_reopen``, with a reason; a new deadline starts).
    Only an open post has a reminder scheduled.
    """

    OPEN = "open", _("Awaiting answer")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed without answer")
    REMOVED = "removed", _("Removed")


class CloseReason(models.TextChoices):
    """Why a post is closed without an answer; each reason rests on the guideline."""

    NOT_COMMENTED = "not_commented", _("A topic the guideline says not to comment")
    NO_ANSWER_EXPECTED = "no_answer_expected", _("The post does not expect an answer")
    CASE_HANDLING = (
        "case_handling",
        _("Belongs to ordinary case handling, not to social media"),
    )
    DUPLICATE = "duplicate", _("Duplicate of another post")


class ScreeningStatus(models.TextChoices):
    """What the screening for sensitive information found and what a person decided.

    Transitions: "" -> flagged (a match when the post came in, or in its author's edit);
    flagged -> dismissed (``post_screening_dismiss``: a false match, with a reason; shown
    again on the platform); flagged -> confirmed (removal asked for, or triaged as
    sensitive); dismissed -> flagged (an edit that matches again). A match never removes
    a post by itself; while it is flagged the post is neither answered nor closed.
    """

    NONE = "", _("Nothing found")
    FLAGGED = "flagged", _("Possibly sensitive: awaiting a decision")
    DISMISSED = "dismissed", _("Not sensitive (a false match)")
    CONFIRMED = "confirmed", _("Sensitive: removed or being removed")


class FindingKind(models.TextChoices):
    """What a finding of the screening is (``Post.findings``)."""

    NATIONAL_ID = "national_id", _("National identity number")
    D_NUMBER = "d_number", _("D-number")
    TERM = "term", _("A word from the guideline's list of sensitive topics")
    PHONE = "phone", _("Phone number")
    EMAIL = "email", _("E-mail address")


class FindingConfidence(models.TextChoices):
    LOW = "low", _("low")
    MEDIUM = "medium", _("medium")
    HIGH = "high", _("high")


MASK = "•"


def text_masked(text: str, findings: object) -> str:
    """``text`` with every finding's span masked: its first character kept, every other
    letter and digit a dot, so that «01010112345» reads «0••••••••••» (what responders see
    of a match)."""
    if not text or not isinstance(findings, list) or not findings:
        return text
    parts: list[str] = []
    at = 0
    for finding in sorted(findings, key=lambda f: f.get("start", 0) if isinstance(f, dict) else 0):
        if not isinstance(finding, dict):
            continue
        start, end = finding.get("start"), finding.get("end")
        if not isinstance(start, int) or not isinstance(end, int) or not at <= start < end:
            continue
        end = min(end, len(text))
        parts.append(text[at : start + 1])
        parts.append("".join(MASK if c.isalnum() else c for c in text[start + 1 : end]))
        at = end
    parts.append(text[at:])
    return "".join(parts)


class Post(models.Model):
    """A post (comment, message, mention) on an official account that may need an answer."""

    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="posts"
    )
    source = models.CharField(_("source"), max_length=10, choices=PostSource.choices)
    # The platform's own id (a Facebook comment id, an integration's id); "" if unknown.
    # A delivery with an id already stored for the account creates nothing new.
    platform_id = models.CharField(_("id on the platform"), max_length=200, blank=True)
    # The comment this one replies to on the platform ("" for a top-level comment): the
    # thread it belongs to (an Instagram answer goes to the top-level comment).
    parent_platform_id = models.CharField(
        _("replies to"), max_length=200, blank=True, db_default=""
    )
    author = models.CharField(_("author"), max_length=200, blank=True)
    text = models.TextField(_("text"), blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    posted_at = models.DateTimeField(_("posted"))
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # "" until someone has triaged the post.
    category = models.CharField(
        _("category"), max_length=40, choices=PostCategory.choices, blank=True
    )
    expects_answer = models.BooleanField(_("expects an answer"), default=True)
    triaged_at = models.DateTimeField(_("triaged"), null=True, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("triaged by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PostStatus.choices, default=PostStatus.OPEN
    )
    # The post's time plus the answering deadline in working hours (see services).
    due_at = models.DateTimeField(_("answer due"))
    # When the reminder job acts next on this post, and which of the guideline's reminder
    # stages (by code) it sends then; both cleared when the post stops waiting.
    next_reminder_at = models.DateTimeField(null=True, blank=True)
    next_reminder_stage = models.CharField(max_length=40, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answer_text = models.TextField(_("answer"), blank=True)
    answer_url = models.URLField(_("link to the answer"), max_length=500, blank=True)
    close_reason = models.CharField(
        _("reason for closing"), max_length=30, choices=CloseReason.choices, blank=True
    )
    close_note = models.TextField(_("note"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("removed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reopened_at = models.DateTimeField(_("reopened"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reopened by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    # Where the account is connected to its Page (``PlatformConnection``): the comment is
    # hidden there (sensitive, until removed), or is gone there (its author or Facebook
    # removed it, or the app did): the post is then removed with nobody as remover.
    hidden_on_platform = models.BooleanField(
        _("hidden on the platform"), default=False, db_default=False
    )
    removed_on_platform = models.BooleanField(
        _("removed on the platform"), default=False, db_default=False
    )
    # When its author last edited it on the platform (the text is the edited one).
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    # The screening for sensitive information (``accounts.posts.screening``), as the post
    # came in or after its author's edit. ``findings``: a list of {"kind", "start", "end",
    # "confidence"} (a ``FindingKind``, the span in ``text``, a ``FindingConfidence``),
    # with "term": the headword of the guideline's list for a word. Blanked with the text.
    screening = models.CharField(
        _("screening"),
        max_length=10,
        choices=ScreeningStatus.choices,
        blank=True,
        default="",
        db_default="",
    )
    findings = models.JSONField(_("what the screening found"), null=True, blank=True)
    screened_at = models.DateTimeField(_("screened"), null=True, blank=True)
    screening_decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    screening_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Why it is not sensitive after all: staff's words, which may quote the post.
    screening_reason = models.TextField(
        _("why it is not sensitive"), blank=True, default="", db_default=""
    )

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [
            # Idempotent ingest: one post per platform id and account.
            models.UniqueConstraint(
                fields=["account", "platform_id"],
                condition=~Q(platform_id=""),
                name="posts_one_per_platform_id",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "answered", "closed", "removed"]),
                name="posts_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(
                    category__in=[
                        "",
                        "question",
                        "complaint",
                        "factual_error",
                        "sensitive",
                        "rumours",
                        "reorganisation_economy_budget",
                        "other",
                    ]
                ),
                name="posts_category_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="answered")
                | (Q(answered_at__isnull=False) & ~Q(answer_text="")),
                name="posts_answered_has_answer",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | (Q(closed_at__isnull=False) & ~Q(close_reason="")),
                name="posts_closed_has_reason",
            ),
            # A removed post keeps that it existed, its account, category, who removed it
            # and when; the citizen's words are gone, and staff's that may quote them.
            models.CheckConstraint(
                condition=~Q(status="removed")
                | (
                    Q(removed_at__isnull=False)
                    & Q(text="", author="", url="", answer_text="", close_note="", reopen_reason="")
                ),
                name="posts_removed_is_blanked",
            ),
            # What the screening found and why it was dismissed go with the words.
            models.CheckConstraint(
                condition=~Q(status="removed")
                | (Q(findings__isnull=True) & Q(screening_reason="")),
                name="posts_removed_has_no_findings",
            ),
            models.CheckConstraint(
                condition=Q(screening__in=["", "flagged", "dismissed", "confirmed"]),
                name="posts_screening_valid",
            ),
            # A post marked by the screening was screened, at or after it arrived; a
            # dismissal says who decided, when.
            models.CheckConstraint(
                condition=Q(screening="")
                | (Q(screened_at__isnull=False) & Q(screened_at__gte=F("received_at"))),
                name="posts_screened_when_marked",
                violation_error_message=_("A post is screened when it arrives or later."),
            ),
            models.CheckConstraint(
                condition=~Q(screening="dismissed")
                | (
                    Q(screening_decided_by__isnull=False)
                    & Q(screening_decided_at__isnull=False)
                    & Q(screening_decided_at__gte=F("received_at"))
                ),
                name="posts_dismissal_is_decided",
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(next_reminder_at__isnull=True),
                name="posts_reminders_only_when_open",
            ),
            # The window of ``moskenes_social.bounds``: written after 2004, and not after
            # it arrived (beyond the clocks' skew).
            models.CheckConstraint(
                condition=Q(posted_at__gte=EARLIEST)
                & Q(posted_at__lte=F("received_at") + CLOCK_SKEW),
                name="posts_posted_at_in_window",
                violation_error_message=_("The time lies outside 2004 until now."),
            ),
        ]
        indexes = [
            # post_reminders_send_next_due (Celery beat "posts-reminders") looks only at open
            # posts with a reminder scheduled, in (next_reminder_at, id) order: with the id
            # in the index, many reminders due at the same moment (``make bench``: 100,000)
            # are read in order instead of sorted on every call.
            models.Index(
                fields=["next_reminder_at", "id"],
                name="posts_reminder_due",
                condition=Q(status="open", next_reminder_at__isnull=False),
            ),
            # The inbox: open posts of some accounts, most urgent first.
            models.Index(
                fields=["account", "due_at"],
                name="posts_open_by_due",
                condition=Q(status="open"),
            ),
            # The inbox of someone who sees every account (most urgent first, a page at a
            # time): read in order instead of sorting every open post (2.4 s a page with
            # 10 million posts, ``make bench``). With the account in the index, its capped
            # count (1,001 posts) leaves out closed accounts without reading the table:
            # 0.5 ms instead of 4 (``make bench``).
            models.Index(
                fields=["due_at", "id"],
                include=["account_id"],
                name="posts_open_by_due_account",
                condition=Q(status="open"),
            ),
            # The inbox's first block: posts possibly sensitive that await a decision,
            # oldest first (``posts_flagged``); few, whatever the number of posts.
            models.Index(
                fields=["screened_at", "id"],
                include=["account_id"],
                name="posts_flagged",
                condition=Q(screening="flagged") & ~Q(status="removed"),
            ),
        ]

    def __str__(self) -> str:
        # Never the text or the author: this string goes into the audit log.
        return _("Post %(number)s on %(account)s") % {
            "number": self.pk,
            "account": self.account.name if self.account_id else "",
        }

    @property
    def is_open(self) -> bool:
        return self.status == PostStatus.OPEN

    @property
    def is_flagged(self) -> bool:
        """Possibly sensitive, and nobody has decided yet."""
        return self.screening == ScreeningStatus.FLAGGED

    @property
    def text_masked(self) -> str:
        """The text as responders read it: what the screening found masked."""
        return text_masked(self.text, self.findings)

    def is_overdue(self, now: datetime | None = None) -> bool:
        """True if the post still waits and its answer was due before ``now``."""
        return self.status == PostStatus.OPEN and self.due_at < (now or timezone.now())


class PostReminder(models.Model):
    """One reminder about one post sent to one person, for one deadline and stage.

    The unique constraint makes a second reminder for the same deadline, stage and person
    impossible, whatever the job does (two workers, a retried task).
    """

    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.PROTECT, related_name="reminders"
    )
    # The code of the guideline's reminder stage: "due", "escalation".
    stage = models.CharField(_("stage"), max_length=40)
    # The deadline the reminder is about (a reopened post has a new one).
    due_at = models.DateTimeField(_("answer was due"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("post reminder")
        verbose_name_plural = _("post reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["post", "due_at", "stage", "recipient"],
                name="posts_one_reminder_per_stage_and_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.post}: {self.stage} → {self.recipient}"


class IngestToken(models.Model):
    """A secret with which an integration delivers posts to one account's ingest API.

    The token is shown once when created; only its SHA-256 hash and its first characters
    (to recognise it in a list) are stored. Revoking keeps the row as history.
    """

    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="ingest_tokens"
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What uses the token, for example a script.")
    )
    prefix = models.CharField(_("starts with"), max_length=16)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ingest token")
        verbose_name_plural = _("ingest tokens")
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True, revoked_by__isnull=True)
                | Q(revoked_at__isnull=False, revoked_by__isnull=False),
                name="posts_token_revoked_by_whom",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
