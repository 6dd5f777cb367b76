from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import models

from moskenes_social.people.models import User

from .models import Event


def event_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    target: models.Model | None = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> Event:
    """Append an audit event. Call inside the transaction of the change it records."""
    event = Event(
        actor=actor if isinstance(actor, User) else None,
        action=action,
        reason=reason,
        data=data or {},
    )
    if target is not None:
        event.target_type = ContentType.objects.get_for_model(target)
        event.target_id = str(target.pk)
        event.target_repr = str(target)[:300]
    event.save()
    return event
