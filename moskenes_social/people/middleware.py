"""Sessions that end after an idle time, and a limit on password-reset e-mails."""

import hashlib
import logging
from collections.abc import Callable
from typing import Any

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from .models import User

logger = logging.getLogger(__name__)

# When the session last moved its end on (seconds since the epoch).
ACTIVE_AT_KEY = "people_active_at"
# The password-reset counters count the requests of one hour from the first.
RESET_WINDOW_SECONDS = 3600


def session_active_at_stamp(sender: type[User], request: HttpRequest, **kwargs: object) -> None:
    """``user_logged_in``: a new session starts counting its idle time now, in the save
    that login makes anyway (a test's ``force_login`` too)."""
    request.session[ACTIVE_AT_KEY] = int(timezone.now().timestamp())


def session_refresh_seconds() -> int:
    """How often a session in use is written to move its end on: every five minutes, or a
    tenth of the idle time if that is shorter."""
    return min(300, settings.SESSION_COOKIE_AGE // 10)


class SessionIdleMiddleware:
    """A logged-in session ends ``SESSION_COOKIE_AGE`` seconds after its last request.

    Django sets a session's end when it saves it. ``SESSION_SAVE_EVERY_REQUEST`` would
    save it on every request: a write on every page, whose query counts the list pages
    pin. This saves it when it was last saved more than
    ``session_refresh_seconds()`` ago, so a session ends between that much before the
    idle time and the idle time after the last request; the cookie's age moves with it.
    Only a session the request has read is looked at: a public page that never asked
    who is logged in spends no query on it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = request.session
        if session.accessed and SESSION_KEY in session:
            now = int(timezone.now().timestamp())
            active_at = session.get(ACTIVE_AT_KEY)
            if (
                session.modified
                or not isinstance(active_at, int)
                or now - active_at >= session_refresh_seconds()
            ):
                session[ACTIVE_AT_KEY] = now
        return response


def _counted(key: str) -> int:
    """Count one request under ``key`` in a window that the first one opened."""
    cache.add(key, 0, timeout=RESET_WINDOW_SECONDS)
    try:
        count: int = cache.incr(key)
    except ValueError:
        # The window closed between the two calls.
        cache.set(key, 1, timeout=RESET_WINDOW_SECONDS)
        count = 1
    return count


def password_reset_allowed(request: HttpRequest) -> bool:
    """Count a password-reset request from its client address and for the e-mail address
    typed, and say whether both are within their hourly limits. The e-mail address is
    counted as a hash, so the cache holds no addresses."""
    address = get_client_ip_address(request) or "unknown"
    within = (
        _counted(f"people:password-reset:address:{address}")
        <= settings.PASSWORD_RESET_PER_ADDRESS_PER_HOUR
    )
    email = request.POST.get("email", "").strip().lower()
    if email:
        digest = hashlib.sha256(email.encode()).hexdigest()
        within = (
            _counted(f"people:password-reset:email:{digest}")
            <= settings.PASSWORD_RESET_PER_EMAIL_PER_HOUR
        ) and within
    return within


class PasswordResetLimitMiddleware:
    """Past either limit, a password-reset request is answered as every request is
    ("if the address has a user, a link is on its way") and sends nothing, so neither a
    flood of e-mails to one person nor the answer tells which addresses have a user.

    Django's ``PasswordResetView`` is routed as it is, so the limit is checked before
    the view, after the CSRF check (a forged request is refused, not counted).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        match = request.resolver_match
        if request.method != "POST" or match is None or match.view_name != "password_reset":
            return None
        if password_reset_allowed(request):
            return None
        logger.warning("Password-reset limit reached; nothing sent")
        return redirect("password_reset_done")
