from django.db.models import Q, QuerySet

from moskenes_social.people.models import User
from moskenes_social.people.roles import Role
from moskenes_social.people.selectors import user_name_fields
from policy.models import GuidelineVersion, Rule

from .models import DECIDED_STATUSES, AccountRequest, RequestStatus


def requests_of(*, user: User) -> QuerySet[AccountRequest]:
    """The user's own requests, newest first."""
    return AccountRequest.objects.filter(requester=user).select_related("unit")


def requests_awaiting_decision() -> QuerySet[AccountRequest]:
    """The rådmann's queue: submitted requests, oldest first; only what the queue shows
    (not the answers and texts of each request, nor the requester's other columns)."""
    return (
        AccountRequest.objects.filter(status=RequestStatus.SUBMITTED)
        .select_related("unit", "requester")
        .only(
            "kind",
            "status",
            "name",
            "account_id",
            "submitted_at",
            "unit__name",
            *user_name_fields("requester"),
        )
        .order_by("submitted_at", "id")
    )


def requests_decided(
    *, unit_id: int | None = None, platform: str = "", status: str = "", text: str = ""
) -> QuerySet[AccountRequest]:
    """The archive of decided requests, newest decision first, filtered."""
    requests = AccountRequest.objects.filter(status__in=DECIDED_STATUSES).select_related(
        "unit", "requester", "decided_by"
    )
    if unit_id:
        requests = requests.filter(unit_id=unit_id)
    if platform:
        requests = requests.filter(platform=platform)
    if status:
        requests = requests.filter(status=status)
    if text:
        requests = requests.filter(Q(name__icontains=text) | Q(handle__icontains=text))
    return requests.order_by("-decided_at", "-id")


def request_with_history(*, request_id: int) -> AccountRequest:
    return (
        AccountRequest.objects.select_related(
            "unit", "requester", "responsible_leader", "decided_by", "account", "guideline_version"
        )
        .prefetch_related("responders", "transitions__actor")
        .get(pk=request_id)
    )


def approval_rule_of(*, version: GuidelineVersion) -> Rule | None:
    """The rule of ``version`` that gives the rådmann the decision on official profiles:
    the one whose ``approval_role`` is the rådmann (in version 1, section 2, «Rådmannen
    godkjenner offisielle profiler og kontoer»). None if the version has no such rule."""
    return (
        Rule.objects.filter(version=version, parameters__approval_role=Role.CHIEF_EXECUTIVE.value)
        .only("code", "section", "title")
        .order_by("order")
        .first()
    )
