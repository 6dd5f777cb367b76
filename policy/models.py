"""The guideline as versioned records: a document, its versions, their rules, and who read them.

An adopted version and its rules never change: corrections are a new version. Services
refuse, ``save`` refuses, and on PostgreSQL triggers (migrations 0003 and 0004) refuse UPDATE,
DELETE and TRUNCATE, except the one transition a later adoption makes: adopted -> superseded.
"""

from collections.abc import Collection
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from moskenes_social.bounds import EARLIEST_DATE

from .errors import ImmutableError

__all__ = [
    "ADOPTED_STATUSES",
    "Acknowledgement",
    "Guideline",
    "GuidelineVersion",
    "ImmutableError",
    "Rule",
    "RuleCategory",
    "VersionStatus",
]


class VersionStatus(models.TextChoices):
    """Where a guideline version is in its life.

    Transitions: draft -> adopted (``version_adopt``); adopted -> superseded (when a
    later version is adopted; the superseded version stays in force until the later
    one's effective date); draft -> discarded (``version_discard``). Only a draft can
    be edited; superseded and discarded are final.
    """

    DRAFT = "draft", _("Draft")
    ADOPTED = "adopted", _("Adopted")
    SUPERSEDED = "superseded", _("Superseded")
    DISCARDED = "discarded", _("Discarded")


# Versions that have been adopted at some time: these are the guideline's history.
ADOPTED_STATUSES = (VersionStatus.ADOPTED, VersionStatus.SUPERSEDED)


class RuleCategory(models.TextChoices):
    PRINCIPLE = "principle", _("Principle")
    REGISTRATION_REQUIREMENT = "registration_requirement", _("Registration requirement")
    CONDUCT = "conduct", _("Conduct")
    ANSWERING_DUTY = "answering_duty", _("Answering duty")
    TOPIC_NOT_TO_COMMENT = "topic_not_to_comment", _("Topic not to comment")
    CRISIS = "crisis", _("Crisis")
    PRIVATE_USE = "private_use", _("Private use")


