from axes.models import AccessAttempt
from axes.utils import reset
from django.db import transaction

from moskenes_social.audit.services import event_record

from .models import User


@transaction.atomic
def login_lock_lift(*, actor: User, attempt: AccessAttempt) -> int:
    """Lift a login lock (one username from one address); the next login is counted anew."""
    username, ip_address = attempt.username, attempt.ip_address
    removed: int = reset(username=username, ip=ip_address)
    event_record(
        actor=actor,
        action="people.login_lock_lifted",
        reason="",
        data={"username": username, "ip_address": ip_address},
    )
    return removed
