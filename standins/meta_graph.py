"""A stand-in for Meta's Graph API (Facebook Pages): a real HTTP server on loopback.

It answers the calls of ``accounts.posts.graph`` the way Meta documents them:

- comments, replies, hiding and deleting:
  https://developers.facebook.com/docs/graph-api/reference/comment
- error bodies (``{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}``):
  https://developers.facebook.com/docs/graph-api/guides/error-handling
- the ``X-Business-Use-Case-Usage`` header and code 32 for a Page over its limit:
  https://developers.facebook.com/docs/graph-api/overview/rate-limiting
- signed feed webhooks (``X-Hub-Signature-256``):
  https://developers.facebook.com/docs/graph-api/webhooks/getting-started

HTTP statuses of errors (clients are to branch on code and subcode, not on the status):
400 for 190 (token), 100 (parameter, object gone), 32 (throttled) and everything else;
403 for 10 and 200-299 (permissions). Faults added on demand use the status they name.

Faults come one-off (``fault_add``: the next ``times`` matching calls) or by rate
(``fault_rate_add``: a share of the matching calls, drawn from a seeded generator, with
Meta's documented bodies for throttling and transient errors). A fault with no code and a
success status (``code=None, http_status=200, delay=...``) is only a late answer. A
throttling answer (codes 4, 17, 32, 613, 80000-80014, from the rate window or a fault)
marks its Page throttled for the minutes it names; every later call for that Page before
then is counted as sent while throttled (``state()``), which a client that waits as told
never does. The answers themselves stay as the faults and the rate window decide.

Control calls live outside the version prefix under ``/_standin/`` (see ``CONTROL``).
``reset`` forgets everything except the webhook configuration.

Run it: ``python -m standins.meta_graph --port 8765 --page 111:Moskenes:TOKEN``.
"""

import argparse
import base64
import hashlib
import hmac
import json
import logging
import math
import queue
import random
import re
import secrets
import signal
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self, cast

logger = logging.getLogger(__name__)

JSON = dict[str, Any]

CONTROL = {
    "GET /_standin/": "this list",
    "GET /_standin/state": (
        "pages, feed posts, comments, faults pending, request count, calls sent while throttled"
    ),
    "POST /_standin/reset": "forget all but the webhook configuration",
    "POST /_standin/pages": '{"id", "name", "token"}',
    "POST /_standin/comments": (
        '{"page_id", "message", "from_id", "from_name", "parent_id"?, "comment_id"?, "webhook"?}'
    ),
    "POST /_standin/assigned_users": '{"page_id", "user_id", "name", "tasks": [...]}',
    "POST /_standin/faults": (
        '{"method", "path_suffix", "code", "subcode", "message", "probability"?, ...}'
    ),
    "POST /_standin/webhook": '{"url", "app_secret"}',
    "POST /_standin/instagram_accounts": '{"id", "username", "token"} (a short-lived token)',
    "POST /_standin/instagram_media": '{"user_id", "caption", "comments_enabled"?}',
    "POST /_standin/instagram_comments": (
        '{"user_id", "text", "from_id", "from_username", "parent_id"?, "comment_id"?, "webhook"?}'
    ),
    "POST /_standin/instagram_webhook": '{"url", "app_secret"}',
}

_VERSIONED = re.compile(r"^/(v\d+\.\d+)(/.*)?$")
_JSON_TYPE = "application/json; charset=UTF-8"
_WEBHOOK_RETRIES = 3
# Instagram Login's long-lived tokens: 60 days.
_INSTAGRAM_TOKEN_SECONDS = 60 * 24 * 3600
# Meta's throttling codes: app 4, user 17, Page 32, custom 613, and the business use cases
# from 80000 (https://developers.facebook.com/docs/graph-api/overview/rate-limiting).
_THROTTLING = frozenset({4, 17, 32, 613, *range(80000, 80015)})


