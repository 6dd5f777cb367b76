from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .labels import event_basis, event_label
from .permissions import can_read_log
from .selectors import events_recent


@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    if not can_read_log(request.user):
        raise PermissionDenied
    page = Paginator(events_recent(), 50).get_page(request.GET.get("side"))
    rows = [(event, event_label(event), event_basis(event)) for event in page.object_list]
    return render(request, "audit/event_list.html", {"page": page, "rows": rows})
