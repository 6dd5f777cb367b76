from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from moskenes_social.people.auth import request_user

from .models import Notification
from .selectors import notifications_for
from .services import notification_mark_read, notifications_mark_all_read


@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(notifications_for(user=request_user(request)), 25).get_page(
        request.GET.get("side")
    )
    return render(request, "notifications/list.html", {"page": page})


@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    # Another user's notification is not found, not forbidden: its existence is private.
    notification = get_object_or_404(Notification, id=notification_id, recipient=request.user)
    notification_mark_read(notification=notification)
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:list")


@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = notifications_mark_all_read(user=request_user(request))
    messages.success(request, _("%(count)d notifications marked as read.") % {"count": count})
    return redirect("notifications:list")