class _Refusal(Exception):
    """A Graph error, raised while handling a call and turned into Meta's error body."""

    def __init__(
        self,
        code: int,
        message: str,
        *,
        subcode: int | None = None,
        kind: str = "OAuthException",
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.code, self.message, self.subcode, self.kind = code, message, subcode, kind
        self.status = status or (403 if code == 10 or 200 <= code <= 299 else 400)


def _gone(object_id: str, method: str) -> _Refusal:
    return _Refusal(
        100,
        f"Unsupported {method.lower()} request. Object with ID '{object_id}' does not exist, "
        "cannot be loaded due to missing permissions, or does not support this operation. "
        "Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api",
        subcode=33,
        kind="GraphMethodException",
    )


def _iso(unix: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime(unix))


@dataclass
class _Answer:
    status: int
    body: bytes
    content_type: str = _JSON_TYPE
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False


def _json_answer(status: int, data: object, headers: dict[str, str] | None = None) -> _Answer:
    body = json.dumps(data, ensure_ascii=False).encode()
    return _Answer(status, body, headers=dict(headers or {}))


def _error_answer(refusal: _Refusal, headers: dict[str, str]) -> _Answer:
    error: JSON = {"message": refusal.message, "type": refusal.kind, "code": refusal.code}
    if refusal.subcode is not None:
        error["error_subcode"] = refusal.subcode
    error["fbtrace_id"] = secrets.token_urlsafe(15)
    return _json_answer(refusal.status, {"error": error}, headers)


@dataclass
class _Fault:
    method: str = "POST"  # "*" matches every method
    path_suffix: str = "/comments"
    code: int | None = 2
    subcode: int | None = None
    message: str = "An unexpected error has occurred. Please retry your request later."
    http_status: int = 400
    times: int = 1
    after_effect: bool = False
    regain_minutes: int = 0
    delay: float = 0.0
    drop: bool = False
    type: str = "OAuthException"
    # Above 0: the fault answers this share of the matching calls and stays until reset
    # (``times`` is not counted); see ``GraphStandIn._fault_take``.
    probability: float = 0.0
    # How many calls it has answered so far.
    fired: int = 0

    def __post_init__(self) -> None:
        if not 0.0 <= self.probability <= 1.0:
            raise ValueError(f"probability {self.probability} is not between 0 and 1")

    def matches(self, method: str, path: str) -> bool:
        return self.method in ("*", method) and path.endswith(self.path_suffix)


# The errors ``fault_rate_add`` answers with, as Meta documents them
# (https://developers.facebook.com/docs/graph-api/guides/error-handling and
# .../overview/rate-limiting): a Page over its limit (32), a Pages business use case over
# its limit (80001), both 400 with the usage header naming the minutes to wait; a
# temporary problem on Meta's side (2) and an unknown error (1), to be retried, as 500.
RATE_FAULTS: dict[str, JSON] = {
    "page_limit": {"code": 32, "message": "(#32) Page request limit reached", "http_status": 400},
    "business_limit": {
        "code": 80001,
        "message": (
            "(#80001) There have been too many calls to this Page account. Wait a bit and try "
            "again. For more info, please refer to "
            "https://developers.facebook.com/docs/graph-api/overview/rate-limiting."
        ),
        "http_status": 400,
    },
    "service": {
        "code": 2,
        "message": "An unexpected error has occurred. Please retry your request later.",
        "http_status": 500,
    },
    "unknown": {"code": 1, "message": "An unknown error occurred", "http_status": 500},
}


def _flag(params: dict[str, str], name: str) -> bool:
    value = params.get(name, "").lower()
    if value not in ("true", "false", "1", "0"):
        raise _Refusal(100, f"(#100) Param {name} must be a boolean")
    return value in ("true", "1")


def _tasks(value: str) -> list[str]:
    try:
        parsed = json.loads(value)
    except ValueError:
        parsed = value.split(",")
    if not isinstance(parsed, list) or not all(isinstance(task, str) for task in parsed):
        raise _Refusal(100, "(#100) Param tasks must be an array of task names")
    return [task.strip().upper() for task in parsed if task.strip()]


# Cursor paging (https://developers.facebook.com/docs/graph-api/results): ``limit`` items a
# page (25 unless asked, at most 100), ``after`` the cursor of the last item seen; ``next``
# is given while there are more.
_LIMIT_DEFAULT = 25
_LIMIT_MAX = 100


def _cursor(item: JSON) -> str:
    return base64.urlsafe_b64encode(str(item["id"]).encode()).decode().rstrip("=")


def _paged(items: list[JSON], params: dict[str, str]) -> JSON:
    """One page of ``items`` as the request's ``limit`` and ``after`` ask."""
    try:
        limit = min(max(int(params.get("limit", _LIMIT_DEFAULT)), 1), _LIMIT_MAX)
    except ValueError:
        raise _Refusal(100, "(#100) Param limit must be an integer") from None
    start = 0
    after = params.get("after", "")
    if after:
        cursors = [_cursor(item) for item in items]
        if after not in cursors:
            raise _Refusal(100, "(#100) The parameter after is not a valid cursor")
        start = cursors.index(after) + 1
    data = items[start : start + limit]
    paging: JSON = {
        "cursors": {
            "before": _cursor(data[0]) if data else "",
            "after": _cursor(data[-1]) if data else "",
        }
    }
    if start + limit < len(items):
        paging["next"] = "?" + urllib.parse.urlencode({**params, "after": _cursor(data[-1])})
    return {"data": data, "paging": paging}


class GraphStandIn:
    """The server and its in-memory state. Every state change happens under ``_lock``."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        version: str = "v25.0",
        calls_per_minute: int = 600,
        window_seconds: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        seed: int | None = None,
    ) -> None:
        self.host, self.port, self.version = host, port, version
        self.calls_per_minute, self.window_seconds = calls_per_minute, window_seconds
        # The clock of the rate window and of throttled Pages; a test passes its own to end
        # a window without waiting, a benchmark its virtual time.
        self._clock = clock
        # Draws for the faults added by rate: the same seed, the same calls refused.
        self._random = random.Random(seed)  # noqa: S311 - fault injection, not secrets
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._webhook: tuple[str, str] | None = None
        # Instagram's webhooks go to their own receiver, signed with the Instagram app's
        # secret, which is also the ``client_secret`` of the token exchange.
        self._instagram_webhook: tuple[str, str] | None = None
        # Instagram tokens: when each expires and when it was issued (wall-clock seconds,
        # as the app reads them), and which are the short-lived ones to exchange.
        self._token_expiry: dict[str, float] = {}
        self._token_issued: dict[str, float] = {}
        self._short_tokens: set[str] = set()
        self._webhooks_pending = 0
        self._webhook_queue_: queue.Queue[tuple[str, str, bytes] | None] = queue.Queue()
        self._webhook_worker: threading.Thread | None = None
        self._stopping = threading.Event()
        self._pages: dict[str, JSON] = {}
        self._tokens: dict[str, str] = {}
        self._posts: dict[str, JSON] = {}
        self._comments: dict[str, JSON] = {}
        self._faults: list[_Fault] = []
        self._requests: list[JSON] = []
        # From the clock: ids stay unique across restarts (`make run` keeps its database).
        self._next_id = int(time.time() * 1000)

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> Self:
        self._stopping.clear()
        server = ThreadingHTTPServer((self.host, self.port), _Handler)
        server.daemon_threads = True
        server.standin = self  # type: ignore[attr-defined]
        self._server, self.port = server, server.server_address[1]
        # A short poll interval: stop() (and each test's teardown) waits for one poll.
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="graph-standin"
        )
        self._thread.daemon = True
        self._thread.start()
        logger.info("Graph stand-in serving at %s", self.url)
        return self

    def stop(self) -> None:
        # The webhook worker gives up its retries and ends before the server goes.
        self._stopping.set()
        if self._webhook_worker is not None:
            self._webhook_queue_.put(None)
            self._webhook_worker.join(timeout=10)
            self._webhook_worker = None
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
            logger.info("Graph stand-in stopped")

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/{self.version}"

    # -- Python-level helpers ------------------------------------------------------------

    def page_add(self, page_id: str, name: str, token: str) -> None:
        with self._lock:
            self._pages[page_id] = {
                "id": page_id,
                "name": name,
                "token": token,
                "subscribed_fields": [],
                "assigned_users": {},
                "window_start": self._clock(),
                "window_calls": 0,
                # The clock's time until which the Page was told to wait, and the calls
                # that came for it before then.
                "throttled_until": None,
                "sent_while_throttled": 0,
            }
            self._tokens[token] = page_id

    def assigned_user_add(self, page_id: str, user_id: str, name: str, tasks: list[str]) -> None:
        with self._lock:
            users = self._pages[page_id]["assigned_users"]
            users[user_id] = {"id": user_id, "name": name, "tasks": list(tasks)}

    def instagram_account_add(
        self, user_id: str, username: str, token: str, *, expires_in: int = 3600
    ) -> None:
        """An Instagram professional account with a short-lived token (an hour) for the
        app to exchange (``GET /access_token``), and one post (media) to comment on."""
        with self._lock:
            self._pages[user_id] = {
                "id": user_id,
                "name": username,
                "username": username,
                "instagram": True,
                "token": token,
                "subscribed_fields": [],
                "assigned_users": {},
                "window_start": self._clock(),
                "window_calls": 0,
                "throttled_until": None,
                "sent_while_throttled": 0,
            }
            self._token_add(user_id, token, expires_in)
            self._short_tokens.add(token)
            self._media_create(user_id, "", comments_enabled=True)

    def instagram_media_add(
        self, user_id: str, caption: str, *, comments_enabled: bool = True
    ) -> JSON:
        """A new post (media) of the account, the latest to comment on."""
        with self._lock:
            if user_id not in self._pages:
                raise KeyError(f"no account {user_id}; instagram_account_add it first")
            return dict(self._media_create(user_id, caption, comments_enabled=comments_enabled))

    def _media_create(self, user_id: str, caption: str, *, comments_enabled: bool) -> JSON:
        media = self._post_create(user_id, caption)
        media.update(instagram=True, comment_enabled=comments_enabled)
        return media

    def instagram_token_expire(self, token: str, *, in_seconds: float = 0) -> None:
        """Let ``token`` expire ``in_seconds`` from now (0: it has expired)."""
        with self._lock:
            self._token_expiry[token] = time.time() + in_seconds

    def instagram_comment_add(
        self,
        user_id: str,
        text: str,
        *,
        from_id: str,
        from_username: str,
        parent_id: str | None = None,
        comment_id: str | None = None,
        webhook: bool = True,
    ) -> JSON:
        """A comment on the account's latest media (or a reply to ``parent_id``)."""
        with self._lock:
            if parent_id is not None:
                media_id = self._comments[parent_id]["post_id"]
            else:
                media = [p for p in self._posts.values() if p["page_id"] == user_id]
                media_id = media[-1]["id"]
            if not self._posts[media_id]["comment_enabled"]:
                # Nobody can comment where comments are off: the lockout at the source.
                raise ValueError(f"comments are turned off on media {media_id}")
            sender = {"id": from_id, "username": from_username}
            comment = self._comment_create(user_id, media_id, parent_id, text, sender, comment_id)
            comment["instagram"] = True
            if webhook:
                self._instagram_webhook_queue(comment)
            return dict(comment)

    def instagram_webhook_configure(self, url: str, app_secret: str) -> None:
        """Where the Instagram webhooks go ("": nowhere), signed with ``app_secret``, which
        the token exchange also asks for."""
        with self._lock:
            self._instagram_webhook = (url, app_secret)

    def comment_add(
        self,
        page_id: str,
        message: str,
        *,
        from_id: str,
        from_name: str,
        comment_id: str | None = None,
        parent_id: str | None = None,
        webhook: bool = True,
    ) -> JSON:
        """A citizen's comment on the Page's latest post (or a reply to ``parent_id``);
        ``webhook=False``: one the app has already (``make run``'s demo comments)."""
        with self._lock:
            if page_id not in self._pages:
                raise KeyError(f"no page {page_id}; page_add it first")
            if parent_id is not None:
                post_id = self._comments[parent_id]["post_id"]
            else:
                posts = [post for post in self._posts.values() if post["page_id"] == page_id]
                post_id = posts[-1]["id"] if posts else self._post_create(page_id, "")["id"]
            sender = {"id": from_id, "name": from_name}
            comment = self._comment_create(page_id, post_id, parent_id, message, sender, comment_id)
            if webhook:
                self._webhook_queue(comment, "add")
            return dict(comment)

    def fault_add(self, **spec: Any) -> None:
        """The next ``times`` matching calls fail as ``spec`` says (see ``_Fault``); with a
        ``probability``, that share of the matching calls until reset."""
        fault = _Fault(**spec)
        with self._lock:
            self._faults.append(fault)

    def fault_rate_add(
        self,
        kind: str,
        probability: float,
        *,
        method: str = "POST",
        path_suffix: str = "/comments",
        regain_minutes: int = 0,
        after_effect: bool = False,
    ) -> None:
        """Answer ``probability`` of the matching calls with Meta's error ``kind`` (one of
        ``RATE_FAULTS``). Faults added by rate share one draw per call, so their shares
        add up: 0.10 throttled and 0.05 transient fail 15% of the calls. ``regain_minutes``
        goes into the usage header (``estimated_time_to_regain_access``) and, for a
        throttling code, is how long the Page counts as throttled."""
        if kind not in RATE_FAULTS:
            raise ValueError(f"unknown fault kind {kind!r}; one of {sorted(RATE_FAULTS)}")
        if probability <= 0:
            raise ValueError("a fault by rate needs a probability above 0")
        self.fault_add(
            method=method,
            path_suffix=path_suffix,
            probability=probability,
            regain_minutes=regain_minutes,
            after_effect=after_effect,
            **RATE_FAULTS[kind],
        )

    def webhook_configure(self, url: str, app_secret: str) -> None:
        with self._lock:
            self._webhook = (url, app_secret)

    def reset(self, *, webhooks: bool = False) -> None:
        """Forget everything but the webhooks' configuration; ``webhooks=True``: that too,
        and the deliveries not yet sent (a test's webhooks never reach the next test)."""
        with self._changed:
            for store in (self._pages, self._tokens, self._posts, self._comments):
                store.clear()
            self._token_expiry.clear()
            self._token_issued.clear()
            self._short_tokens.clear()
            self._faults.clear()
            self._requests.clear()
            if webhooks:
                self._webhook = self._instagram_webhook = None
                while True:
                    try:
                        item = self._webhook_queue_.get_nowait()
                    except queue.Empty:
                        break
                    if item is not None:
                        self._webhooks_pending -= 1
                self._changed.notify_all()

    @property
    def requests(self) -> list[JSON]:
        with self._lock:
            return [dict(request) for request in self._requests]

    def state(self) -> JSON:
        with self._lock:
            pages = {
                page_id: {
                    "id": page_id,
                    "name": page["name"],
                    "token": page["token"],
                    "subscribed_fields": list(page["subscribed_fields"]),
                    "assigned_users": [dict(user) for user in page["assigned_users"].values()],
                    "calls_in_window": page["window_calls"],
                    "throttled_until": page["throttled_until"],
                    "sent_while_throttled": page["sent_while_throttled"],
                    "instagram": page.get("instagram", False),
                    "tokens": {
                        token: self._token_expiry.get(token)
                        for token, owner in self._tokens.items()
                        if owner == page_id
                    },
                }
                for page_id, page in self._pages.items()
            }
            snapshot: JSON = json.loads(
                json.dumps(
                    {
                        "pages": pages,
                        "posts": self._posts,
                        "comments": self._comments,
                        "faults": [asdict(fault) for fault in self._faults],
                        "request_count": len(self._requests),
                        "sent_while_throttled": sum(
                            page["sent_while_throttled"] for page in self._pages.values()
                        ),
                        "webhook": self._webhook[0] if self._webhook else None,
                    }
                )
            )
            return snapshot

    def webhook_flush(self, timeout: float = 5) -> bool:
        """Wait until every queued webhook is delivered (or given up); False on timeout."""
        with self._changed:
            return self._changed.wait_for(lambda: self._webhooks_pending == 0, timeout)

    # -- state changes (callers hold the lock) -------------------------------------------

    def _token_add(self, owner: str, token: str, expires_in: float | None) -> None:
        self._tokens[token] = owner
        self._token_issued[token] = time.time()
        if expires_in is not None:
            self._token_expiry[token] = time.time() + expires_in

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def _post_create(self, page_id: str, message: str) -> JSON:
        post: JSON = {
            "id": f"{page_id}_{self._new_id()}",
            "page_id": page_id,
            "message": message,
            "created_time": int(time.time()),
            "is_pinned": False,
            "deleted": False,
        }
        self._posts[post["id"]] = post
        return post

    def _comment_create(
        self,
        page_id: str,
        post_id: str,
        parent_id: str | None,
        message: str,
        sender: dict[str, str],
        comment_id: str | None = None,
    ) -> JSON:
        comment_id = comment_id or f"{post_id.split('_')[-1]}_{self._new_id()}"
        comment: JSON = {
            "id": comment_id,
            "page_id": page_id,
            "post_id": post_id,
            "parent_id": parent_id,
            "message": message,
            "from": sender,
            "created_time": int(time.time()),
            "is_hidden": False,
            "deleted": False,
        }
        self._comments[comment_id] = comment
        return comment

    # -- Graph calls ---------------------------------------------------------------------

    def _graph(self, method: str, path: str, params: dict[str, str], token: str) -> _Answer:
        match = _VERSIONED.match(path)
        if match is None and path in ("/access_token", "/refresh_access_token"):
            # Instagram Login's token endpoints have no version.
            with self._lock:
                self._requests.append({"method": method, "path": path, "params": dict(params)})
                try:
                    return _json_answer(200, self._instagram_token(path, params, token))
                except _Refusal as refused:
                    return _error_answer(refused, {})
        if match is None:
            refusal = _Refusal(2500, f"Unknown path components: {path}")
            return _error_answer(refusal, {})
        sub = match.group(2) or "/"
        with self._lock:
            self._requests.append({"method": method, "path": sub, "params": dict(params)})
            page_id = self._tokens.get(token)
            if page_id is not None:
                self._throttled_count(self._pages[page_id])
            fault = self._fault_take(method, sub)
        if fault is not None and fault.delay:
            time.sleep(fault.delay)
        # A fault without a code and with a success status only answers late.
        late = fault is not None and fault.code is None and fault.http_status < 400
        if fault is None or fault.after_effect or late:
            answer = self._carry_out(method, sub, params, token)
        if fault is None or late:
            return answer
        if fault.code is None:
            answer = _Answer(fault.http_status, b"Bad Gateway", "text/plain")
        else:
            with self._lock:
                page_id = self._tokens.get(token)
                page = self._pages[page_id] if page_id else None
                headers = self._usage(page, fault.regain_minutes) if page else {}
                if page is not None and fault.code in _THROTTLING and fault.regain_minutes > 0:
                    self._throttle(page, self._clock() + fault.regain_minutes * 60)
            refusal = _Refusal(
                fault.code,
                fault.message,
                subcode=fault.subcode,
                kind=fault.type,
                status=fault.http_status,
            )
            answer = _error_answer(refusal, headers)
        answer.drop = fault.drop
        return answer

    def _fault_take(self, method: str, sub: str) -> _Fault | None:
        """The fault that answers this call, if any (caller holds the lock): the first
        one-off fault that matches, counted down; else one of the matching faults by rate,
        by a single draw, so that their shares add up."""
        matching = [fault for fault in self._faults if fault.matches(method, sub)]
        chosen = next((fault for fault in matching if not fault.probability), None)
        if chosen is not None:
            chosen.times -= 1
            if chosen.times <= 0:
                self._faults.remove(chosen)
        elif rates := [fault for fault in matching if fault.probability]:
            draw = self._random.random()
            for fault in rates:
                if draw < fault.probability:
                    chosen = fault
                    break
                draw -= fault.probability
        if chosen is not None:
            chosen.fired += 1
        return chosen

    def _throttle(self, page: JSON, until: float) -> None:
        """The Page was told to wait until ``until`` (caller holds the lock)."""
        page["throttled_until"] = max(until, page["throttled_until"] or until)

    def _throttled_count(self, page: JSON) -> None:
        """Count a call that comes for the Page before the time it was told to wait for
        (caller holds the lock)."""
        until = page["throttled_until"]
        if until is not None and self._clock() < until:
            page["sent_while_throttled"] += 1

    def _usage(self, page: JSON, regain: int = 0) -> dict[str, str]:
        percent = page["window_calls"] * 100 // max(self.calls_per_minute, 1)
        entry = {
            "type": "pages",
            "call_count": percent,
            "total_cputime": percent // 4,
            "total_time": percent // 2,
            "estimated_time_to_regain_access": regain,
        }
        return {"X-Business-Use-Case-Usage": json.dumps({page["id"]: [entry]})}

    def _carry_out(self, method: str, sub: str, params: dict[str, str], token: str) -> _Answer:
        headers: dict[str, str] = {}
        with self._lock:
            try:
                page_id = self._tokens.get(token)
                if page_id is None:
                    raise _Refusal(190, "Invalid OAuth access token - Cannot parse access token")
                expiry = self._token_expiry.get(token)
                if expiry is not None and expiry <= time.time():
                    raise _Refusal(
                        190, "Error validating access token: Session has expired", subcode=463
                    )
                page = self._pages[page_id]
                now = self._clock()
                if now - page["window_start"] >= self.window_seconds:
                    page["window_start"], page["window_calls"] = now, 0
                page["window_calls"] += 1
                if page["window_calls"] > self.calls_per_minute:
                    left = page["window_start"] + self.window_seconds - now
                    self._throttle(page, page["window_start"] + self.window_seconds)
                    headers = self._usage(page, max(1, math.ceil(left / 60)))
                    raise _Refusal(32, "(#32) Page request limit reached")
                headers = self._usage(page)
                return _json_answer(200, self._route(method, sub, params, page), headers)
            except _Refusal as refusal:
                return _error_answer(refusal, headers)

    def _object(self, object_id: str, method: str) -> tuple[str, JSON, str]:
        """The kind, record and owning page id of an object; 100/33 if there is none."""
        if object_id in self._pages:
            page = self._pages[object_id]
            return ("ig_user" if page.get("instagram") else "page"), page, object_id
        post = self._posts.get(object_id)
        if post is not None and not post["deleted"]:
            return ("ig_media" if post.get("instagram") else "post"), post, post["page_id"]
        comment = self._comments.get(object_id)
        if comment is not None and not comment["deleted"]:
            if not self._posts[comment["post_id"]]["deleted"]:
                kind = "ig_comment" if comment.get("instagram") else "comment"
                return kind, comment, comment["page_id"]
        raise _gone(object_id, method)

    def _route(self, method: str, sub: str, params: dict[str, str], page: JSON) -> JSON:
        segments = [segment for segment in sub.split("/") if segment]
        if not segments or len(segments) > 2:
            raise _Refusal(2500, f"Unknown path components: {sub}")
        # "me": the token's own account (Instagram Login's way to name it).
        object_id = page["id"] if segments[0] == "me" else segments[0]
        kind, record, owner = self._object(object_id, method)
        edge = segments[1] if len(segments) == 2 else ""
        if owner != page["id"]:
            raise _Refusal(
                200, "(#200) Requires pages_manage_engagement permission to manage the object"
            )
        routes = _ROUTES.get((kind, edge))
        if routes is None:
            raise _Refusal(2500, f"Unknown path components: /{edge}")
        handler = routes.get(method)
        if handler is None:
            raise _Refusal(100, f"(#100) Unsupported request - method type: {method.lower()}")
        return handler(self, record, page, params)

    # Handlers: (record, the token's page, params) -> the answer's JSON.

    def _page_get(self, record: JSON, page: JSON, params: dict[str, str]) -> JSON:
        fields = (params.get("fields") or "id,name").split(",")
        return {key: record[key] for key in ("id", "name") if key in fields or key == "id"}

    def _subscribed_get(self, record: JSON, page: JSON, params: dict[str, str]) -> JSON:
        fields = record["subscribed_fields"]
        return {"data": [{"subscribed_fields": list(fields)}] if fields else []}

    def _subscribed_post(self, record: JSON, page: JSON, params: dict[str, str]) -> JSON:
        fields = [name for name in params.get("subscribed_fields", "").split(",") if name]
        if not fields:
            raise _Refusal(100, "(#100) Param subscribed_fields must be non-empty")
        record["subscribed_fields"] = sorted(set(record["subscribed_fields"]) | set(fields))
        return {"success": True}

    def _subscribed_delete(self, record: JSON, page: JSON, params: dict[str, str]) -> JSON:
        record["subscribed_fields"] = []
        return {"success": True}

    def _feed_get(self, record: JSON, page: JSON, params: dict[str, str]) -> JSON:
        posts = [p for p in self._posts.values() if p["page_id"] == page["id"] and not p["deleted"]]
        # Every post of the stand-in's feeds is the Page's own.
        sender = {"id": page["id"], "name": page["name"]}
        data = [
            {
                "id": p["id"],
                "message": p["message"],
                "from": sender,
                "created_time": _iso(p["created_time"]),
            }
            for p in reversed(posts)
        ]
        return _paged(data, params)

    def _feed_post(self, record: JSON, page: JSON, params: dict[str, str]) -> JSON:
        message = params.get("message", "")
        if not message.strip():
            raise _Refusal(100, "(#100) Param message must be non-empty")
        return {"id": self._post_create(page["id"], message)["id"]}

    def _assigned_get(self, record: JSON, page: JSON, params: dict[str, str]) -> JSON:
        if not params.get("business"):
            raise _Refusal(100, "(#100) The parameter business is required")
        return _paged([dict(user) for user in record["assigned_users"].values()], params)

    def _assigned_post(self, record: JSON, page: JSON, params: dict[str, str]) -> JSON:
        user_id = params.get("user", "")
        if not user_id:
            raise _Refusal(100, "(#100) The parameter user is required")
        tasks = _tasks(params.get("tasks", "[]"))
        users = record["assigned_users"]
        name = users.get(user_id, {}).get("name", f"User {user_id}")
        users[user_id] = {"id": user_id, "name": name, "tasks": tasks}
        return {"success": True}

    def _assigned_delete(self, record: JSON, page: JSON, params: dict[str, str]) -> JSON:
        if not params.get("user"):
            raise _Refusal(100, "(#100) The parameter user is required")
        record["assigned_users"].pop(params["user"], None)
        return {"success": True}

    def _post_get(self, record: JSON, page: JSON, params: dict[str, str]) -> JSON:
        created = _iso(record["created_time"])
        return {"id": record["id"], "message": record["message"], "created_time": created}

    def _post_update(self, record: JSON, page: JSON, params: dict[str, str]) -> JSON:
        if "is_pinned" in params:
            record["is_pinned"] = _flag(params, "is_pinned")
        if "message" in params:
            record["message"] = params["message"]
        return {"success": True}

    def _delete(self, record: JSON, page: JSON, params: dict[str, str]) -> JSON:
        # Meta does not reliably echo the app's own deletions as webhooks: none is sent.
        record["deleted"] = True
        return {"success": True}

    def _comment_get(self, record: JSON, page: JSON, params: dict[str, str]) -> JSON:
        full = {
            "id": record["id"],
            "message": record["message"],
            "from": dict(record["from"]),
            "is_hidden": record["is_hidden"],
            # A Page cannot hide its own comments.
            "can_hide": record["from"]["id"] != page["id"],
            "created_time": _iso(record["created_time"]),
        }
        if record["parent_id"]:
            full["parent"] = {"id": record["parent_id"]}
        fields = [name for name in params.get("fields", "").split(",") if name]
        if not fields:
            fields = ["id", "message", "from", "created_time"]
        return {key: value for key, value in full.items() if key in fields or key == "id"}

    def _comment_update(self, record: JSON, page: JSON, params: dict[str, str]) -> JSON:
        if "is_hidden" not in params and "message" not in params:
            raise _Refusal(100, "(#100) Nothing to update: give is_hidden or message")
        if "is_hidden" in params:
            record["is_hidden"] = _flag(params, "is_hidden")
        if "message" in params:
            record["message"] = params["message"]
        return {"success": True}

    def _replies_get(self, record: JSON, page: JSON, params: dict[str, str]) -> JSON:
        # On a post: its top-level comments; on a comment: the replies to it.
        parent = record["id"] if "post_id" in record else None
        post_id = record.get("post_id", record["id"])
        data = [
            {
                "id": c["id"],
                "message": c["message"],
                "from": dict(c["from"]),
                "created_time": _iso(c["created_time"]),
            }
            for c in self._comments.values()
            if c["post_id"] == post_id and c["parent_id"] == parent and not c["deleted"]
        ]
        order = params.get("order", "chronological")
        if order not in ("chronological", "reverse_chronological"):
            raise _Refusal(100, "(#100) Param order must be chronological or reverse_chronological")
        if order == "reverse_chronological":
            data.reverse()
        return _paged(data, params)

    def _replies_post(self, record: JSON, page: JSON, params: dict[str, str]) -> JSON:
        message = params.get("message", "")
        if not message.strip():
            raise _Refusal(100, "(#100) Param message must be non-empty")
        parent = record["id"] if "post_id" in record else None
        post_id = str(record.get("post_id", record["id"]))
        sender = {"id": page["id"], "name": page["name"]}
        reply = self._comment_create(page["id"], post_id, parent, message, sender)
        self._webhook_queue(reply, "add")
        return {"id": reply["id"]}

    # Instagram's handlers: comments have ``text`` and ``from {id, username}``.

    def _instagram_token(self, path: str, params: dict[str, str], token: str) -> JSON:
        """``/access_token`` (a short-lived token for one of 60 days, given the Instagram
        app's secret) and ``/refresh_access_token`` (a long-lived token at least a day old
        for a new one); caller holds the lock."""
        token = params.get("access_token", token)
        owner = self._tokens.get(token)
        expiry = self._token_expiry.get(token)
        if owner is None or (expiry is not None and expiry <= time.time()):
            raise _Refusal(190, "Error validating access token: Session has expired", subcode=463)
        if path == "/access_token":
            secret = self._instagram_webhook[1] if self._instagram_webhook else ""
            if params.get("grant_type") != "ig_exchange_token" or token not in self._short_tokens:
                raise _Refusal(100, "(#100) Invalid grant_type or token for the exchange")
            if not secret or params.get("client_secret") != secret:
                raise _Refusal(101, "Error validating client secret.", kind="OAuthException")
        else:
            if params.get("grant_type") != "ig_refresh_token" or token in self._short_tokens:
                raise _Refusal(100, "(#100) Invalid grant_type or token for the refresh")
            if time.time() - self._token_issued.get(token, 0) < 24 * 3600:
                raise _Refusal(100, "(#100) The token must be at least 24 hours old to refresh")
        new = f"IGAA{secrets.token_hex(16)}"
        self._token_add(owner, new, _INSTAGRAM_TOKEN_SECONDS)
        return {"access_token": new, "token_type": "bearer", "expires_in": _INSTAGRAM_TOKEN_SECONDS}

    def _ig_user_get(self, record: JSON, page: JSON, params: dict[str, str]) -> JSON:
        return {"id": record["id"], "user_id": record["id"], "username": record["username"]}

    def _ig_media_list(self, record: JSON, page: JSON, params: dict[str, str]) -> JSON:
        # Newest first, as Meta lists an account's media.
        media = [
            self._ig_media_get(p, page, params)
            for p in reversed(self._posts.values())
            if p["page_id"] == record["id"] and not p["deleted"]
        ]
        return _paged(media, params)

    def _ig_media_get(self, record: JSON, page: JSON, params: dict[str, str]) -> JSON:
        count = sum(1 for c in self._comments.values() if c["post_id"] == record["id"])
        return {
            "id": record["id"],
            "caption": record["message"],
            "comments_count": count,
            "is_comment_enabled": record["comment_enabled"],
            "media_product_type": "FEED",
            "timestamp": _iso(record["created_time"]),
        }

    def _ig_media_update(self, record: JSON, page: JSON, params: dict[str, str]) -> JSON:
        if "comment_enabled" not in params:
            raise _Refusal(100, "(#100) Param comment_enabled is required")
        record["comment_enabled"] = _flag(params, "comment_enabled")
        return {"success": True}

    def _ig_comment_json(self, comment: JSON) -> JSON:
        full: JSON = {
            "id": comment["id"],
            "text": comment["message"],
            "from": dict(comment["from"]),
            "username": comment["from"]["username"],
            "hidden": comment["is_hidden"],
            "timestamp": _iso(comment["created_time"]),
            "media": {"id": comment["post_id"]},
        }
        if comment["parent_id"]:
            full["parent_id"] = comment["parent_id"]
        return full

    def _ig_comments_get(self, record: JSON, page: JSON, params: dict[str, str]) -> JSON:
        # On media: its top-level comments; on a comment: the replies to it.
        parent = None if record.get("post_id") is None else record["id"]
        media_id = record.get("post_id", record["id"])
        data = [
            self._ig_comment_json(c)
            for c in self._comments.values()
            if c["post_id"] == media_id and c["parent_id"] == parent and not c["deleted"]
        ]
        return _paged(data, params)

    def _ig_comment_get(self, record: JSON, page: JSON, params: dict[str, str]) -> JSON:
        return self._ig_comment_json(record)

    def _ig_comment_update(self, record: JSON, page: JSON, params: dict[str, str]) -> JSON:
        if "hide" not in params:
            raise _Refusal(100, "(#100) Param hide is required")
        record["is_hidden"] = _flag(params, "hide")
        return {"success": True}

    def _ig_reply_post(self, record: JSON, page: JSON, params: dict[str, str]) -> JSON:
        text = params.get("message", "")
        if not text.strip():
            raise _Refusal(100, "(#100) Param message must be non-empty")
        if record["parent_id"]:
            raise _Refusal(100, "(#100) Replies can be made to top-level comments only")
        if record["is_hidden"]:
            raise _Refusal(100, "(#100) A hidden comment cannot be replied to")
        if not self._posts[record["post_id"]]["comment_enabled"]:
            raise _Refusal(100, "(#100) Comments are turned off on this media")
        sender = {"id": page["id"], "username": page["username"]}
        reply = self._comment_create(page["id"], record["post_id"], record["id"], text, sender)
        reply["instagram"] = True
        self._instagram_webhook_queue(reply)
        return {"id": reply["id"]}

    # -- webhooks ------------------------------------------------------------------------

    def _instagram_webhook_queue(self, comment: JSON) -> None:
        """Send the ``comments`` change for ``comment`` (caller holds the lock)."""
        if self._instagram_webhook is None or not self._instagram_webhook[0]:
            return
        url, secret = self._instagram_webhook
        value: JSON = {
            "id": comment["id"],
            "from": dict(comment["from"]),
            "text": comment["message"],
            "media": {"id": comment["post_id"], "media_product_type": "FEED"},
        }
        if comment["parent_id"]:
            value["parent_id"] = comment["parent_id"]
        entry = {
            "id": comment["page_id"],
            "time": int(time.time()),
            "changes": [{"field": "comments", "value": value}],
        }
        self._webhook_send(url, secret, {"object": "instagram", "entry": [entry]})

    def _webhook_send(self, url: str, secret: str, payload: JSON) -> None:
        body = json.dumps(payload).encode()
        self._webhooks_pending += 1
        if self._webhook_worker is None:
            # One worker, so that webhooks arrive in the order of their events.
            self._webhook_worker = threading.Thread(target=self._webhook_loop, daemon=True)
            self._webhook_worker.start()
        self._webhook_queue_.put((url, secret, body))

    def _webhook_queue(self, comment: JSON, verb: str) -> None:
        """Send the feed change for ``comment`` in the background (caller holds the lock)."""
        if self._webhook is None:
            return
        url, secret = self._webhook
        value = {
            "item": "comment",
            "verb": verb,
            "comment_id": comment["id"],
            "post_id": comment["post_id"],
            # Meta names the post as parent of a top-level comment.
            "parent_id": comment["parent_id"] or comment["post_id"],
            "from": dict(comment["from"]),
            "message": comment["message"],
            "created_time": comment["created_time"],
        }
        entry = {"id": comment["page_id"], "time": int(time.time()), "changes": []}
        entry["changes"] = [{"field": "feed", "value": value}]
        self._webhook_send(url, secret, {"object": "page", "entry": [entry]})

    def _webhook_loop(self) -> None:
        while (item := self._webhook_queue_.get()) is not None:
            self._webhook_deliver(*item)

    def _webhook_deliver(self, url: str, secret: str, body: bytes) -> None:
        signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        request = urllib.request.Request(  # noqa: S310 - the URL is the configured receiver
            url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature},
        )
        try:
            for attempt in range(1 + _WEBHOOK_RETRIES):
                try:
                    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                        logger.info("webhook to %s: HTTP %s", url, response.status)
                        return
                except (OSError, urllib.error.URLError) as exc:
                    logger.warning("webhook to %s, attempt %d: %s", url, attempt + 1, exc)
                if attempt == _WEBHOOK_RETRIES or self._stopping.wait(1):
                    break
            logger.error("webhook to %s given up", url)
        finally:
            with self._changed:
                self._webhooks_pending -= 1
                self._changed.notify_all()

    # -- control API ---------------------------------------------------------------------

    def _control(self, method: str, path: str, raw: bytes) -> _Answer:
        try:
            body = json.loads(raw) if raw else {}
            if not isinstance(body, dict):
                raise ValueError("the body must be a JSON object")
            action = (method, path.rstrip("/"))
            if action in (("GET", "/_standin"), ("GET", "/_standin/")):
                return _json_answer(200, CONTROL)
            if action == ("GET", "/_standin/state"):
                return _json_answer(200, self.state())
            if action == ("POST", "/_standin/reset"):
                self.reset()
            elif action == ("POST", "/_standin/pages"):
                self.page_add(str(body["id"]), str(body["name"]), str(body["token"]))
            elif action == ("POST", "/_standin/comments"):
                parent = body.get("parent_id")
                comment = self.comment_add(
                    str(body["page_id"]),
                    str(body["message"]),
                    from_id=str(body["from_id"]),
                    from_name=str(body["from_name"]),
                    parent_id=str(parent) if parent else None,
                    comment_id=str(body["comment_id"]) if body.get("comment_id") else None,
                    webhook=body.get("webhook", True) is not False,
                )
                return _json_answer(200, comment)
            elif action == ("POST", "/_standin/assigned_users"):
                self.assigned_user_add(
                    str(body["page_id"]), str(body["user_id"]), str(body["name"]), body["tasks"]
                )
            elif action == ("POST", "/_standin/faults"):
                self.fault_add(**body)
            elif action == ("POST", "/_standin/webhook"):
                self.webhook_configure(str(body["url"]), str(body["app_secret"]))
            elif action == ("POST", "/_standin/instagram_accounts"):
                self.instagram_account_add(
                    str(body["id"]), str(body["username"]), str(body["token"])
                )
            elif action == ("POST", "/_standin/instagram_media"):
                media = self.instagram_media_add(
                    str(body["user_id"]),
                    str(body.get("caption", "")),
                    comments_enabled=body.get("comments_enabled", True) is not False,
                )
                return _json_answer(200, media)
            elif action == ("POST", "/_standin/instagram_comments"):
                parent = body.get("parent_id")
                comment = self.instagram_comment_add(
                    str(body["user_id"]),
                    str(body["text"]),
                    from_id=str(body["from_id"]),
                    from_username=str(body["from_username"]),
                    parent_id=str(parent) if parent else None,
                    comment_id=str(body["comment_id"]) if body.get("comment_id") else None,
                    webhook=body.get("webhook", True) is not False,
                )
                return _json_answer(200, comment)
            elif action == ("POST", "/_standin/instagram_webhook"):
                self.instagram_webhook_configure(str(body["url"]), str(body["app_secret"]))
            else:
                return _json_answer(404, {"error": f"no control call {method} {path}"})
            return _json_answer(200, {"success": True})
        except (ValueError, KeyError, TypeError) as exc:
            return _json_answer(400, {"error": f"{type(exc).__name__}: {exc}"})


