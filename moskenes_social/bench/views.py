"""The reference page of ``make bench``: the base layout, a constant body, one trivial query.

Every measured page is reported as a ratio to this one, served by the same server in the
same run. Routed only by ``moskenes_social.bench.urls`` (``settings.bench``).
"""

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def reference(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        row = cursor.fetchone()
    return render(request, "bench/reference.html", {"value": row[0] if row else 0})
