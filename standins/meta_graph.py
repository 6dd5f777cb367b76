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

Control calls live outside the version prefix under ``/_standin/`` (see ``CONTROL``).
``reset`` forgets everything except the webhook configuration.

Run it: ``python -m standins.meta_graph --port 8765 --page 111:Moskenes:TOKEN``.
"""

import argparse
import hashlib
import hmac
import json
import logging
import math
import queue
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
    "GET /_standin/state": "pages, feed posts, comments, faults pending, request count",
    "POST /_standin/reset": "forget all but the webhook configuration",
    "POST /_standin/pages": '{"id", "name", "token"}',
    "POST /_standin/comments": (
        '{"page_id", "message", "from_id", "from_name", "parent_id"?, "comment_id"?, "webhook"?}'
    ),
    "POST /_standin/assigned_users": '{"page_id", "user_id", "name", "tasks": [...]}',
    "POST /_standin/faults": '{"method", "path_suffix", "code", "subcode", "message", ...}',
    "POST /_standin/webhook": '{"url", "app_secret"}',
}

_VERSIONED = re.compile(r"^/(v\d+\.\d+)(/.*)?$")
_JSON_TYPE = "application/json; charset=UTF-8"
_WEBHOOK_RETRIES = 3


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

    def matches(self, method: str, path: str) -> bool:
        return self.method in ("*", method) and path.endswith(self.path_suffix)


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
    ) -> None:
        self.host, self.port, self.version = host, port, version
        self.calls_per_minute, self.window_seconds = calls_per_minute, window_seconds
        # The rate window's clock; a test passes its own to end a window without waiting.
        self._clock = clock
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._webhook: tuple[str, str] | None = None
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
            }
            self._tokens[token] = page_id

    def assigned_user_add(self, page_id: str, user_id: str, name: str, tasks: list[str]) -> None:
        with self._lock:
            users = self._pages[page_id]["assigned_users"]
            users[user_id] = {"id": user_id, "name": name, "tasks": list(tasks)}

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
        """The next ``times`` matching calls fail as ``spec`` says (see ``_Fault``)."""
        fault = _Fault(**spec)
        with self._lock:
            self._faults.append(fault)

    def webhook_configure(self, url: str, app_secret: str) -> None:
        with self._lock:
            self._webhook = (url, app_secret)

    def reset(self) -> None:
        with self._lock:
            for store in (self._pages, self._tokens, self._posts, self._comments):
                store.clear()
            self._faults.clear()
            self._requests.clear()

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
        if match is None:
            refusal = _Refusal(2500, f"Unknown path components: {path}")
            return _error_answer(refusal, {})
        sub = match.group(2) or "/"
        with self._lock:
            self._requests.append({"method": method, "path": sub, "params": dict(params)})
            fault = next((f for f in self._faults if f.matches(method, sub)), None)
            if fault is not None:
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
        if fault is not None and fault.delay:
            time.sleep(fault.delay)
        if fault is None or fault.after_effect:
            answer = self._carry_out(method, sub, params, token)
        if fault is None:
            return answer
        if fault.code is None:
            answer = _Answer(fault.http_status, b"Bad Gateway", "text/plain")
        else:
            with self._lock:
                page_id = self._tokens.get(token)
                page = self._pages[page_id] if page_id else None
                headers = self._usage(page, fault.regain_minutes) if page else {}
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
                page = self._pages[page_id]
                now = self._clock()
                if now - page["window_start"] >= self.window_seconds:
                    page["window_start"], page["window_calls"] = now, 0
                page["window_calls"] += 1
                if page["window_calls"] > self.calls_per_minute:
                    left = page["window_start"] + self.window_seconds - now
                    headers = self._usage(page, max(1, math.ceil(left / 60)))
                    raise _Refusal(32, "(#32) Page request limit reached")
                headers = self._usage(page)
                return _json_answer(200, self._route(method, sub, params, page), headers)
            except _Refusal as refusal:
                return _error_answer(refusal, headers)

    def _object(self, object_id: str, method: str) -> tuple[str, JSON, str]:
        """The kind, record and owning page id of an object; 100/33 if there is none."""
        if object_id in self._pages:
            return "page", self._pages[object_id], object_id
        post = self._posts.get(object_id)
        if post is not None and not post["deleted"]:
            return "post", post, post["page_id"]
        comment = self._comments.get(object_id)
        if comment is not None and not comment["deleted"]:
            if not self._posts[comment["post_id"]]["deleted"]:
                return "comment", comment, comment["page_id"]
        raise _gone(object_id, method)

    def _route(self, method: str, sub: str, params: dict[str, str], page: JSON) -> JSON:
        segments = [segment for segment in sub.split("/") if segment]
        if not segments or len(segments) > 2:
            raise _Refusal(2500, f"Unknown path components: {sub}")
        kind, record, owner = self._object(segments[0], method)
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
        return {"data": data, "paging": {"cursors": {"before": "", "after": ""}}}

    def _feed_post(self, record: JSON, page: JSON, params: dict[str, str]) -> JSON:
        message = params.get("message", "")
        if not message.strip():
            raise _Refusal(100, "(#100) Param message must be non-empty")
        return {"id": self._post_create(page["id"], message)["id"]}

    def _assigned_get(self, record: JSON, page: JSON, params: dict[str, str]) -> JSON:
        if not params.get("business"):
            raise _Refusal(100, "(#100) The parameter business is required")
        return {"data": [dict(user) for user in record["assigned_users"].values()]}

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
        return {"data": data, "paging": {"cursors": {"before": "", "after": ""}}}

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

    # -- webhooks ------------------------------------------------------------------------

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
        body = json.dumps({"object": "page", "entry": [entry]}).encode()
        self._webhooks_pending += 1
        if self._webhook_worker is None:
            # One worker, so that webhooks arrive in the order of their events.
            self._webhook_worker = threading.Thread(target=self._webhook_loop, daemon=True)
            self._webhook_worker.start()
        self._webhook_queue_.put((url, secret, body))

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
}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as httpx pools connections

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
