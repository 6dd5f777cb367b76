from django.db.models import QuerySet

from .models import Event


def events_recent(*, action_prefix: str = "") -> QuerySet[Event]:
    """Events newest first, with the actor joined so a list page costs one query."""
    events = Event.objects.select_related("actor", "target_type")
    if action_prefix:
        events = events.filter(action__startswith=action_prefix)
    return events
