"""A real Celery worker, killed with SIGKILL while it sends Facebook replies, makes no
double reply once its claims are reconciled (issue 18).

Twenty citizens' comments are answered, so twenty replies are queued. The worker (two
processes, as in docker-compose) sends them to the Graph stand-in, which holds the first
two calls (``fault_add(delay=...)``) and carries them out when the hold ends, without an
answer (``after_effect``, ``drop``): the replies reach "Meta", but the worker is killed
during the hold and never hears back, so their rows stay ``sending``. A new worker sends
the other eighteen and leaves the two young claims alone. Once the claims are older than
PLATFORM_OUTBOX_CLAIM_TIMEOUT the sweep gives them back, and delivery reconciles: it reads
each comment's replies, finds the Page's reply and settles the row without posting again.

The broker is the configured one (Redis in CI); the workers use the test database and the
stand-in the test runs (``tests/posts/outbox_celery_settings.py``).
"""

import os
import signal
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from accounts.models import Account, ActionState, PlatformAction, Post, PostSource
from accounts.posts.delivery import platform_outbox_sweep
from accounts.posts.services import platform_connect, post_answer
from accounts.posts.tasks import platform_action_send
from moskenes_social.people.models import User
from standins.meta_graph import GraphStandIn
from tests.processes import StartWorker, celery_workers, process_env, worker_log

from .factories import make_post

PAGE = "100000000000042"
TOKEN = "EAAGstandinpagetoken42"  # noqa: S105 - the stand-in's, not a secret
ROWS = 20
# One held call per worker process; held long enough for the test to see both and kill.
HELD = 2
HOLD_SECONDS = 5.0

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def start_worker(meta_graph: GraphStandIn, tmp_path: Path) -> Iterator[StartWorker]:
    env = {
        **process_env(),
        "DJANGO_SETTINGS_MODULE": "tests.posts.outbox_celery_settings",
        "META_GRAPH_URL": meta_graph.url,
    }
    with celery_workers(tmp_path, env, concurrency=HELD) as start:
        yield start


def _states() -> Counter[str]:
    return Counter(PlatformAction.objects.values_list("state", flat=True))


def _page_replies(meta_graph: GraphStandIn) -> dict[str, list[str]]:
    """The ids of the Page's replies on the stand-in, by the comment they answer."""
    replies: dict[str, list[str]] = {}
    for comment in meta_graph.state()["comments"].values():
        if comment["parent_id"] and comment["from"]["id"] == PAGE and not comment["deleted"]:
            replies.setdefault(comment["parent_id"], []).append(comment["id"])
    return replies


def _calls_on_replies(meta_graph: GraphStandIn, method: str) -> Counter[str]:
    """How often each comment's ``/{comment}/comments`` was called with ``method``."""
    return Counter(
        request["path"].split("/")[1]
        for request in meta_graph.requests
        if request["method"] == method and request["path"].endswith("/comments")
    )


def test_a_worker_killed_mid_send_makes_no_double_reply_after_reconciliation(
    meta_graph: GraphStandIn,
    account: Account,
    people: dict[str, User],
    start_worker: StartWorker,
    tmp_path: Path,
) -> None:
    meta_graph.page_add(PAGE, "Reine skole", TOKEN)
    platform_connect(actor=people["eier"], account=account, page_id=PAGE, token=TOKEN)
    posts: list[Post] = []
    for n in range(ROWS):
        comment = meta_graph.comment_add(
            PAGE, f"Spørsmål {n:02d}?", from_id=f"98765{n:02d}", from_name=f"Innbygger {n}"
        )
        posts.append(
            make_post(account=account, source=PostSource.FACEBOOK, platform_id=comment["id"])
        )
    meta_graph.fault_add(
        method="POST",
        path_suffix="/comments",
        after_effect=True,
        delay=HOLD_SECONDS,
        drop=True,
        times=HELD,
    )
    # Autocommit: each answer's reply goes to the broker as it is committed.
    for n, post in enumerate(posts):
        post_answer(actor=people["svarer1"], post=post, text=f"Svar nummer {n:02d}.")
    assert _states() == {ActionState.QUEUED: ROWS}

    first = start_worker("first")
    deadline = time.monotonic() + 60
    while not (
        sum(_calls_on_replies(meta_graph, "POST").values()) == HELD
        and _states()[ActionState.SENDING] == HELD
    ):
        assert first.poll() is None, worker_log(tmp_path, "first")
        assert time.monotonic() < deadline, (_states(), worker_log(tmp_path, "first"))
        time.sleep(0.1)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()

    # Killed during the hold: the worker never heard back, its two rows stay sending.
    assert _states() == {ActionState.SENDING: HELD, ActionState.QUEUED: ROWS - HELD}
    held = set(_calls_on_replies(meta_graph, "POST"))
    assert held == set(
        PlatformAction.objects.filter(state=ActionState.SENDING).values_list("target_id", flat=True)
    )
    # The stand-in carries the held replies out when the hold ends, as Meta finishes a call
    # whose caller has gone (long before the claim timeout).
    deadline = time.monotonic() + HOLD_SECONDS + 10
    while set(_page_replies(meta_graph)) != held:
        assert time.monotonic() < deadline, _page_replies(meta_graph)
        time.sleep(0.1)

    second = start_worker("second")
    # Every action's message again, as Redis hands back the killed worker's ones.
    for action_id in PlatformAction.objects.values_list("id", flat=True):
        platform_action_send.delay(action_id)
    deadline = time.monotonic() + 60
    while _states() != {ActionState.DONE: ROWS - HELD, ActionState.SENDING: HELD}:
        assert second.poll() is None, worker_log(tmp_path, "second")
        assert time.monotonic() < deadline, (_states(), worker_log(tmp_path, "second"))
        time.sleep(0.2)

    # A claim younger than the timeout may be a live send: the sweep leaves it alone.
    assert platform_outbox_sweep() == 0
    assert _states()[ActionState.SENDING] == HELD
    later = timezone.now() + timedelta(seconds=settings.PLATFORM_OUTBOX_CLAIM_TIMEOUT + 1)
    with time_machine.travel(later, tick=False):
        assert platform_outbox_sweep() == HELD
    assert _states() == {ActionState.DONE: ROWS}

    replies = _page_replies(meta_graph)
    # Exactly one reply from the Page on every comment, the held ones included.
    assert {parent: len(ids) for parent, ids in replies.items()} == {
        post.platform_id: 1 for post in posts
    }
    # Reconciled, not resent: the held comments' replies were read, once each, and no
    # comment got a second POST.
    assert _calls_on_replies(meta_graph, "GET") == dict.fromkeys(held, 1)
    assert _calls_on_replies(meta_graph, "POST") == {post.platform_id: 1 for post in posts}
    for action in PlatformAction.objects.filter(target_id__in=held):
        assert action.attempts == 1
        assert action.result_id == replies[action.target_id][0]