class Guideline(models.Model):
    """The document (there is one: «Veileder for bruk av sosiale medier»)."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)

    class Meta:
        verbose_name = _("guideline")
        verbose_name_plural = _("guidelines")

    def __str__(self) -> str:
        return self.title


class GuidelineVersion(models.Model):
    """One version of the guideline: a draft being edited, or a version adopted by a body."""

    guideline = models.ForeignKey(
        Guideline, verbose_name=_("guideline"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    adopted_by = models.CharField(_("adopted by"), max_length=200, blank=True)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    effective_from = models.DateField(_("in force from"), null=True, blank=True)
    change_summary = models.TextField(_("summary of changes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Answer deadline, working day, reminder stages, crisis leaders; parsed by
    # policy.parameters.parse_version_parameters.
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    adopted_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    # The status as read from the database (None for a new row); see save().
    _loaded_status: str | None = None

    class Meta:
        ordering = ["-number"]
        verbose_name = _("guideline version")
        verbose_name_plural = _("guideline versions")
        constraints = [
            models.UniqueConstraint(fields=["guideline", "number"], name="policy_version_number"),
            # The window of ``moskenes_social.bounds``: no guideline is older than 2004.
            models.CheckConstraint(
                condition=(Q(adopted_on__isnull=True) | Q(adopted_on__gte=EARLIEST_DATE))
                & (Q(effective_from__isnull=True) | Q(effective_from__gte=EARLIEST_DATE)),
                name="policy_version_dates_in_window",
                violation_error_message=_("The date cannot be before 1 January 2004."),
            ),
            # One draft at a time: the rådmann edits one proposal, not competing ones.
            models.UniqueConstraint(
                fields=["guideline"],
                condition=Q(status=VersionStatus.DRAFT),
                name="policy_one_draft_per_guideline",
            ),
            # An adopted version always says who adopted it, when, and from when it holds.
            models.CheckConstraint(
                condition=Q(status__in=[VersionStatus.DRAFT, VersionStatus.DISCARDED])
                | (
                    ~Q(adopted_by="")
                    & Q(adopted_on__isnull=False)
                    & Q(effective_from__isnull=False)
                    & ~Q(change_summary="")
                ),
                name="policy_adopted_version_is_complete",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[v.value for v in VersionStatus]),
                name="policy_version_status_valid",
            ),
        ]
        indexes = [
            # version_in_force: the adopted version with the latest effective date.
            models.Index(
                fields=["guideline", "-effective_from", "-number"],
                name="policy_version_in_force",
                condition=Q(status__in=["adopted", "superseded"]),
            ),
        ]

    def __str__(self) -> str:
        return _("%(title)s, version %(number)d") % {
            "title": self.guideline.title if self.guideline_id else "",
            "number": self.number,
        }

    def save(self, *args: Any, **kwargs: Any) -> None:
        loaded = getattr(self, "_loaded_status", None)
        if self.pk is not None and loaded is not None and loaded != VersionStatus.DRAFT:
            raise ImmutableError("only a draft guideline version can be changed")
        super().save(*args, **kwargs)
        self._loaded_status = self.status

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self.status != VersionStatus.DRAFT:
            raise ImmutableError("only a draft guideline version can be deleted")
        return super().delete(*args, **kwargs)

    @classmethod
    def from_db(
        cls, db: str | None, field_names: Collection[str], values: Collection[Any], **kwargs: Any
    ) -> "GuidelineVersion":
        instance = super().from_db(db, field_names, values, **kwargs)
        # What the row was when read: save() refuses to write over a closed version.
        instance._loaded_status = instance.__dict__.get("status")
        return instance

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT

    @property
    def is_adopted(self) -> bool:
        return self.status in ADOPTED_STATUSES


class Rule(models.Model):
    """One rule of a version: a paragraph or bullet of the guideline, in document order.

    ``code`` is stable across versions: a new version that changes a rule keeps its
    code, so versions can be compared rule by rule.
    """

    version = models.ForeignKey(
        GuidelineVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="rules"
    )
    code = models.SlugField(_("code"), max_length=80)
    section = models.CharField(_("section"), max_length=10)
    section_title = models.CharField(_("section title"), max_length=200)
    heading = models.CharField(_("heading"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), help_text=_("Markdown."))
    category = models.CharField(_("category"), max_length=30, choices=RuleCategory.choices)
    # Typed by category; parsed by policy.parameters.parse_rule_parameters.
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    order = models.PositiveIntegerField(_("order"))

    class Meta:
        ordering = ["version", "order"]
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="policy_rule_code"),
            models.UniqueConstraint(fields=["version", "order"], name="policy_rule_order"),
            models.CheckConstraint(
                condition=Q(category__in=[c.value for c in RuleCategory]),
                name="policy_rule_category_valid",
            ),
        ]

    def __str__(self) -> str:
        # Shown where the rule is named (the log): its words, not its code.
        return _("%(title)s (section %(section)s)") % {"title": self.title, "section": self.section}

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._version_is_draft():
            raise ImmutableError("only the rules of a draft guideline version can be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if not self._version_is_draft():
            raise ImmutableError("only the rules of a draft guideline version can be deleted")
        return super().delete(*args, **kwargs)

    @property
    def anchor(self) -> str:
        """The fragment that links to this rule on the guideline pages."""
        return f"regel-{self.code}"

    def _version_is_draft(self) -> bool:
        status = (
            GuidelineVersion.objects.filter(pk=self.version_id)
            .values_list("status", flat=True)
            .first()
        )
        return status == VersionStatus.DRAFT


class Acknowledgement(models.Model):
    """A user confirms having read a version of the guideline, once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="guideline_acknowledgements",
    )
    version = models.ForeignKey(
        GuidelineVersion,
        verbose_name=_("version"),
        on_delete=models.PROTECT,
        related_name="acknowledgements",
    )
    created_at = models.DateTimeField(_("acknowledged at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("acknowledgement")
        verbose_name_plural = _("acknowledgements")
        constraints = [
            models.UniqueConstraint(fields=["user", "version"], name="policy_acknowledge_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.version}"
