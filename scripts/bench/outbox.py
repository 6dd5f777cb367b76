"""``make bench``'s outbox: replies delivered through the app's outbox against the Graph API
stand-in, some throttled and some failing on the way, against a bare loop of the same calls.

1. Create a database of its own (``ms_bench_outbox``), migrate, and set it up through the
   app's services: Pages connected with ``platform_connect`` (token checked, feed
   subscribed, token encrypted), the citizens' comments made in the stand-in and stored as
   the webhook stores them (``post_ingest``), every one answered with ``post_answer``, which
   writes the outbox rows. Nothing of this is measured.
2. Deliver with the app's own code (``platform_outbox_sweep``, which calls
   ``platform_action_deliver`` for each due row) in this process against the stand-in on
   loopback, which throttles a share of the replies (Meta's codes 32 and 80001, the usage
   header naming the minutes to wait) and fails another share transiently (codes 2 and 1,
   half of them after the reply was made, so that only the app's reconciliation keeps it
   from being sent twice). Meta's waits are minutes, so time is virtual: ``time_machine``
   moves the clock on to the next due row whenever nothing is due, and the stand-in reads
   the same clock to know whether a call comes for a Page that was told to wait.
3. Check: every action done, every citizen comment exactly one reply of its Page (the one
   the action names), no call sent while its Page was throttled.
4. The bare loop: the same replies as plain ``Graph.reply`` calls, against a fresh
   stand-in without faults, once before the outbox and once after.

Reported: the outbox's rate (replies a second of wall time spent in the sweep: HTTP and
database, none of the virtual waiting), the bare loop's, their ratio, the virtual time the
delivery took, the throttled and transient answers, and database statements a reply.

    .venv/bin/python -m scripts.bench.outbox                  # 10,000 replies
    .venv/bin/python -m scripts.bench.outbox --smoke          # 200 replies, seconds
    .venv/bin/python -m scripts.bench.outbox --throttled 0 --transient 0
"""

import argparse
import json
import os
import secrets
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.fernet import Fernet

from scripts.bench.run import database_drop, database_recreate, database_url, database_vacuum
from standins.meta_graph import GraphStandIn

if TYPE_CHECKING:
    from accounts.models import Account, Post
    from moskenes_social.people.models import User

ROOT = Path(__file__).resolve().parents[2]
DATABASE_PREFIX = "ms_bench_outbox"
# The stand-in's own rate window is kept out of the way: the faults decide who is throttled.
NO_RATE_WINDOW = 10**9


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Reply:
    page_id: str
    token: str
    comment_id: str
    text: str


@dataclass(frozen=True)
class Page:
    page_id: str
    name: str
    token: str


def _pages(count: int) -> list[Page]:
    return [
        Page(
            page_id=str(100_000_000_000_000 + n),
            name=f"Benk {n}",
            token=f"EAAGbench{n}{secrets.token_hex(8)}",
        )
        for n in range(1, count + 1)
    ]


def _standin(pages: list[Page], *, seed: int | None = None) -> GraphStandIn:
    # The clock of time_machine (time.time is patched while it travels; monotonic is not).
    standin = GraphStandIn(calls_per_minute=NO_RATE_WINDOW, clock=time.time, seed=seed)
    standin.start()
    for page in pages:
        standin.page_add(page.page_id, page.name, page.token)
    return standin


# --- Setting up, through the app's services --------------------------------------------------


def _people_and_accounts(pages: list[Page]) -> list[tuple["Account", "User", "User"]]:
    """Per Page an active Facebook account with an owner and a responder."""
    from accounts.models import Account, Platform, Responsibility, ResponsibilityRole
    from moskenes_social.people.models import Unit, User

    unit = Unit.objects.create(name="Benkenheten", slug="benk")
    registrar = User.objects.create(username="benk-registrar", unit=unit)
    made = []
    for n, page in enumerate(pages, start=1):
        owner = User.objects.create(username=f"benk-eier-{n}", unit=unit)
        responder = User.objects.create(username=f"benk-svarer-{n}", unit=unit)
        account = Account.objects.create(
            unit=unit,
            platform=Platform.FACEBOOK,
            name=page.name,
            handle=f"benk{n}",
            url=f"https://www.facebook.com/benk{n}",
            created_by=registrar,
        )
        for user, role in (
            (owner, ResponsibilityRole.OWNER),
            (responder, ResponsibilityRole.RESPONDER),
        ):
            Responsibility.objects.create(
                account=account, user=user, role=role, assigned_by=registrar
            )
        made.append((account, owner, responder))
    return made


