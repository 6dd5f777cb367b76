"""The shell: the role-aware start page, the health check and the 400 page."""

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.http import require_GET

from accounts.selectors import accounts_for_responder, leader_panel_rows
from approvals.selectors import requests_awaiting_decision, requests_of
from moskenes_social.notifications.selectors import notifications_for
from moskenes_social.people.auth import request_user
from moskenes_social.people.roles import Role, user_roles


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Start page: one panel per role the user has."""
    user = request_user(request)
    roles = user_roles(user)
    return render(
        request,
        "home.html",
        {
            "roles": sorted(roles, key=list(Role).index),
            "has_role": {role.name: role in roles for role in Role},
            # Answering for an account needs no role: without one, the page says what the
            # user is responsible for instead of "no role".
            "responsible_count": 0 if roles else accounts_for_responder(user=user).count(),
            "recent_notifications": notifications_for(user=user).filter(read_at__isnull=True)[:5],
            "unit_accounts": leader_panel_rows(user=user) if Role.LEADER in roles else [],
            "my_requests": (
                requests_of(user=user)[:5] if Role.COMMUNICATION_STAFF in roles else []
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


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 400 page (``handler400``), rendered without the request: a request refused before
    the middleware ran (a host the site does not serve) has no user, which the layout's
    context processors need."""
    return HttpResponseBadRequest(loader.render_to_string("400.html"))
