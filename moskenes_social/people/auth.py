from typing import Any

from django.http import HttpRequest

from .models import User

# The width of django-axes' username columns (AccessAttempt, AccessLog, AccessFailureLog).
AXES_USERNAME_MAX_LENGTH = 255


def request_user(request: HttpRequest) -> User:
    """The logged-in user of a private view (LoginRequiredMiddleware guarantees one)."""
    user = request.user
    if not isinstance(user, User):
        raise TypeError("request_user() is for views that require login")
    return user


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The username django-axes counts a login under (``AXES_USERNAME_CALLABLE``): what
    was typed, as axes reads it, cut to its columns' width. A longer name can belong to no
    user (ours have at most 150 characters), so the login fails with the form's usual
    message, counted under the cut name, instead of a 500 when axes stores it."""
    if credentials:
        username = credentials.get(User.USERNAME_FIELD)
    else:
        username = request.POST.get(User.USERNAME_FIELD)
    if not isinstance(username, str):
        return None
    return username[:AXES_USERNAME_MAX_LENGTH]