def _batches(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def setup(*, standin: GraphStandIn, pages: list[Page], replies: int) -> list[Reply]:
    """Connect the Pages, store the citizens' comments as posts, answer every one (the
    outbox rows); returns the replies in the order they were queued."""
    from django.db import transaction
    from django.test.utils import override_settings
    from django.utils import timezone

    from accounts.models import PostSource
    from accounts.posts.outbox import platform_url
    from accounts.posts.services import platform_connect, post_answer, post_ingest
    from policy.selectors import policy_in_force

    with override_settings(META_GRAPH_URL=standin.url):
        people = _people_and_accounts(pages)
        for page, (account, owner, _responder) in zip(pages, people, strict=True):
            platform_connect(actor=owner, account=account, page_id=page.page_id, token=page.token)
    policy = policy_in_force()
    posted_at = timezone.now() - timedelta(hours=1)
    queued: list[Reply] = []
    posts: list[tuple[Post, User, Reply]] = []
    for batch in _batches(list(range(replies)), 500):
        with transaction.atomic():
            for n in batch:
                page = pages[n % len(pages)]
                account, _owner, responder = people[n % len(pages)]
                question = f"Spørsmål {n}: når åpner bassenget etter ferien?"
                comment = standin.comment_add(
                    page.page_id,
                    question,
                    from_id=str(900_000 + n),
                    from_name=f"Innbygger {n}",
                    webhook=False,
                )
                post, created = post_ingest(
                    account=account,
                    platform_id=comment["id"],
                    author=f"Innbygger {n}",
                    text=question,
                    url=platform_url("facebook", comment["id"]),
                    posted_at=posted_at,
                    source=PostSource.FACEBOOK,
                    policy=policy,
                )
                if not created:
                    raise RuntimeError(f"comment {comment['id']} was stored already")
                reply = Reply(
                    page_id=page.page_id,
                    token=page.token,
                    comment_id=comment["id"],
                    text=f"Svar {n}: bassenget åpner mandag klokka ti.",
                )
                posts.append((post, responder, reply))
        log(f"    {len(posts):,} posts")
    for batch in _batches(posts, 500):
        with transaction.atomic():
            for post, responder, reply in batch:
                post_answer(actor=responder, post=post, text=reply.text)
                queued.append(reply)
        log(f"    {len(queued):,} answered")
    return queued


# --- Delivering ------------------------------------------------------------------------------


class StatementCounter:
    """A database execute wrapper (Django's instrumentation hook) that counts statements
    by their first word: SELECT, UPDATE, INSERT, SAVEPOINT, RELEASE."""

    def __init__(self) -> None:
        self.by_kind: Counter[str] = Counter()

    def __call__(
        self,
        execute: Callable[..., Any],
        sql: str,
        params: Any,
        many: bool,
        context: dict[str, Any],
    ) -> Any:
        self.by_kind[sql.lstrip().split(None, 1)[0].upper()] += 1
        return execute(sql, params, many, context)

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())


@contextmanager
def _statements_counted(counter: StatementCounter) -> Iterator[None]:
    from django.db import connection

    with connection.execute_wrapper(counter):
        yield


