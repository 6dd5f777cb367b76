from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .auth import request_user
from .permissions import can_lift_login_locks
from .services import login_lock_lift


@require_GET
def login_lock_list(request: HttpRequest) -> HttpResponse:
    if not can_lift_login_locks(request.user):
        raise PermissionDenied(_("Only the rådmann can lift login locks."))
    locks = AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    ).order_by("-attempt_time")
    return render(request, "people/login_locks.html", {"locks": locks})


@require_POST
def login_lock_lift_view(request: HttpRequest, attempt_id: int) -> HttpResponse:
    if not can_lift_login_locks(request.user):
        raise PermissionDenied(_("Only the rådmann can lift login locks."))
    attempt = get_object_or_404(AccessAttempt, pk=attempt_id)
    login_lock_lift(actor=request_user(request), attempt=attempt)
    messages.success(
        request, _("The lock on %(username)s is lifted.") % {"username": attempt.username}
    )
    return redirect("people:login_locks")
