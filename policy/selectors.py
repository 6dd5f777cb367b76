"""Reads of the guideline: the version in force, its parameters, history, acknowledgements."""

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from moskenes_social.people.models import User
from moskenes_social.worktime import OSLO

from .models import (
    ADOPTED_STATUSES,
    Acknowledgement,
    Guideline,
    GuidelineVersion,
    Rule,
    VersionStatus,
)
from .parameters import PolicyParameters, policy_parameters_build

# The one guideline of the app; the data migration creates it with version 1.
GUIDELINE_SLUG = "veileder-sosiale-medier"


class NoVersionInForceError(LookupError):
    """No adopted guideline version is in force (v1 is loaded by migration policy/0002)."""


def guideline_get() -> Guideline:
    return Guideline.objects.get(slug=GUIDELINE_SLUG)


def local_date(at: datetime | None = None) -> date:
    """The date in Europe/Oslo at ``at`` (default now): the day a version's effective date
    is compared with."""
    return (at or timezone.now()).astimezone(OSLO).date()


def _adopted_by_recency(*, on: date) -> QuerySet[GuidelineVersion]:
    """Adopted versions in effect on the date ``on`` (Europe/Oslo), the one in force first.

    A version is in force from 00:00 Europe/Oslo on its effective date. Adoption requires
    a later version to take effect no earlier than the one before it, so the latest
    effective date (ties broken by the higher number) selects exactly one.
    """
    return GuidelineVersion.objects.filter(
        guideline__slug=GUIDELINE_SLUG,
        status__in=ADOPTED_STATUSES,
        effective_from__lte=on,
    ).order_by("-effective_from", "-number")


def version_in_force(*, at: datetime | None = None) -> GuidelineVersion | None:
    """The adopted version with the latest effective date not after ``at`` (default now)."""
    return _adopted_by_recency(on=local_date(at)).select_related("guideline").first()


@dataclass(frozen=True)
class VersionKeySubqueries:
    """What names a version for ``policy_of_version``, as subqueries to annotate."""

    id: Subquery
    adopted_at: Subquery


def version_in_force_key(*, on: date) -> VersionKeySubqueries:
    """The id and adoption time of the version in force on the date ``on`` (Europe/Oslo;
    ``local_date()`` for today), as subqueries to annotate onto another query: it names the
    version without a round trip of its own. Pass both to ``policy_of_version``."""
    versions = _adopted_by_recency(on=on)
    return VersionKeySubqueries(
        id=Subquery(versions.values("pk")[:1]),
        adopted_at=Subquery(versions.values("adopted_at")[:1]),
    )


def policy_in_force(*, at: datetime | None = None) -> PolicyParameters:
    """The parameters of the version in force at ``at`` (default now). One query once
    this process has parsed that version (``version_policy``), two before.

    Raises ``NoVersionInForceError`` if no version is adopted, and
    ``policy.parameters.ParameterError`` if the stored parameters are malformed (which
    adoption prevents).
    """
    version = version_in_force(at=at)
    if version is None:
        raise NoVersionInForceError(
            "no guideline version is in force; migration policy/0002 loads version 1"
        )
    return version_policy(version=version)


# Parsed parameters of adopted and superseded versions, which never change (services,
# ``save()`` and PostgreSQL triggers refuse it), so each process parses one once instead of
# reading its rules on every post, reminder and webhook delivery. Keyed by the row's id and
# its adoption time: an adoption rolled back and made again, or a version rolled back and
# made anew (tests on SQLite, whose ids are reused), is never mistaken for an earlier one.
# Drafts are never cached.
_ADOPTED_POLICY_CACHE: dict[tuple[int, datetime | None], PolicyParameters] = {}
_ADOPTED_POLICY_CACHE_SIZE = 64


def policy_of_version(*, version_id: int | None, adopted_at: datetime | None) -> PolicyParameters:
    """The parameters of the version in force that ``version_in_force_key`` named: no
    query once this process has parsed that version, two before. Raises
    ``NoVersionInForceError`` for no version (``version_id`` None)."""
    if version_id is None:
        raise NoVersionInForceError(
            "no guideline version is in force; migration policy/0002 loads version 1"
        )
    if (cached := _ADOPTED_POLICY_CACHE.get((version_id, adopted_at))) is not None:
        return cached
    return version_policy(version=GuidelineVersion.objects.get(pk=version_id))


