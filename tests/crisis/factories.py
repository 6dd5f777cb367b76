"""Typed helpers that write crises directly (no services, no audit, no notifications)."""

from collections.abc import Sequence
from datetime import datetime

from django.utils import timezone

from accounts.models import Account, CrisisMessage, CrisisPeriod, CrisisStatus
from moskenes_social.people.models import User
from moskenes_social.people.roles import Role
from tests.factories import make_user


def make_crisis(
    *,
    started_by: User | None = None,
    active: bool = True,
    accounts: Sequence[Account] = (),
    messages: Sequence[str] = ("Følg kommunens nettside for oppdatert informasjon.",),
    started_at: datetime | None = None,
    ended_at: datetime | None = None,
) -> CrisisPeriod:
    """A crisis covering all accounts, or only ``accounts`` when some are given."""
    leader = started_by or make_user(username="krisesjef", roles=[Role.CRISIS_LEADER])
    start = started_at or timezone.now()
    crisis = CrisisPeriod.objects.create(
        reason="Flom",
        started_by=leader,
        started_at=start,
        status=CrisisStatus.ACTIVE if active else CrisisStatus.ENDED,
        ended_at=None if active else (ended_at or timezone.now()),
        ended_by=None if active else leader,
        summary="" if active else "Over.",
        covers_all_accounts=not accounts,
    )
    crisis.accounts.set(accounts)
    for version, text in enumerate(messages, start=1):
        CrisisMessage.objects.create(
            crisis=crisis, version=version, text=text, author=leader, created_at=start
        )
    return crisis
