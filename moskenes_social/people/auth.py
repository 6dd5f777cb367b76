from django.http import HttpRequest

from .models import User


def request_user(request: HttpRequest) -> User:
    """The logged-in user of a private view (LoginRequiredMiddleware guarantees one)."""
    user = request.user
    if not isinstance(user, User):
        raise TypeError("request_user() is for views that require login")
    return user
