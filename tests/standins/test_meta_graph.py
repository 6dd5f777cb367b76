"""The Graph API stand-in, exercised through the app's own client (accounts.posts.graph)."""

import hashlib
import hmac
import json
import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import override_settings

from accounts.posts.graph import ErrorKind, Graph, GraphError
from standins.meta_graph import GraphStandIn

PAGE, TOKEN = "111", "page-token-111"
OTHER_PAGE, OTHER_TOKEN = "222", "page-token-222"
SECRET = "app-secret"


def _serve(standin: GraphStandIn) -> Iterator[GraphStandIn]:
    with standin, override_settings(META_GRAPH_URL=standin.url):
        standin.page_add(PAGE, "Moskenes kommune", TOKEN)
        standin.page_add(OTHER_PAGE, "Flakstad kommune", OTHER_TOKEN)
        yield standin


@pytest.fixture
def standin() -> Iterator[GraphStandIn]:
    yield from _serve(GraphStandIn())


@pytest.fixture
def graph() -> Graph:
    return Graph(token=TOKEN, object_id=PAGE)


def _citizen(standin: GraphStandIn, message: str = "Når åpner bassenget?") -> str:
    comment = standin.comment_add(PAGE, message, from_id="9001", from_name="Kari Nordmann")
    return str(comment["id"])


def _refused(call: Any, *args: Any, **kwargs: Any) -> GraphError:
    with pytest.raises(GraphError) as info:
        call(*args, **kwargs)
    return info.value


def test_page_read_and_usage_header(standin: GraphStandIn, graph: Graph) -> None:
    result = graph.page(PAGE)
    assert result.data == {"id": PAGE, "name": "Moskenes kommune"}
    assert result.usage is not None
    assert result.usage.regain_minutes == 0
    assert 0 <= result.usage.percent <= 1
    assert standin.requests[-1] == {
        "method": "GET",
        "path": f"/{PAGE}",
        "params": {"fields": "id,name"},
    }


def test_subscribe(standin: GraphStandIn, graph: Graph) -> None:
    assert graph.subscribe(PAGE).data == {"success": True}
    assert standin.state()["pages"][PAGE]["subscribed_fields"] == ["feed"]


def test_reply_and_replies(standin: GraphStandIn, graph: Graph) -> None:
    comment_id = _citizen(standin)
    reply_id = graph.reply(comment_id, "Klokka ti.").data["id"]
    assert reply_id.split("_")[0] == comment_id.split("_")[0]
    replies = next(graph.replies(comment_id)).data
    assert [(r["id"], r["message"], r["from"]) for r in replies["data"]] == [
        (reply_id, "Klokka ti.", {"id": PAGE, "name": "Moskenes kommune"})
    ]
    assert replies["data"][0]["created_time"].endswith("+0000")
    assert replies["paging"]["cursors"]["after"] == replies["paging"]["cursors"]["before"] != ""
    assert "next" not in replies["paging"]
    assert standin.state()["comments"][reply_id]["parent_id"] == comment_id


def test_empty_reply_is_refused(standin: GraphStandIn, graph: Graph) -> None:
    error = _refused(graph.reply, _citizen(standin), "  ")
    assert (error.code, error.subcode, error.kind) == (100, None, ErrorKind.OTHER)
    assert error.message == "(#100) Param message must be non-empty"


def test_hide_and_unhide(standin: GraphStandIn, graph: Graph) -> None:
    comment_id = _citizen(standin)
    assert graph.hide(comment_id, hidden=True).data == {"success": True}
    assert standin.state()["comments"][comment_id]["is_hidden"] is True
    graph.hide(comment_id, hidden=False)
    assert standin.state()["comments"][comment_id]["is_hidden"] is False


