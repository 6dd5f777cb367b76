"""The reference pages of ``make bench``.

``reference``: the base layout, a constant body, one trivial query; every measured page
is reported as a ratio to it, served by the same server in the same run.
``webhook_reference``: what the Facebook webhook does before any work of its own (read the
body within the size limit, verify the signature) and a 200; webhook ingestion is reported
as a ratio to it. Routed only by ``bench.urls`` (``settings.bench``).
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from accounts.posts.ingest import BodyTooLarge, _read_body, _signature_valid


@require_GET
def reference(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        row = cursor.fetchone()
    return render(request, "bench/reference.html", {"value": row[0] if row else 0})


@csrf_exempt
@login_not_required
@require_POST
def webhook_reference(request: HttpRequest) -> JsonResponse:
    try:
        body = _read_body(request)
    except BodyTooLarge:
        return JsonResponse({"error": "too large"}, status=413)
    signature = request.headers.get("X-Hub-Signature-256", "")
    if not _signature_valid(body, signature, settings.FACEBOOK_APP_SECRET):
        return JsonResponse({"error": "signature"}, status=403)
    return JsonResponse({"created": 0})
