"""What the load generator visits, and logged-in sessions for it (no password involved)."""

from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db.models import Count, Q
from django.urls import reverse

from accounts.models import ANSWERING_ROLES, Account, AccountStatus
from moskenes_social.people.models import User
from moskenes_social.people.roles import Role

SESSION_BACKEND = "django.contrib.auth.backends.ModelBackend"


def session_create(*, user: User) -> str:
    """A session logged in as ``user``, as ``django.contrib.auth.login`` would store it."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = SESSION_BACKEND
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return str(store.session_key)


def _with_role(role: Role) -> User:
    user = User.objects.filter(groups__name=role, is_active=True).order_by("id").first()
    if user is None:
        raise LookupError(f"no active user with the role {role}")
    return user


def bench_targets() -> dict[str, Any]:
    """The pages to measure, each with the session to send (None: anonymous).

    The rådmann sees every list; the account page is the active account with the longest
    responsibility history; the leader is that account's unit's leader.
    """
    radmann = _with_role(Role.CHIEF_EXECUTIVE)
    account = (
        Account.objects.filter(status=AccountStatus.ACTIVE)
        .annotate(n=Count("responsibilities", filter=Q(responsibilities__ended_at__isnull=False)))
        .order_by("-n", "id")
        .select_related("unit")
        .first()
    )
    if account is None:
        raise LookupError("no active account")
    leader = account.unit.leaders.filter(is_active=True).order_by("id").first() or _with_role(
        Role.LEADER
    )
    # The responder with the most accounts to answer for: the fullest inbox.
    responder = (
        User.objects.filter(is_active=True)
        .annotate(
            n=Count(
                "account_responsibilities",
                filter=Q(
                    account_responsibilities__ended_at__isnull=True,
                    account_responsibilities__role__in=ANSWERING_ROLES,
                ),
            )
        )
        .order_by("-n", "id")
        .first()
    )
    assert responder is not None  # noqa: S101 - the account above has responders
    radmann_session = session_create(user=radmann)
    leader_session = session_create(user=leader)
    pages: list[dict[str, Any]] = [
        {"name": "reference", "path": "/bench/referanse/", "session": radmann_session},
        {"name": "account_list", "path": reverse("accounts:list"), "session": radmann_session},
        {
            "name": "account_page",
            "path": reverse("accounts:detail", kwargs={"account_id": account.pk}),
            "session": radmann_session,
        },
        {"name": "request_queue", "path": reverse("approvals:queue"), "session": radmann_session},
        {"name": "register_html", "path": reverse("accounts:register"), "session": None},
        {"name": "register_json", "path": reverse("accounts:register_json"), "session": None},
        {"name": "leader_start", "path": reverse("home"), "session": leader_session},
        {
            "name": "responder_inbox",
            "path": reverse("posts:inbox"),
            "session": session_create(user=responder),
        },
    ]
    return {
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "users": {
            "radmann": radmann.username,
            "leader": leader.username,
            "responder": responder.username,
        },
        "account_id": account.pk,
        "pages": pages,
    }