def test_delete_then_gone(standin: GraphStandIn, graph: Graph) -> None:
    comment_id = _citizen(standin)
    assert graph.delete(comment_id).data == {"success": True}
    assert standin.state()["comments"][comment_id]["deleted"] is True
    error = _refused(graph.hide, comment_id, hidden=True)
    assert (error.code, error.subcode, error.kind) == (100, 33, ErrorKind.GONE)
    assert f"Object with ID '{comment_id}' does not exist" in error.message
    assert _refused(graph.delete, comment_id).kind is ErrorKind.GONE


def test_publish(standin: GraphStandIn, graph: Graph) -> None:
    post_id = graph.publish(PAGE, "Bassenget er stengt i dag.").data["id"]
    assert post_id.startswith(f"{PAGE}_")
    assert standin.state()["posts"][post_id]["message"] == "Bassenget er stengt i dag."


def test_wrong_token(standin: GraphStandIn) -> None:
    error = _refused(Graph(token="nonsense", object_id=PAGE).page, PAGE)
    assert (error.code, error.http_status, error.kind) == (190, 400, ErrorKind.TOKEN)
    assert error.message == "Invalid OAuth access token - Cannot parse access token"


def test_other_pages_token(standin: GraphStandIn) -> None:
    comment_id = _citizen(standin)
    error = _refused(Graph(token=OTHER_TOKEN, object_id=OTHER_PAGE).reply, comment_id, "Hei")
    assert (error.code, error.http_status, error.kind) == (200, 403, ErrorKind.PERMISSION)
    assert standin.state()["comments"][comment_id] is not None
    assert len(standin.state()["comments"]) == 1


def test_throttled_after_the_limit() -> None:
    for _standin in _serve(GraphStandIn(calls_per_minute=3, window_seconds=60)):
        graph = Graph(token=TOKEN, object_id=PAGE)
        for _ in range(3):
            graph.page(PAGE)
        error = _refused(graph.page, PAGE)
        assert (error.code, error.kind) == (32, ErrorKind.THROTTLED)
        assert error.usage is not None
        assert error.usage.regain_minutes >= 1
        assert error.usage.percent > 100
        # Another page has its own budget.
        Graph(token=OTHER_TOKEN, object_id=OTHER_PAGE).page(OTHER_PAGE)


def test_throttle_window_ends() -> None:
    now = [1000.0]
    for _standin in _serve(GraphStandIn(calls_per_minute=1, clock=lambda: now[0])):
        graph = Graph(token=TOKEN, object_id=PAGE)
        graph.page(PAGE)
        now[0] += 59.9
        error = _refused(graph.page, PAGE)
        assert error.kind is ErrorKind.THROTTLED
        assert error.usage is not None and error.usage.regain_minutes == 1
        now[0] += 0.1
        result = graph.page(PAGE)
        assert result.usage is not None and result.usage.percent == 100


def test_fault_after_effect(standin: GraphStandIn, graph: Graph) -> None:
    comment_id = _citizen(standin)
    standin.fault_add(path_suffix="/comments", code=2, after_effect=True, regain_minutes=3)
    error = _refused(graph.reply, comment_id, "Svaret som gikk tapt")
    assert (error.code, error.kind) == (2, ErrorKind.TRANSIENT)
    assert error.usage is not None and error.usage.regain_minutes == 3
    messages = [c["message"] for c in standin.state()["comments"].values()]
    assert "Svaret som gikk tapt" in messages
    # Consumed: the next reply goes through.
    graph.reply(comment_id, "Andre forsøk")
    assert standin.state()["faults"] == []


def test_fault_before_effect(standin: GraphStandIn, graph: Graph) -> None:
    comment_id = _citizen(standin)
    standin.fault_add(method="POST", path_suffix="", code=368, message="(#368) Blocked", times=2)
    assert _refused(graph.reply, comment_id, "En").code == 368
    assert _refused(graph.hide, comment_id, hidden=True).code == 368
    assert len(standin.state()["comments"]) == 1
    assert standin.state()["comments"][comment_id]["is_hidden"] is False


