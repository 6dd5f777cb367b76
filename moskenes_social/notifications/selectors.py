from django.db.models import QuerySet

from moskenes_social.people.models import User

from .models import Notification


def notifications_for(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def notifications_unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
