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
    "people:login_locks": Access(only(["radmann"], 200)),
    "people:login_lock_lift": Access(only(["radmann"], 302), method="post", kwargs=_attempt),
}