def deliver(*, standin: GraphStandIn) -> dict[str, Any]:
    """Sweep the outbox until nothing is left queued, moving the virtual clock to the next
    due row whenever nothing is due. Only the sweeps are timed."""
    import time_machine
    from django.db.models.functions import Coalesce, Greatest
    from django.test.utils import override_settings
    from django.utils import timezone

    from accounts.models import ActionState, PlatformAction
    from accounts.posts.delivery import platform_outbox_sweep

    counter = StatementCounter()
    wall = 0.0
    sweeps = deliveries = jumps = idle = 0
    waited = timedelta()
    start = datetime.now(tz=UTC)
    with (
        override_settings(META_GRAPH_URL=standin.url),
        time_machine.travel(start, tick=True) as traveller,
    ):
        while True:
            with _statements_counted(counter):
                began = time.perf_counter()
                handled = platform_outbox_sweep()
                wall += time.perf_counter() - began
            sweeps += 1
            deliveries += handled
            if sweeps % 250 == 0:
                done = PlatformAction.objects.filter(state=ActionState.DONE).count()
                log(f"    {done:,} done, {deliveries:,} deliveries, {wall:.0f} s")
            if handled:
                idle = 0
                continue
            # A row is due at its time, or when its Page's pause ends, whichever is later.
            next_due = (
                PlatformAction.objects.filter(state=ActionState.QUEUED)
                .annotate(
                    due=Greatest(
                        "not_before", Coalesce("account__connection__paused_until", "not_before")
                    )
                )
                .order_by("due")
                .values_list("due", flat=True)
                .first()
            )
            if next_due is None:
                break
            wait = next_due - timezone.now()
            if wait > timedelta(0):
                traveller.shift(wait)
                waited += wait
                jumps += 1
            idle += 1
            if idle > 100:
                raise RuntimeError("rows stay queued and due, but the sweep takes none")
        virtual = datetime.now(tz=UTC) - start
    return {
        "wall_seconds": round(wall, 3),
        "virtual_seconds": round(virtual.total_seconds(), 1),
        "virtual_waited_seconds": round(waited.total_seconds(), 1),
        "sweeps": sweeps,
        "clock_jumps": jumps,
        "deliveries": deliveries,
        "statements": counter.total,
        "statements_by_kind": dict(counter.by_kind.most_common()),
    }


def check(*, standin: GraphStandIn, replies: list[Reply]) -> dict[str, Any]:
    """Every action done, its post still answered; every citizen comment has exactly one
    reply from its Page, the one its action names; no call came for a Page while it was
    throttled."""
    from accounts.models import ActionState, PlatformAction, Post, PostStatus

    state = standin.state()
    pages = set(state["pages"])
    by_parent: Counter[str] = Counter()
    reply_ids = set()
    for comment in state["comments"].values():
        if comment["parent_id"] and comment["from"]["id"] in pages and not comment["deleted"]:
            by_parent[comment["parent_id"]] += 1
            reply_ids.add(comment["id"])
    states = Counter(PlatformAction.objects.values_list("state", flat=True))
    result_ids = set(PlatformAction.objects.values_list("result_id", flat=True))
    counts = Counter(by_parent[reply.comment_id] for reply in replies)
    answered = Post.objects.filter(status=PostStatus.ANSWERED).exclude(answer_url="").count()
    result = {
        "actions": dict(states),
        "comments_with_one_reply": counts.get(1, 0),
        "comments_without_reply": counts.get(0, 0),
        "comments_with_more": sum(n for k, n in counts.items() if k > 1),
        "replies_are_the_actions": result_ids == reply_ids,
        "posts_answered_with_link": answered,
        "sent_while_throttled": state["sent_while_throttled"],
    }
    result["ok"] = (
        states == Counter({ActionState.DONE: len(replies)})
        and counts == Counter({1: len(replies)})
        and result["replies_are_the_actions"]
        and answered == len(replies)
        and state["sent_while_throttled"] == 0
    )
    return result


def answers_seen(standin: GraphStandIn) -> dict[str, Any]:
    """What the stand-in answered: the faults' counts against the reply calls made."""
    fired = Counter[str]()
    for fault in standin.state()["faults"]:
        kind = "throttled" if fault["code"] in (32, 80001) else "transient"
        fired[kind] += fault["fired"]
    requests = standin.requests
    posts = sum(1 for r in requests if r["method"] == "POST" and r["path"].endswith("/comments"))
    reads = sum(1 for r in requests if r["method"] == "GET" and r["path"].endswith("/comments"))
    return {
        "reply_calls": posts,
        "reconciling_reads": reads,
        "throttled": fired["throttled"],
        "transient": fired["transient"],
        "throttled_share": round(fired["throttled"] / posts, 4) if posts else 0.0,
        "transient_share": round(fired["transient"] / posts, 4) if posts else 0.0,
    }