_Handler_ = Callable[[GraphStandIn, JSON, JSON, dict[str, str]], JSON]
_ROUTES: dict[tuple[str, str], dict[str, _Handler_]] = {
    ("page", ""): {"GET": GraphStandIn._page_get},
    ("page", "subscribed_apps"): {
        "GET": GraphStandIn._subscribed_get,
        "POST": GraphStandIn._subscribed_post,
        "DELETE": GraphStandIn._subscribed_delete,
    },
    ("page", "feed"): {"GET": GraphStandIn._feed_get, "POST": GraphStandIn._feed_post},
    ("page", "assigned_users"): {
        "GET": GraphStandIn._assigned_get,
        "POST": GraphStandIn._assigned_post,
        "DELETE": GraphStandIn._assigned_delete,
    },
    ("post", ""): {
        "GET": GraphStandIn._post_get,
        "POST": GraphStandIn._post_update,
        "DELETE": GraphStandIn._delete,
    },
    ("post", "comments"): {"GET": GraphStandIn._replies_get, "POST": GraphStandIn._replies_post},
    ("comment", ""): {
        "GET": GraphStandIn._comment_get,
        "POST": GraphStandIn._comment_update,
        "DELETE": GraphStandIn._delete,
    },
    ("comment", "comments"): {
        "GET": GraphStandIn._replies_get,
        "POST": GraphStandIn._replies_post,
    },
    # Instagram (the same host for Facebook Login; graph.instagram.com for Instagram Login).
    ("ig_user", ""): {"GET": GraphStandIn._ig_user_get},
    ("ig_user", "subscribed_apps"): {
        "GET": GraphStandIn._subscribed_get,
        "POST": GraphStandIn._subscribed_post,
        "DELETE": GraphStandIn._subscribed_delete,
    },
    ("ig_user", "media"): {"GET": GraphStandIn._ig_media_list},
    ("ig_media", ""): {"GET": GraphStandIn._ig_media_get, "POST": GraphStandIn._ig_media_update},
    ("ig_media", "comments"): {"GET": GraphStandIn._ig_comments_get},
    ("ig_comment", ""): {
        "GET": GraphStandIn._ig_comment_get,
        "POST": GraphStandIn._ig_comment_update,
        "DELETE": GraphStandIn._delete,
    },
    ("ig_comment", "replies"): {
        "GET": GraphStandIn._ig_comments_get,
        "POST": GraphStandIn._ig_reply_post,
    },
}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as httpx pools connections
    # The head and the body go out in two writes; with Nagle's algorithm the body waits
    # for the client's delayed ACK of the head, about 40 ms a call on Linux.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._handle("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._handle("POST")

    def do_DELETE(self) -> None:  # noqa: N802
        self._handle("DELETE")

    def _handle(self, method: str) -> None:
        standin = cast(GraphStandIn, self.server.standin)  # type: ignore[attr-defined]
        split = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        if split.path == "/_standin" or split.path.startswith("/_standin/"):
            answer = standin._control(method, split.path, raw)
        else:
            params = dict(urllib.parse.parse_qsl(split.query, keep_blank_values=True))
            if raw and "x-www-form-urlencoded" in self.headers.get("Content-Type", ""):
                form = urllib.parse.parse_qsl(
                    raw.decode("utf-8", "replace"), keep_blank_values=True
                )
                params.update(form)
            token = params.pop("access_token", "")
            authorization = self.headers.get("Authorization", "")
            if authorization.lower().startswith("bearer "):
                token = authorization[7:].strip()
            answer = standin._graph(method, split.path, params, token)
        if answer.drop:
            logger.info('"%s %s" dropped without an answer', method, split.path)
            self.close_connection = True
            return
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        version = _VERSIONED.match(split.path)
        if version is not None:
            self.send_header("facebook-api-version", version.group(1))
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(answer.body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        logger.info("%s %s", self.address_string(), format % args)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="A stand-in for Meta's Graph API.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--version", default="v25.0")
    parser.add_argument("--page", action="append", default=[], metavar="ID:NAME:TOKEN")
    parser.add_argument("--webhook", metavar="URL")
    parser.add_argument("--app-secret", default="")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    standin = GraphStandIn(host=args.host, port=args.port, version=args.version)
    for spec in args.page:
        page_id, _, rest = spec.partition(":")
        name, _, token = rest.rpartition(":")
        if not (page_id and name and token):
            parser.error(f"--page {spec!r}: expected ID:NAME:TOKEN")
        standin.page_add(page_id, name, token)
    if args.webhook:
        standin.webhook_configure(args.webhook, args.app_secret)
    done = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: done.set())
    standin.start()
    print(standin.url, flush=True)
    while not done.wait(1):
        pass
    standin.stop()


if __name__ == "__main__":
    main()
