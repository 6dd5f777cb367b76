"""A small client of Meta's Graph API: the calls the outbox makes, and Meta's errors.

Meta says to branch on the error's ``code`` and ``error_subcode``, not on the HTTP status
(https://developers.facebook.com/docs/graph-api/guides/error-handling), and reports how
close a Page token is to its rate limit in ``X-Business-Use-Case-Usage``
(https://developers.facebook.com/docs/graph-api/overview/rate-limiting). The address and
version come from ``META_GRAPH_URL`` so that the project's stand-in can take Meta's place.
"""

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

import httpx
from django.conf import settings

logger = logging.getLogger(__name__)

# Codes Meta documents for throttling: 4 (app), 17 (user), 32 (page), 613 (custom), and
# the business use cases from 80000 (80001 Pages, 80002 Instagram, ...).
_THROTTLED = {4, 17, 32, 613}
_THROTTLED_BUSINESS = range(80000, 80015)
_TRANSIENT = {1, 2}
_GONE = (100, 33)
# Listings are read a page of ``LIST_LIMIT`` at a time, following Meta's cursors, at most
# ``LIST_PAGES`` pages: a reconciliation looks through 5,000 replies for its own.
LIST_LIMIT = 100
LIST_PAGES = 50


class ErrorKind(StrEnum):
    """What the sender does with an error."""

    TOKEN = "token"  # noqa: S105 - 190: the token is invalid or expired; Page disconnected
    THROTTLED = "throttled"  # wait for the time the usage header names
    TRANSIENT = "transient"  # 1, 2, timeouts, no answer: retry with backoff
    GONE = "gone"  # 100/33: the object no longer exists
    PERMISSION = "permission"  # 10, 200-299: the Page or app lacks a permission
    OTHER = "other"


@dataclass(frozen=True)
class Usage:
    """One object's entry of ``X-Business-Use-Case-Usage``: percentages of the limit used,
    and the minutes until calls are allowed again (0 when not throttled)."""

    percent: int
    regain_minutes: int


def usage_parse(header: str, object_id: str) -> Usage | None:
    """The usage of ``object_id`` (or the highest of any, if it is not named); None for a
    missing or malformed header. Never raises: the header comes from outside."""
    if not header:
        return None
    try:
        data = json.loads(header)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    entries = data.get(object_id)
    if entries is None:
        entries = [entry for value in data.values() if isinstance(value, list) for entry in value]
    if not isinstance(entries, list):
        return None
    percent = regain = 0
    found = False
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        for key in ("call_count", "total_cputime", "total_time"):
            value = entry.get(key)
            if isinstance(value, int | float) and not isinstance(value, bool):
                percent = max(percent, min(int(value), 10_000))
                found = True
        minutes = entry.get("estimated_time_to_regain_access")
        if isinstance(minutes, int | float) and not isinstance(minutes, bool):
            regain = max(regain, min(int(minutes), 24 * 60))
            found = True
    return Usage(percent=percent, regain_minutes=regain) if found else None


class GraphError(Exception):
    """A call the Graph API refused or that got no usable answer."""

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        subcode: int | None = None,
        http_status: int | None = None,
        usage: Usage | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.subcode = subcode
        self.http_status = http_status
        self.usage = usage

    @property
    def kind(self) -> ErrorKind:
        code = self.code
        if code is None:
            # No error body: a timeout, a refused connection, a gateway's 5xx.
            if self.http_status is None or self.http_status >= 500:
                return ErrorKind.TRANSIENT
            return ErrorKind.OTHER
        if code == 190:
            return ErrorKind.TOKEN
        if code in _THROTTLED or code in _THROTTLED_BUSINESS:
            return ErrorKind.THROTTLED
        if code in _TRANSIENT:
            return ErrorKind.TRANSIENT
        if (code, self.subcode) == _GONE:
            return ErrorKind.GONE
        if code == 10 or 200 <= code <= 299:
            return ErrorKind.PERMISSION
        return ErrorKind.OTHER


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@cache
def _client(base_url: str, timeout: int) -> httpx.Client:
    # One pooled client per process and address: Celery workers reuse its connections.
    return httpx.Client(base_url=base_url + "/", timeout=timeout, follow_redirects=False)


@dataclass(frozen=True)
class GraphResult:
    data: dict[str, Any]
    usage: Usage | None


def entries(result: GraphResult) -> list[dict[str, Any]]:
    """The objects of one page of a listing; never raises on what came from outside."""
    data = result.data.get("data")
    return [entry for entry in data if isinstance(entry, dict)] if isinstance(data, list) else []