# --- The bare loop ---------------------------------------------------------------------------


def bare_loop(*, pages: list[Page], replies: list[Reply]) -> dict[str, Any]:
    """The same reply calls with the app's Graph client in a plain loop, against a fresh
    stand-in without faults (the same comment ids)."""
    from django.test.utils import override_settings

    from accounts.posts.graph import Graph

    standin = _standin(pages)
    try:
        for reply in replies:
            standin.comment_add(
                reply.page_id,
                "Spørsmål",
                from_id="900000",
                from_name="Innbygger",
                comment_id=reply.comment_id,
                webhook=False,
            )
        graphs = {page.page_id: Graph(token=page.token, object_id=page.page_id) for page in pages}
        with override_settings(META_GRAPH_URL=standin.url):
            began = time.perf_counter()
            for reply in replies:
                graphs[reply.page_id].reply(reply.comment_id, reply.text)
            wall = time.perf_counter() - began
        made = sum(1 for c in standin.state()["comments"].values() if c["parent_id"])
    finally:
        standin.stop()
    return {
        "wall_seconds": round(wall, 3),
        "per_second": round(len(replies) / wall, 1),
        "replies_made": made,
    }


# --- Running ---------------------------------------------------------------------------------


def _environment(args: argparse.Namespace, database: str) -> None:
    """The bench settings (production plus the bench app) for this process."""
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "moskenes_social.settings.bench",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": database_url(args.database_url, database),
            "PLATFORM_TOKEN_KEYS": Fernet.generate_key().decode(),
            # The tasks that post_answer sends after commit go to an in-memory queue that
            # nobody reads: the sweep delivers (as it does what a lost message left).
            "CELERY_BROKER_URL": "memory://",
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "VAR_DIR": str(args.var_dir / "var"),
            "LOG_LEVEL": "WARNING",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )


def _faults(standin: GraphStandIn, *, throttled: float, transient: float, regain: int) -> None:
    """Throttled: half Meta's Page limit (32), half the Pages business use case's (80001).
    Transient: half before the reply is made (2), half after it (1): the answer is an
    error but the reply is there, and only the reconciliation keeps it single."""
    if throttled:
        standin.fault_rate_add("page_limit", throttled / 2, regain_minutes=regain)
        standin.fault_rate_add("business_limit", throttled / 2, regain_minutes=regain)
    if transient:
        standin.fault_rate_add("service", transient / 2)
        standin.fault_rate_add("unknown", transient / 2, after_effect=True)


