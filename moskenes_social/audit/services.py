from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import models

from moskenes_social.people.models import User

from .models import Event


@dataclass(frozen=True)
class EventDraft:
    """One event of several that ``events_record`` appends at once."""

    action: str
    target: models.Model | None = None
    reason: str = ""
    data: dict[str, Any] | None = None


def _event(*, actor: AbstractBaseUser | AnonymousUser | None, draft: EventDraft) -> Event:
    event = Event(
        actor=actor if isinstance(actor, User) else None,
        action=draft.action,
        reason=draft.reason,
        data=draft.data or {},
    )
    if draft.target is not None:
        event.target_type = ContentType.objects.get_for_model(draft.target)
        event.target_id = str(draft.target.pk)
        event.target_repr = str(draft.target)[:300]
    return event


def event_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    target: models.Model | None = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> Event:
    """Append an audit event. Call inside the transaction of the change it records."""
    event = _event(
        actor=actor, draft=EventDraft(action=action, target=target, reason=reason, data=data)
    )
    # An insert only, so the append-only rule of Event.save holds.
    event.save(force_insert=True)
    return event


def events_record(
    *, actor: AbstractBaseUser | AnonymousUser | None, drafts: Iterable[EventDraft]
) -> list[Event]:
    """Append several events by the same actor in one insert, whatever their number (a
    background job that changes many rows in one transaction). Call inside it."""
    events = [_event(actor=actor, draft=draft) for draft in drafts]
    # bulk_create only inserts, so the append-only rule of Event.save holds.
    return Event.objects.bulk_create(events) if events else []
