"""Access decisions for the shell: start page, login, notifications, log."""

from moskenes_social.notifications.services import notification_create
from tests.access import Access, everyone, members, only
from tests.conftest import Persona


def _radmann_notification(personas: dict[str, Persona]) -> dict[str, object]:
    user = personas["radmann"].user
    assert user is not None
    return {"notification_id": notification_create(recipient=user, subject="Test").pk}


ACCESS: dict[str, Access] = {
    "home": Access(members(200)),
    "healthz": Access(everyone(200)),
    "login": Access(everyone(200)),
    "logout": Access(everyone(302), method="post"),
    "password_change": Access(members(200)),
    "password_change_done": Access(members(200)),
    "password_reset": Access(everyone(200)),
    "password_reset_done": Access(everyone(200)),
    "password_reset_confirm": Access(
        everyone(200), kwargs=lambda p: {"uidb64": "MQ", "token": "ugyldig"}
    ),
    "password_reset_complete": Access(everyone(200)),
    "notifications:list": Access(members(200)),
    "notifications:read": Access(
        {**members(404), "radmann": 302}, method="post", kwargs=_radmann_notification
    ),
    "notifications:read_all": Access(members(302), method="post"),
    "audit:list": Access(only(["radmann"], 200)),
}


def _leader_notification(personas: dict[str, Persona]) -> dict[str, object]:
    user = personas["leder"].user
    assert user is not None
    return {"notification_id": notification_create(recipient=user, subject="Test").pk}


# --- Object level: another person's notification is 404 to everyone else, the rådmann
# included (he reads the log, not other people's inboxes).
OBJECT_ACCESS: dict[str, Access] = {
    "notifications:read [another person's notification]": Access(
        {**members(404), "leder": 302}, method="post", kwargs=_leader_notification
    ),
}
