"""Access decisions for login locks: the rådmann only."""

from axes.models import AccessAttempt

from tests.access import Access, only
from tests.conftest import Persona


def _attempt(personas: dict[str, Persona]) -> dict[str, object]:
    attempt = AccessAttempt.objects.create(
        username="leder", ip_address="10.0.0.1", failures_since_start=9, user_agent="test"
    )
    return {"attempt_id": attempt.pk}


ACCESS: dict[str, Access] = {
    "people:login_locks": Access(get=only(["radmann"], 200)),
    "people:login_lock_lift": Access(post=only(["radmann"], 302), kwargs=_attempt),
}

NO_OBJECT_CASE: dict[str, str] = {
    "people:login_lock_lift": "a login lock belongs to no unit; only the rådmann lifts any",
}
