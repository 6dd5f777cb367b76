"""The shell: the role-aware start page and the health check."""

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from approvals.selectors import requests_awaiting_decision, requests_of
from moskenes_social.notifications.selectors import notifications_for
from moskenes_social.people.roles import Role, user_roles


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Start page: one panel per role the user has; later features fill the panels."""
    roles = user_roles(request.user)
    recent = notifications_for(user=request.user).filter(read_at__isnull=True)[:5]  # type: ignore[arg-type]
    return render(
        request,
        "home.html",
        {
            "roles": sorted(roles, key=list(Role).index),
            "has_role": {role.name: role in roles for role in Role},
            "recent_notifications": recent,
            "my_requests": (
                requests_of(user=request.user)[:5]  # type: ignore[misc]
                if Role.COMMUNICATION_STAFF in roles
                else []
            ),
            "awaiting_decision": (
                requests_awaiting_decision()[:5] if Role.CHIEF_EXECUTIVE in roles else []
            ),
        },
    )


@require_GET
@login_not_required
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for docker-compose and load balancers: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
