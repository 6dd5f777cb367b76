"""Access decisions for the shell: start page, login, notifications, log."""

from moskenes_social.notifications.services import notification_create
from tests.access import Access, everyone, members, only
from tests.conftest import PERSONA_NAMES, Persona
from tests.factories import PASSWORD


def _radmann_notification(personas: dict[str, Persona]) -> dict[str, object]:
    user = personas["radmann"].user
    assert user is not None
    return {"notification_id": notification_create(recipient=user, subject="Test").pk}


def _notifications(personas: dict[str, Persona]) -> dict[str, object]:
    """One unread notification for every persona with a user, so that each has one to read."""
    for persona in personas.values():
        if persona.user is not None:
            notification_create(recipient=persona.user, subject="Test")
    return {}


def _login(personas: dict[str, Persona], kwargs: dict[str, object]) -> dict[str, object]:
    return {"username": "leder", "password": PASSWORD}


def _new_password(personas: dict[str, Persona], kwargs: dict[str, object]) -> dict[str, object]:
    new = "fjellvann-lofoten-91"
    return {"old_password": PASSWORD, "new_password1": new, "new_password2": new}


def _reset(personas: dict[str, Persona], kwargs: dict[str, object]) -> dict[str, object]:
    return {"email": "leder@example.org"}


def _reset_confirm(personas: dict[str, Persona], kwargs: dict[str, object]) -> dict[str, object]:
    new = "fjellvann-lofoten-91"
    return {"new_password1": new, "new_password2": new}


ACCESS: dict[str, Access] = {
    "home": Access(get=members(200)),
    "healthz": Access(get=everyone(200)),
    # Anyone may log in, as someone else too (here everyone logs in as "leder").
    "login": Access(get=everyone(200), post=everyone(302), data=_login),
    "logout": Access(post=everyone(302)),
    "password_change": Access(get=members(200), post=members(302), data=_new_password),
    "password_change_done": Access(get=members(200)),
    # The reset is mailed, whoever asks; the page says the same for any address.
    "password_reset": Access(get=everyone(200), post=everyone(302), data=_reset),
    "password_reset_done": Access(get=everyone(200)),
    # An invalid link: the page says so, and a new password posted to it is not set.
    "password_reset_confirm": Access(
        get=everyone(200),
        post=everyone(200),
        kwargs=lambda p: {"uidb64": "MQ", "token": "ugyldig"},
        data=_reset_confirm,
        changes_nothing=tuple(PERSONA_NAMES),
    ),
    "password_reset_complete": Access(get=everyone(200)),
    "notifications:list": Access(get=members(200)),
    "notifications:read": Access(
        post={**members(404), "radmann": 302}, kwargs=_radmann_notification
    ),
    "notifications:read_all": Access(post=members(302), kwargs=_notifications),
    "audit:list": Access(get=only(["radmann"], 200)),
    "audit:export": Access(get=only(["radmann"], 200)),
}


def _leader_notification(personas: dict[str, Persona]) -> dict[str, object]:
    user = personas["leder"].user
    assert user is not None
    return {"notification_id": notification_create(recipient=user, subject="Test").pk}


# --- Object level: another person's notification is 404 to everyone else, the rådmann
# included (he reads the log, not other people's inboxes).
OBJECT_ACCESS: dict[str, Access] = {
    "notifications:read [another person's notification]": Access(
        post={**members(404), "leder": 302}, kwargs=_leader_notification
    ),
}

NO_OBJECT_CASE: dict[str, str] = {
    "password_reset_confirm": "a link with a token, not an object of a unit or person",
}
