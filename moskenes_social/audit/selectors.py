from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet

from moskenes_social.worktime import OSLO

from .models import Event


def events_recent(*, action_prefix: str = "") -> QuerySet[Event]:
    """Events newest first, with the actor joined so a list page costs one query."""
    events = Event.objects.select_related("actor", "target_type")
    if action_prefix:
        events = events.filter(action__startswith=action_prefix)
    return events


@dataclass(frozen=True)
class EventFilter:
    """What the log is narrowed to; an empty value narrows nothing. Days are Oslo's."""

    since: date | None = None
    until: date | None = None
    person: str = ""
    action: str = ""
    account: str = ""
    reason: str = ""


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=OSLO)


def events_filtered(*, where: EventFilter) -> QuerySet[Event]:
    """The log's events narrowed by ``where``, newest first, actor and target type joined:
    one query a page whatever the log's size.

    The person is matched word by word against first name, last name and username; the
    account by part of its name in what the event concerned (an account's events name the
    account, a post's name the account it came to); the reason by part of its text.
    """
    events = events_recent()
    if where.since is not None:
        events = events.filter(created_at__gte=_start_of(where.since))
    if where.until is not None:
        events = events.filter(created_at__lt=_start_of(where.until + timedelta(days=1)))
    for word in where.person.split():
        events = events.filter(
            Q(actor__first_name__icontains=word)
            | Q(actor__last_name__icontains=word)
            | Q(actor__username__icontains=word)
        )
    if where.action:
        events = events.filter(action=where.action)
    if where.account.strip():
        events = events.filter(target_repr__icontains=where.account.strip())
    if where.reason.strip():
        events = events.filter(reason__icontains=where.reason.strip())
    return events