def table(result: dict[str, Any]) -> str:
    outbox, seen = result["outbox"], result["answers"]
    bare = result["bare"]
    lines = [
        f"{'loop':<28} {'replies/s':>10} {'wall s':>8} {'ratio':>6}",
        f"{'bare, before':<28} {bare[0]['per_second']:>10.1f} {bare[0]['wall_seconds']:>8.1f}",
        f"{'bare, after':<28} {bare[1]['per_second']:>10.1f} {bare[1]['wall_seconds']:>8.1f}",
        f"{'outbox (sweep)':<28} {outbox['per_second']:>10.1f} {outbox['wall_seconds']:>8.1f} "
        f"{result['ratio']:>6.2f}",
        "",
        f"virtual time {timedelta(seconds=round(outbox['virtual_seconds']))} "
        f"({outbox['clock_jumps']} jumps), {outbox['sweeps']} sweeps, "
        f"{outbox['deliveries']} deliveries",
        f"reply calls {seen['reply_calls']}: throttled {seen['throttled']} "
        f"({seen['throttled_share']:.1%}), transient {seen['transient']} "
        f"({seen['transient_share']:.1%}); reconciling reads {seen['reconciling_reads']}",
        f"statements a reply {outbox['statements_per_reply']:.1f} "
        f"({outbox['statements_per_delivery']:.1f} a delivery): "
        + ", ".join(f"{k} {v}" for k, v in outbox["statements_by_kind"].items()),
        f"check {'ok' if result['check']['ok'] else 'FAILED'}: {result['check']}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--replies", type=int, default=10_000)
    parser.add_argument(
        "--pages",
        type=int,
        default=100,
        help="Pages (accounts) the replies are spread over (the cost grows with replies a Page)",
    )
    parser.add_argument("--throttled", type=float, default=0.10, help="share of reply calls")
    parser.add_argument("--transient", type=float, default=0.05, help="share of reply calls")
    parser.add_argument(
        "--regain-minutes", type=int, default=5, help="the wait a throttling answer names"
    )
    parser.add_argument("--seed", type=int, default=1, help="the stand-in's fault draws")
    parser.add_argument("--smoke", action="store_true", help="200 replies on 4 Pages")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="server to create the database on",
    )
    parser.add_argument(
        "--database", default=DATABASE_PREFIX, help=f"its name; must start with {DATABASE_PREFIX}"
    )
    parser.add_argument("--keep-data", action="store_true", help="do not drop the database")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bench" / "outbox.json")
    parser.add_argument("--var-dir", type=Path, default=ROOT / "var" / "bench")
    args = parser.parse_args(argv)
    if args.smoke:
        args.replies, args.pages = 200, 4
    if not args.database.startswith(DATABASE_PREFIX):
        parser.error(f"--database must start with {DATABASE_PREFIX}")
    if args.throttled + args.transient > 1 or min(args.throttled, args.transient) < 0:
        parser.error("--throttled and --transient are shares that add up to at most 1")

    _environment(args, args.database)
    # Stopped from outside: still drop the database (the finally below).
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    log(f"creating database {args.database}, migrating")
    database_recreate(args.database_url, args.database)
    try:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", interactive=False, verbosity=0)
        pages = _pages(args.pages)
        standin = _standin(pages, seed=args.seed)
        try:
            log(f"setting up {args.replies:,} answered comments on {args.pages} Pages")
            began = time.perf_counter()
            replies = setup(standin=standin, pages=pages, replies=args.replies)
            setup_seconds = time.perf_counter() - began
            database_vacuum(args.database_url, args.database)
            log("bare loop")
            bare_before = bare_loop(pages=pages, replies=replies)
            log(f"outbox: {args.throttled:.0%} throttled, {args.transient:.0%} transient")
            _faults(
                standin,
                throttled=args.throttled,
                transient=args.transient,
                regain=args.regain_minutes,
            )
            outbox = deliver(standin=standin)
            log("bare loop again")
            bare_after = bare_loop(pages=pages, replies=replies)
            checked = check(standin=standin, replies=replies)
            seen = answers_seen(standin)
        finally:
            standin.stop()
        from django.db import connection

        connection.close()
    finally:
        if not args.keep_data:
            database_drop(args.database_url, args.database)

    outbox["per_second"] = round(len(replies) / outbox["wall_seconds"], 1)
    outbox["statements_per_reply"] = round(outbox["statements"] / len(replies), 2)
    outbox["statements_per_delivery"] = round(outbox["statements"] / outbox["deliveries"], 2)
    bare_rate = (bare_before["per_second"] + bare_after["per_second"]) / 2
    result = {
        "when": datetime.now(tz=UTC).isoformat(timespec="seconds"),
        "settings": {
            "replies": args.replies,
            "pages": args.pages,
            "throttled": args.throttled,
            "transient": args.transient,
            "regain_minutes": args.regain_minutes,
            "seed": args.seed,
            "cpus": os.cpu_count(),
        },
        "setup_seconds": round(setup_seconds, 1),
        "bare": [bare_before, bare_after],
        "outbox": outbox,
        "ratio": round(outbox["per_second"] / bare_rate, 3),
        "answers": seen,
        "check": checked,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(table(result))
    print(f"\nJSON: {args.out}")
    return 0 if checked["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