class Graph:
    """Calls made with one access token; ``object_id`` is the Page (or Instagram account)
    whose usage header entry the sender paces itself on."""

    def __init__(self, *, token: str, object_id: str, instagram: bool = False) -> None:
        self._token = token
        self._object_id = object_id
        # Instagram Login's host (graph.instagram.com): the same paths and errors.
        self._instagram = instagram

    @property
    def _base(self) -> str:
        return settings.INSTAGRAM_GRAPH_URL if self._instagram else settings.META_GRAPH_URL

    def _call(self, method: str, path: str, params: dict[str, str] | None = None) -> GraphResult:
        client = _client(self._base, settings.META_GRAPH_TIMEOUT)
        headers = {"Authorization": f"Bearer {self._token}"}
        try:
            if method == "POST":
                response = client.post(path, data=params or {}, headers=headers)
            else:
                response = client.request(method, path, params=params, headers=headers)
        except httpx.HTTPError as exc:
            raise GraphError(f"{type(exc).__name__}: {exc}") from exc
        usage = usage_parse(response.headers.get("X-Business-Use-Case-Usage", ""), self._object_id)
        try:
            body = response.json()
        except (ValueError, RecursionError):
            body = None
        if response.is_success and isinstance(body, dict) and "error" not in body:
            return GraphResult(data=body, usage=usage)
        error = body.get("error") if isinstance(body, dict) else None
        if not isinstance(error, dict):
            raise GraphError(
                f"HTTP {response.status_code} without an error body",
                http_status=response.status_code,
                usage=usage,
            )
        message = error.get("message")
        raise GraphError(
            message[:500] if isinstance(message, str) else "",
            code=_int_or_none(error.get("code")),
            subcode=_int_or_none(error.get("error_subcode")),
            http_status=response.status_code,
            usage=usage,
        )

    def _pages(self, path: str, params: dict[str, str]) -> Iterator[GraphResult]:
        """A listing page by page (https://developers.facebook.com/docs/graph-api/results):
        the next page is asked for with ``paging.cursors.after`` while ``paging.next`` is
        given, at most ``LIST_PAGES`` pages."""
        params = {**params, "limit": str(LIST_LIMIT)}
        for _page in range(LIST_PAGES):
            result = self._call("GET", path, params)
            yield result
            paging = result.data.get("paging")
            if not isinstance(paging, dict) or not paging.get("next"):
                return
            cursors = paging.get("cursors")
            after = cursors.get("after") if isinstance(cursors, dict) else None
            if not isinstance(after, str) or not after:
                return
            params = {**params, "after": after}

    def page(self, page_id: str) -> GraphResult:
        return self._call("GET", page_id, {"fields": "id,name"})

    def subscribe(self, page_id: str) -> GraphResult:
        return self._call("POST", f"{page_id}/subscribed_apps", {"subscribed_fields": "feed"})

    def reply(self, comment_id: str, message: str) -> GraphResult:
        return self._call("POST", f"{comment_id}/comments", {"message": message})

    def replies(self, comment_id: str) -> Iterator[GraphResult]:
        """The replies to a comment, newest first."""
        return self._pages(
            f"{comment_id}/comments",
            {"fields": "id,message,from", "order": "reverse_chronological"},
        )

    def hide(self, comment_id: str, *, hidden: bool) -> GraphResult:
        return self._call("POST", comment_id, {"is_hidden": "true" if hidden else "false"})

    def delete(self, object_id: str) -> GraphResult:
        return self._call("DELETE", object_id)

    def assigned_users(self, page_id: str, business_id: str) -> Iterator[GraphResult]:
        return self._pages(
            f"{page_id}/assigned_users", {"business": business_id, "fields": "id,name,tasks"}
        )

    def tasks_set(self, page_id: str, user_id: str, tasks: list[str]) -> GraphResult:
        """Give a business user exactly ``tasks`` on the Page (none: take the Page away)."""
        if not tasks:
            return self._call("DELETE", f"{page_id}/assigned_users", {"user": user_id})
        return self._call(
            "POST", f"{page_id}/assigned_users", {"user": user_id, "tasks": json.dumps(tasks)}
        )

    # Instagram (professional accounts, Instagram Login).

    def _unversioned(self, path: str) -> str:
        """An absolute URL beside the version (the token endpoints have none)."""
        return f"{self._base.rsplit('/', 1)[0]}/{path}"

    def ig_me(self) -> GraphResult:
        return self._call("GET", "me", {"fields": "user_id,username"})

    def ig_exchange(self, app_secret: str) -> GraphResult:
        """A short-lived token (1 hour) for a long-lived one (60 days): ``access_token``,
        ``expires_in`` (seconds)."""
        return self._call(
            "GET",
            self._unversioned("access_token"),
            {
                "grant_type": "ig_exchange_token",
                "client_secret": app_secret,
                "access_token": self._token,
            },
        )

    def ig_refresh(self) -> GraphResult:
        """A long-lived token at least a day old for a new one of 60 days."""
        return self._call(
            "GET",
            self._unversioned("refresh_access_token"),
            {"grant_type": "ig_refresh_token", "access_token": self._token},
        )

    def ig_subscribe(self) -> GraphResult:
        return self._call("POST", "me/subscribed_apps", {"subscribed_fields": "comments"})

    def ig_reply(self, comment_id: str, message: str) -> GraphResult:
        return self._call("POST", f"{comment_id}/replies", {"message": message})

    def ig_replies(self, comment_id: str) -> Iterator[GraphResult]:
        return self._pages(f"{comment_id}/replies", {"fields": "id,text,from,username"})

    def ig_hide(self, comment_id: str, *, hidden: bool) -> GraphResult:
        return self._call("POST", comment_id, {"hide": "true" if hidden else "false"})

    def ig_media(self, user_id: str) -> Iterator[GraphResult]:
        """The account's posts, newest first, with whether comments are on."""
        return self._pages(
            f"{user_id}/media",
            {"fields": "id,caption,timestamp,comments_count,is_comment_enabled"},
        )

    def ig_comments_enable(self, media_id: str, *, enabled: bool) -> GraphResult:
        return self._call("POST", media_id, {"comment_enabled": "true" if enabled else "false"})

    def feed(self, page_id: str) -> Iterator[GraphResult]:
        """The Page's posts, newest first."""
        return self._pages(f"{page_id}/feed", {"fields": "id,message,from"})

    def publish(self, page_id: str, message: str) -> GraphResult:
        return self._call("POST", f"{page_id}/feed", {"message": message})