def test_gateway_error_without_body(standin: GraphStandIn, graph: Graph) -> None:
    standin.fault_add(method="GET", path_suffix="", code=None, http_status=502)
    error = _refused(graph.page, PAGE)
    assert (error.code, error.http_status, error.kind) == (None, 502, ErrorKind.TRANSIENT)


def test_dropped_connection(standin: GraphStandIn, graph: Graph) -> None:
    comment_id = _citizen(standin)
    standin.fault_add(path_suffix="/comments", drop=True, after_effect=True)
    error = _refused(graph.reply, comment_id, "Borte")
    assert (error.code, error.kind) == (None, ErrorKind.TRANSIENT)
    assert len(standin.state()["comments"]) == 2


def test_control_api(standin: GraphStandIn) -> None:
    def call(method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        base = standin.url.rsplit("/", 1)[0]
        request = urllib.request.Request(base + path, data=data, method=method)  # noqa: S310
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return json.loads(response.read())

    assert "GET /_standin/state" in call("GET", "/_standin/")
    call("POST", "/_standin/pages", {"id": "333", "name": "Værøy", "token": "t333"})
    comment = call(
        "POST",
        "/_standin/comments",
        {"page_id": "333", "message": "Hei", "from_id": "1", "from_name": "Ola"},
    )
    assert list(Graph(token="t333", object_id="333").replies(comment["id"]))[0].data["data"] == []
    call("POST", "/_standin/faults", {"method": "GET", "path_suffix": "", "code": 1})
    state = call("GET", "/_standin/state")
    assert comment["id"] in state["comments"]
    assert state["faults"][0]["code"] == 1
    assert state["request_count"] == 1
    call("POST", "/_standin/reset", {})
    assert call("GET", "/_standin/state")["pages"] == {}


class _Receiver(BaseHTTPRequestHandler):
    received: list[tuple[bytes, str]] = []

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((body, self.headers.get("X-Hub-Signature-256", "")))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[tuple[bytes, str]]]]:
    received: list[tuple[bytes, str]] = []
    handler = type("Receiver", (_Receiver,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/webhooks/facebook", received
    server.shutdown()
    server.server_close()


def _signed(body: bytes, signature: str) -> bool:
    expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def test_webhooks_for_comment_and_echo(
    standin: GraphStandIn, graph: Graph, receiver: tuple[str, list[tuple[bytes, str]]]
) -> None:
    url, received = receiver
    standin.webhook_configure(url, SECRET)
    comment_id = _citizen(standin, "Hvem brøyter veien?")
    reply_id = graph.reply(comment_id, "Kommunen.").data["id"]
    graph.delete(reply_id)  # no webhook for the app's own deletion
    assert standin.webhook_flush(timeout=5)
    assert len(received) == 2
    assert all(_signed(body, signature) for body, signature in received)
    payloads = [json.loads(body) for body, _ in received]
    assert all(p["object"] == "page" and p["entry"][0]["id"] == PAGE for p in payloads)
    first, echo = (p["entry"][0]["changes"][0] for p in payloads)
    assert first["field"] == "feed"
    assert first["value"]["comment_id"] == comment_id
    assert first["value"]["from"] == {"id": "9001", "name": "Kari Nordmann"}
    assert echo["value"] == {
        "item": "comment",
        "verb": "add",
        "comment_id": reply_id,
        "post_id": first["value"]["post_id"],
        "parent_id": comment_id,
        "from": {"id": PAGE, "name": "Moskenes kommune"},
        "message": "Kommunen.",
        "created_time": echo["value"]["created_time"],
    }
    assert isinstance(echo["value"]["created_time"], int)


def test_webhook_to_nowhere_does_not_crash(standin: GraphStandIn) -> None:
    standin.webhook_configure("http://127.0.0.1:9/nowhere", SECRET)
    _citizen(standin)
    assert not standin.webhook_flush(timeout=0.1)


# --- Faults by rate, and calls sent while throttled ------------------------------------------


def _outcomes(seed: int, calls: int) -> list[int | None]:
    """The error code (None: a reply made) of ``calls`` replies against a stand-in that
    throttles 10% of them and fails 5% transiently (its rate window out of the way)."""
    outcomes: list[int | None] = []
    for standin in _serve(GraphStandIn(seed=seed, calls_per_minute=10_000)):
        standin.fault_rate_add("page_limit", 0.10, regain_minutes=2)
        standin.fault_rate_add("service", 0.05)
        graph = Graph(token=TOKEN, object_id=PAGE)
        comment_id = _citizen(standin)
        for n in range(calls):
            try:
                graph.reply(comment_id, f"Svar {n}")
                outcomes.append(None)
            except GraphError as error:
                outcomes.append(error.code)
    return outcomes


def test_faults_by_rate_take_their_share_and_repeat_with_the_seed() -> None:
    outcomes = _outcomes(seed=18, calls=600)
    # One draw a call: the shares add up, and neither takes from the other.
    assert 45 <= outcomes.count(32) <= 75
    assert 18 <= outcomes.count(2) <= 42
    assert outcomes.count(None) == 600 - outcomes.count(32) - outcomes.count(2)
    assert _outcomes(seed=18, calls=600) == outcomes
    assert _outcomes(seed=19, calls=600) != outcomes


def test_a_throttling_rate_answers_with_metas_body(standin: GraphStandIn, graph: Graph) -> None:
    comment_id = _citizen(standin)
    standin.fault_rate_add("business_limit", 1.0, regain_minutes=4)
    error = _refused(graph.reply, comment_id, "For mange")
    assert (error.code, error.http_status, error.kind) == (80001, 400, ErrorKind.THROTTLED)
    assert error.message.startswith("(#80001) There have been too many calls to this Page")
    assert error.usage is not None and error.usage.regain_minutes == 4
    assert len(standin.state()["comments"]) == 1


def test_a_transient_rate_after_the_effect_makes_the_reply(
    standin: GraphStandIn, graph: Graph
) -> None:
    comment_id = _citizen(standin)
    standin.fault_rate_add("unknown", 1.0, after_effect=True)
    error = _refused(graph.reply, comment_id, "Kom fram likevel")
    assert (error.code, error.http_status, error.kind) == (1, 500, ErrorKind.TRANSIENT)
    # The reply is there although the answer was an error; a read is not a reply.
    assert len(next(graph.replies(comment_id)).data["data"]) == 1
    (fault,) = standin.state()["faults"]
    assert (fault["probability"], fault["fired"]) == (1.0, 1)


def test_a_fault_by_rate_needs_a_known_kind_and_a_probability(standin: GraphStandIn) -> None:
    with pytest.raises(ValueError, match="unknown fault kind"):
        standin.fault_rate_add("slow", 0.5)
    with pytest.raises(ValueError, match="probability"):
        standin.fault_rate_add("service", 0)
    with pytest.raises(ValueError, match="between 0 and 1"):
        standin.fault_add(probability=1.5)
    assert standin.state()["faults"] == []


def test_calls_for_a_throttled_page_before_its_time_are_counted() -> None:
    now = [1000.0]
    for standin in _serve(GraphStandIn(clock=lambda: now[0])):
        graph = Graph(token=TOKEN, object_id=PAGE)
        comment_id = _citizen(standin)
        standin.fault_add(path_suffix="/comments", code=32, regain_minutes=2)
        assert _refused(graph.reply, comment_id, "Vent").kind is ErrorKind.THROTTLED
        assert standin.state()["pages"][PAGE]["throttled_until"] == 1120.0
        now[0] += 119.9
        next(graph.replies(comment_id))
        # Another Page was not told to wait.
        Graph(token=OTHER_TOKEN, object_id=OTHER_PAGE).page(OTHER_PAGE)
        now[0] += 0.1
        graph.reply(comment_id, "Nå")
        state = standin.state()
        assert state["pages"][PAGE]["sent_while_throttled"] == 1
        assert state["pages"][OTHER_PAGE]["sent_while_throttled"] == 0
        assert state["sent_while_throttled"] == 1


def test_a_throttling_fault_without_minutes_marks_no_wait(
    standin: GraphStandIn, graph: Graph
) -> None:
    standin.fault_add(method="GET", path_suffix="", code=32)
    _refused(graph.page, PAGE)
    graph.page(PAGE)
    assert standin.state()["pages"][PAGE]["throttled_until"] is None
    assert standin.state()["sent_while_throttled"] == 0


def test_calls_past_the_rate_window_count_as_sent_while_throttled() -> None:
    now = [1000.0]
    for standin in _serve(GraphStandIn(calls_per_minute=1, clock=lambda: now[0])):
        graph = Graph(token=TOKEN, object_id=PAGE)
        graph.page(PAGE)
        now[0] += 10
        _refused(graph.page, PAGE)
        assert standin.state()["pages"][PAGE]["throttled_until"] == 1060.0
        now[0] += 10
        _refused(graph.page, PAGE)
        now[0] += 40
        graph.page(PAGE)
        assert standin.state()["sent_while_throttled"] == 1


def test_a_full_reset_forgets_the_webhooks_and_what_they_had_yet_to_send(
    standin: GraphStandIn,
) -> None:
    standin.webhook_configure("http://127.0.0.1:9/nowhere", SECRET)
    standin.instagram_webhook_configure("http://127.0.0.1:9/nowhere", SECRET)
    for n in range(5):
        standin.comment_add(PAGE, f"Kommentar {n}", from_id="9001", from_name="Kari")
    standin.reset()
    assert standin.state()["webhook"] == "http://127.0.0.1:9/nowhere", "kept by default"
    standin.reset(webhooks=True)
    assert standin.state()["webhook"] is None
    # At most the delivery under way is left, which gives up after its few retries.
    assert standin.webhook_flush(10)


def test_listings_come_a_page_at_a_time_by_cursor(standin: GraphStandIn, graph: Graph) -> None:
    comment_id = _citizen(standin)
    for n in range(230):
        standin.comment_add(
            PAGE, f"Svar {n}", from_id="9002", from_name="Ola", parent_id=comment_id, webhook=False
        )
    pages = list(graph.replies(comment_id))
    assert [len(page.data["data"]) for page in pages] == [100, 100, 30]
    assert ["next" in page.data["paging"] for page in pages] == [True, True, False]
    messages = [reply["message"] for page in pages for reply in page.data["data"]]
    assert messages == [f"Svar {n}" for n in reversed(range(230))], "newest first, each once"
    # Meta's default is 25 a page, oldest first; a cursor from elsewhere is refused.
    first = graph._call("GET", f"{comment_id}/comments", {"fields": "message"}).data
    assert len(first["data"]) == 25 and first["data"][0]["message"] == "Svar 0"
    error = _refused(graph._call, "GET", f"{comment_id}/comments", {"after": "bm90LWEtY3Vyc29y"})
    assert (error.code, error.kind) == (100, ErrorKind.OTHER)


def test_an_instagram_accounts_media_newest_first_with_comments_on_or_off() -> None:
    for standin in _serve(GraphStandIn()):
        standin.instagram_account_add("17841400000000777", "moskenes", "IGQVJshort777")
        graph = Graph(token="IGQVJshort777", object_id="17841400000000777")
        standin.instagram_media_add("17841400000000777", "Kulturkveld")
        standin.instagram_media_add("17841400000000777", "Stengt", comments_enabled=False)
        (page,) = list(graph.ig_media("17841400000000777"))
        listed = [(m["caption"], m["is_comment_enabled"]) for m in page.data["data"]]
        assert listed == [("Stengt", False), ("Kulturkveld", True), ("", True)]
        with pytest.raises(ValueError, match="turned off"):
            standin.instagram_comment_add(
                "17841400000000777", "Hei", from_id="1", from_username="kari"
            )
