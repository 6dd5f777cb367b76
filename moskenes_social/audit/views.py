from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from moskenes_social.pagination import CappedPaginator

from .export import events_csv_lines
from .forms import EventFilterForm
from .labels import event_basis, event_label
from .models import Event
from .permissions import can_read_log
from .selectors import EventFilter, events_filtered
from .targets import target_url

PAGE_SIZE = 50


def _filtered(request: HttpRequest) -> tuple[EventFilterForm, bool, QuerySet[Event]]:
    """The filter form, whether it narrows anything, and the events it lets through (all,
    while it has errors: the page shows them beside the whole log)."""
    form = EventFilterForm(request.GET or None)
    where = EventFilter()
    if form.is_valid():
        data = form.cleaned_data
        where = EventFilter(
            since=data["fra"],
            until=data["til"],
            person=data["person"],
            action=data["handling"],
            account=data["konto"],
            reason=data["sok"],
        )
    return form, where != EventFilter(), events_filtered(where=where)


@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    if not can_read_log(request.user):
        raise PermissionDenied
    form, filtered, events = _filtered(request)
    page = CappedPaginator(events, PAGE_SIZE).get_page(request.GET.get("side"))
    rows = [
        (event, event_label(event), event_basis(event), target_url(event))
        for event in page.object_list
    ]
    query = request.GET.copy()
    query.pop("side", None)
    return render(
        request,
        "audit/event_list.html",
        {
            "page": page,
            "rows": rows,
            "form": form,
            "filtered": filtered,
            "filter_query": query.urlencode(),
        },
    )


@require_GET
def event_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """Every event the filter lets through, as CSV (no page limit)."""
    if not can_read_log(request.user):
        raise PermissionDenied
    form, _narrowed, events = _filtered(request)
    if form.is_bound and not form.is_valid():
        # Not the whole log for a filter that was mistyped: the page shows what is wrong.
        return event_list(request)
    response = StreamingHttpResponse(events_csv_lines(events), content_type="text/csv")
    name = f"logg-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