def version_policy(*, version: GuidelineVersion) -> PolicyParameters:
    """The parameters of any version (a draft too), parsed strictly.

    One query for a draft (its rules); none for an adopted version this process has read.
    """
    cacheable = version.status in ADOPTED_STATUSES
    key = (version.pk, version.adopted_at)
    if cacheable and (cached := _ADOPTED_POLICY_CACHE.get(key)) is not None:
        return cached
    parameters = policy_parameters_build(
        version_id=version.pk,
        version_number=version.number,
        parameters=version.parameters,
        rules=version.rules.order_by("order"),
    )
    if cacheable:
        if len(_ADOPTED_POLICY_CACHE) >= _ADOPTED_POLICY_CACHE_SIZE:
            version_policy_cache_clear()
        _ADOPTED_POLICY_CACHE[key] = parameters
    return parameters


def version_policy_cache_clear() -> None:
    """Forget every parsed version (tests that roll back adoptions)."""
    _ADOPTED_POLICY_CACHE.clear()


def rules_of(*, version: GuidelineVersion) -> QuerySet[Rule]:
    return Rule.objects.filter(version=version).order_by("order")


def versions_history(*, include_drafts: bool) -> QuerySet[GuidelineVersion]:
    """All versions, newest first; drafts and discarded ones only for editors."""
    versions = GuidelineVersion.objects.filter(guideline__slug=GUIDELINE_SLUG).select_related(
        "guideline", "recorded_by"
    )
    if not include_drafts:
        versions = versions.filter(status__in=ADOPTED_STATUSES)
    return versions.order_by("-number")


def version_get(*, number: int) -> GuidelineVersion | None:
    return (
        GuidelineVersion.objects.select_related("guideline", "recorded_by")
        .filter(guideline__slug=GUIDELINE_SLUG, number=number)
        .first()
    )


def version_draft() -> GuidelineVersion | None:
    """The open draft, if any (there is at most one)."""
    return (
        GuidelineVersion.objects.select_related("guideline")
        .filter(guideline__slug=GUIDELINE_SLUG, status=VersionStatus.DRAFT)
        .first()
    )


def user_has_acknowledged(
    *, user: AbstractBaseUser | AnonymousUser, version: GuidelineVersion
) -> bool:
    if not isinstance(user, User):
        return False
    return Acknowledgement.objects.filter(user=user, version=version).exists()


def _in_force_with_acknowledgement(*, today: date, user_id: int) -> QuerySet[GuidelineVersion]:
    acknowledged = Acknowledgement.objects.filter(user_id=user_id, version=OuterRef("pk"))
    return _adopted_by_recency(on=today).annotate(acknowledged=Exists(acknowledged))[:1]


def acknowledgement_due(*, user: AbstractBaseUser | AnonymousUser) -> GuidelineVersion | None:
    """The version in force if this user has not acknowledged it yet, else None. One query
    (the version and whether the user has acknowledged it); none for a visitor."""
    if not isinstance(user, User):
        return None
    found = list(_in_force_with_acknowledgement(today=local_date(), user_id=user.pk))
    if not found or found[0].acknowledged:  # type: ignore[attr-defined]
        return None
    return found[0]


@dataclass(frozen=True)
class AcknowledgementStatus:
    user: User
    acknowledged_at: datetime | None


def acknowledgements_of(*, version: GuidelineVersion) -> list[AcknowledgementStatus]:
    """Every active user and when (if at all) they acknowledged ``version``. Two queries."""
    acknowledged = dict(
        Acknowledgement.objects.filter(version=version).values_list("user_id", "created_at")
    )
    users = (
        User.objects.filter(is_active=True)
        .select_related("unit")
        .order_by("first_name", "last_name", "username")
    )
    return [
        AcknowledgementStatus(user=user, acknowledged_at=acknowledged.get(user.pk))
        for user in users
    ]
