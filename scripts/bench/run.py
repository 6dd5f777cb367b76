"""``make bench``: the app under its production server, on loopback, loaded from this process.

For each scale: create a PostgreSQL database of its own (``ms_bench_<scale>``), migrate,
generate data (``manage.py bench_data``), start the server with the bench settings
(production plus a query counter and the reference page), measure every page against the
reference, stop the server. Prints a table and writes JSON (``var/bench/results.json``).

    .venv/bin/python -m scripts.bench.run                  # small and national, granian
    .venv/bin/python -m scripts.bench.run --compare-servers --scales small
    .venv/bin/python -m scripts.bench.run --smoke --out /tmp/smoke.json

Bounded: every page gets at most --requests requests within --duration seconds.
"""

import argparse
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg2
import redis
from celery import Celery
from psycopg2 import sql

from scripts.bench.load import RawResult, load_page, load_webhook, summarize, webhook_deliveries

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
BIN = Path(PYTHON).parent


@dataclass(frozen=True)
class Server:
    name: str
    description: str

    def command(self, port: int) -> list[str]:
        app = "moskenes_social.wsgi:application"
        bind = f"127.0.0.1:{port}"
        if self.name == "gunicorn-sync":
            return [str(BIN / "gunicorn"), app, "--bind", bind, "--workers", "4"]
        if self.name == "gunicorn-gthread":
            return [
                str(BIN / "gunicorn"),
                app,
                "--bind",
                bind,
                "--worker-class",
                "gthread",
                "--workers",
                "2",
                "--threads",
                "4",
            ]
        if self.name in {"granian", "granian-2t"}:
            return [
                str(BIN / "granian"),
                "--interface",
                "wsgi",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                "2",
                "--blocking-threads",
                "2" if self.name == "granian-2t" else "1",
                "--no-access-log",
                app,
            ]
        raise ValueError(self.name)


SERVERS = {
    "gunicorn-sync": Server("gunicorn-sync", "gunicorn, 4 sync workers"),
    "gunicorn-gthread": Server("gunicorn-gthread", "gunicorn, 2 gthread workers x 4 threads"),
    "granian": Server("granian", "granian --interface wsgi, 2 workers, --blocking-threads 1"),
    "granian-2t": Server("granian-2t", "granian --interface wsgi, 2 workers, --blocking-threads 2"),
}
# The server docker-compose.yml and the Dockerfile use (see the README's figures).
DEFAULT_SERVER = "granian"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def database_url(base: str, name: str) -> str:
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))


def database_exists(base: str, name: str) -> bool:
    with psycopg2.connect(database_url(base, "postgres")) as conn, conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cur.fetchone() is not None


def database_recreate(base: str, name: str) -> None:
    if not name.startswith("ms_bench"):
        raise ValueError(f"refusing to drop {name!r}: not a benchmark database")
    conn = psycopg2.connect(database_url(base, "postgres"))
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        conn.close()


def database_drop(base: str, name: str) -> None:
    if not name.startswith("ms_bench"):
        raise ValueError(f"refusing to drop {name!r}: not a benchmark database")
    conn = psycopg2.connect(database_url(base, "postgres"))
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
    finally:
        conn.close()


def database_vacuum(base: str, name: str) -> None:
    """VACUUM ANALYZE a benchmark database, as autovacuum would leave it: the rows that
    earlier runs deleted (webhook posts, sweep posts, their notifications) are gone, the
    visibility map allows index-only scans and the planner's statistics are fresh, so a
    run on reused data measures the same database as a run on new data."""
    conn = psycopg2.connect(database_url(base, name))
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
    finally:
        conn.close()


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def manage_json(env: dict[str, str], *args: str) -> dict[str, Any]:
    """Run a management command that prints one JSON object; return it."""
    completed = subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


@contextmanager
def serving(server: Server, env: dict[str, str], port: int) -> Iterator[str]:
    """Run the server until the block ends; yields its base URL once /healthz/ answers."""
    process = subprocess.Popen(  # noqa: S603
        server.command(port), cwd=ROOT, env=env, start_new_session=True
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{server.name} exited with {process.returncode}")
            try:
                if httpx.get(f"{base_url}/healthz/", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{server.name} did not answer within 60 s")
            time.sleep(0.3)
        yield base_url
    finally:
        # The server and its workers are in a process group of their own (this process
        # started it), so they all stop together.
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def measure(
    *,
    base_url: str,
    targets: dict[str, Any],
    requests: int,
    duration: float,
    concurrency: int,
    warmup: int,
    rounds: int,
    only: set[str] | None = None,
) -> list[dict[str, Any]]:
    """Each page in ``rounds`` rounds, each round a burst of the reference right before a
    burst of the page: the ratio is the median of the rounds' page/reference throughput,
    so load from other processes on a shared machine shifts both sides alike."""
    cookie = targets["session_cookie"]
    pages = {page["name"]: page for page in targets["pages"]}
    reference = pages.pop("reference")
    per_burst = max(1, requests // rounds)

    def burst(page: dict[str, Any]) -> RawResult:
        return load_page(
            base_url=base_url,
            path=page["path"],
            cookies={cookie: page["session"]} if page["session"] else None,
            requests=per_burst,
            duration=duration / rounds,
            concurrency=concurrency,
            warmup=warmup,
        )

    reference_bursts: list[RawResult] = []
    rows: list[dict[str, Any]] = []
    for name, page in pages.items():
        if only and name not in only:
            continue
        bursts, ratios = [], []
        for _ in range(rounds):
            before = burst(reference)
            after = burst(page)
            reference_bursts.append(before)
            bursts.append(after)
            ratios.append(after.rps / before.rps if before.rps else 0.0)
        result = summarize(name, page["path"], bursts)
        row = result.as_dict()
        row["ratio"] = round(statistics.median(ratios), 3)
        row["ratios"] = [round(r, 3) for r in ratios]
        log(
            f"    {name:<16} {result.rps:8.1f} req/s  p50 {result.median_ms:7.1f} ms  "
            f"p95 {result.p95_ms:7.1f} ms  queries {result.queries}  ratio {row['ratio']:.2f}  "
            f"errors {result.errors}"
        )
        rows.append(row)
    ref = summarize("reference", reference["path"], reference_bursts).as_dict()
    ref["ratio"] = 1.0
    ref["ratios"] = []
    return [ref, *rows]


# --- Webhook ingestion ------------------------------------------------------------------------

WEBHOOK_PATH = "/innlegg/webhook/facebook/"
WEBHOOK_REFERENCE_PATH = "/bench/webhook-referanse/"


def measure_webhook(
    *,
    base_url: str,
    env: dict[str, str],
    page_ids: list[str],
    requests: int,
    duration: float,
    concurrency: int,
    rounds: int,
) -> dict[str, Any]:
    """Signed comment deliveries (10% replays) to the webhook, each round right after a
    burst to the reference view (signature check, 200); then one post per distinct id."""
    secret = env["FACEBOOK_APP_SECRET"]
    per_burst = max(1, requests // rounds)
    token = secrets.token_hex(3)
    prefix = f"bench-hook-{token}-"
    references, bursts, ratios = [], [], []
    delivered: set[str] = set()
    sent = 0
    for r in range(rounds):
        ref, _ids = load_webhook(
            base_url=base_url,
            path=WEBHOOK_REFERENCE_PATH,
            deliveries=webhook_deliveries(
                page_ids=page_ids, prefix=f"bench-ref-{token}-{r}-", count=per_burst, secret=secret
            ),
            duration=duration / rounds,
            concurrency=concurrency,
        )
        deliveries = webhook_deliveries(
            page_ids=page_ids, prefix=f"{prefix}{r}-", count=per_burst, secret=secret
        )
        real, ids = load_webhook(
            base_url=base_url,
            path=WEBHOOK_PATH,
            deliveries=deliveries,
            duration=duration / rounds,
            concurrency=concurrency,
        )
        sent += len(real.latencies) + real.errors
        delivered |= ids
        references.append(ref)
        bursts.append(real)
        ratios.append(real.rps / ref.rps if ref.rps else 0.0)
    check = manage_json(env, "bench_work", "webhook-check", "--prefix", prefix)
    check["delivered_distinct_ids"] = len(delivered)
    check["ok"] = (
        check["posts"] == check["distinct_ids"] == len(delivered) and not check["duplicated_ids"]
    )
    reference = summarize("webhook_reference", WEBHOOK_REFERENCE_PATH, references).as_dict()
    reference["ratio"] = 1.0
    row = summarize("webhook", WEBHOOK_PATH, bursts).as_dict()
    row["ratio"] = round(statistics.median(ratios), 3)
    row["ratios"] = [round(x, 3) for x in ratios]
    row["deliveries"] = sent
    row["check"] = check
    log(
        f"    webhook          {row['rps']:8.1f} req/s  p50 {row['median_ms']:7.1f} ms  "
        f"queries {row['queries']}  ratio {row['ratio']:.2f}  reference {reference['rps']:.1f} "
        f"req/s  check {'ok' if check['ok'] else 'FAILED'} {check}"
    )
    return {"reference": reference, "webhook": row}


# --- The reminder sweep -------------------------------------------------------------------------


@contextmanager
def celery_workers(
    env: dict[str, str], redis_url: str, count: int, log_dir: Path
) -> Iterator[Celery]:
    """``count`` real Celery worker processes (solo pool: one task at a time each) on the
    queue ``bench`` with the bench tasks; yields a client app once all answer a ping."""
    # The bench owns this Redis database: start from an empty one, so that no task left
    # queued or unacknowledged by an earlier, interrupted run keeps a solo worker busy
    # (a busy solo worker cannot answer the ping below).
    redis.Redis.from_url(redis_url).flushdb()
    # Celery lets the CELERY_BROKER_URL environment variable win over ``broker=``; the
    # test suite and CI set it to their own Redis database, so name the bench's here.
    os.environ["CELERY_BROKER_URL"] = redis_url
    app = Celery("bench-runner", broker=redis_url)
    app.conf.broker_connection_retry_on_startup = True
    # A fresh name per group: a group started right after another must not share node
    # names with the one just stopped (its pidbox may linger in Redis).
    group = f"{os.getpid()}x{secrets.token_hex(3)}"
    processes = []
    log_dir.mkdir(parents=True, exist_ok=True)
    log_file = (log_dir / "celery-workers.log").open("ab")
    try:
        for i in range(count):
            processes.append(
                subprocess.Popen(  # noqa: S603
                    [
                        str(BIN / "celery"),
                        "-A",
                        "moskenes_social",
                        "worker",
                        "--pool",
                        "solo",
                        "--queues",
                        "bench",
                        "--include",
                        "bench.tasks",
                        "--hostname",
                        f"bench{i + 1}-{group}@%h",
                        "--without-gossip",
                        "--without-mingle",
                        "--loglevel",
                        os.environ.get("BENCH_WORKER_LOGLEVEL", "WARNING"),
                    ],
                    cwd=ROOT,
                    env=env,
                    start_new_session=True,
                    stdout=log_file,
                    stderr=subprocess.STDOUT,
                )
            )
        deadline = time.monotonic() + 180
        while True:
            for p in processes:
                if p.poll() is not None:
                    raise RuntimeError(f"a Celery worker exited with {p.returncode}")
            replies = app.control.ping(timeout=2.0)
            names = {name for reply in replies or [] for name in reply}
            if sum(1 for n in names if f"-{group}@" in n) >= count:
                break
            if time.monotonic() > deadline:
                raise RuntimeError("the Celery workers did not answer within 180 s")
        yield app
    finally:
        for p in processes:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
        for p in processes:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        log_file.close()


def purge_queues(redis_url: str) -> None:
    """Empty the benchmark's queues in its own Redis database: ``bench`` and the default
    queue, where the reminders' e-mail deliveries wait (they are not what is measured)."""
    import redis

    redis.Redis.from_url(redis_url).delete("bench", "celery")


def sweep_once(
    *,
    app: Celery,
    env: dict[str, str],
    redis_url: str,
    kind: str,
    workers: int,
    posts: int,
    duration: float,
    finish: bool,
) -> dict[str, Any]:
    """Make ``posts`` reminders fall due at once; ``workers`` tasks sweep them until none
    is due or ``duration`` seconds pass; then check exactly once."""
    import redis

    prepared = manage_json(env, "bench_work", "sweep-prepare", "--posts", str(posts))
    purge_queues(redis_url)
    client = redis.Redis.from_url(redis_url, socket_timeout=60)
    run = secrets.token_hex(4)
    since = datetime.now(tz=UTC)
    until = time.time() + duration
    for _ in range(workers):
        app.send_task(
            "bench.tasks.bench_sweep",
            kwargs={"kind": kind, "until": until, "run": run},
            queue="bench",
        )
    reports: list[dict[str, Any]] = []
    deadline = time.monotonic() + duration + 120
    while len(reports) < workers:
        popped = client.blpop([f"bench:{run}"], timeout=5)
        if popped is not None:
            reports.append(json.loads(popped[1]))
        elif time.monotonic() > deadline:
            raise RuntimeError("a sweep task did not report back")
    client.delete(f"bench:{run}")
    purge_queues(redis_url)
    errors = [r["error"] for r in reports if r.get("error")]
    if errors:
        raise RuntimeError(f"the {kind} sweep failed in a worker: {errors}")
    handled = sum(r["handled"] for r in reports)
    seconds = max(r["ended"] for r in reports) - min(r["started"] for r in reports)
    check_args = ["--since", since.isoformat(), "--stage", prepared["stage"]]
    if kind == "reference":
        check_args.append("--reference")
    if finish:
        check_args.append("--finish")
    check = manage_json(env, "bench_work", "sweep-check", *check_args)
    check["ok"] = (
        check["claimed"] == handled
        and not check["missing"]
        and not check["duplicates"]
        and not check["unexpected"]
    )
    row = {
        "name": f"{kind}_{workers}",
        "kind": kind,
        "workers": workers,
        "posts": posts,
        "handled": handled,
        "seconds": round(seconds, 2),
        "per_second": round(handled / seconds, 1) if seconds else 0.0,
        "completed": check["still_due"] == 0,
        "check": check,
    }
    log(
        f"    sweep {kind:<10} x{workers}  {row['per_second']:8.1f}/s  {handled} in "
        f"{row['seconds']} s  check {'ok' if check['ok'] else 'FAILED'} {check}"
    )
    return row


def measure_sweep(
    *, env: dict[str, str], redis_url: str, posts: int, duration: float, log_dir: Path
) -> list[dict[str, Any]]:
    """The reference loop and the real sweep, each with one worker and with two; the
    ratio is the sweep's rate over the reference's with as many workers."""
    rows: list[dict[str, Any]] = []
    with celery_workers(env, redis_url, 2, log_dir) as app:
        plan = [(k, w) for w in (1, 2) for k in ("reference", "reminders")]
        for i, (kind, workers) in enumerate(plan):
            rows.append(
                sweep_once(
                    app=app,
                    env=env,
                    redis_url=redis_url,
                    kind=kind,
                    workers=workers,
                    posts=posts,
                    duration=duration,
                    finish=i == len(plan) - 1,
                )
            )
    by_name = {r["name"]: r for r in rows}
    for r in rows:
        ref = by_name[f"reference_{r['workers']}"]["per_second"]
        r["ratio"] = round(r["per_second"] / ref, 3) if ref else None
    return rows


def table(runs: list[dict[str, Any]]) -> str:
    lines = [
        f"{'scale':<9} {'server':<17} {'page':<16} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'queries':>7} {'ratio':>6} {'errors':>6}"
    ]
    for run in runs:
        for p in run["pages"]:
            ratio = f"{p['ratio']:.2f}" if p["ratio"] is not None else "-"
            queries = "-" if p["queries"] is None else str(p["queries"])
            if p["queries_min"] != p["queries_max"]:
                queries += "*"
            lines.append(
                f"{run['scale']:<9} {run['server']:<17} {p['name']:<16} {p['rps']:>8.1f} "
                f"{p['median_ms']:>8.1f} {p['p95_ms']:>8.1f} {queries:>7} {ratio:>6} "
                f"{p['errors']:>6}"
            )
    return "\n".join(lines)


def background_table(runs: list[dict[str, Any]], sweeps: list[dict[str, Any]]) -> str:
    """The webhook and the sweep: rate, reference rate, ratio, and the exactly-once check."""
    lines = [
        f"{'scale':<9} {'workload':<24} {'per s':>8} {'ref per s':>9} {'ratio':>6} "
        f"{'done':>10} {'check':>6}"
    ]
    for run in runs:
        hook = run.get("webhook")
        if not hook:
            continue
        w, ref = hook["webhook"], hook["reference"]
        done = f"{w['check']['posts']}/{w['deliveries']}"
        lines.append(
            f"{run['scale']:<9} {'webhook (' + run['server'] + ')':<24} {w['rps']:>8.1f} "
            f"{ref['rps']:>9.1f} {w['ratio']:>6.2f} {done:>10} "
            f"{'ok' if w['check']['ok'] else 'FAIL':>6}"
        )
    for sweep in sweeps:
        by_name = {r["name"]: r for r in sweep["runs"]}
        for r in sweep["runs"]:
            if r["kind"] != "reminders":
                continue
            ref = by_name[f"reference_{r['workers']}"]
            ratio = f"{r['ratio']:.2f}" if r["ratio"] is not None else "-"
            ok = r["check"]["ok"] and ref["check"]["ok"]
            lines.append(
                f"{sweep['scale']:<9} {'sweep, ' + str(r['workers']) + ' worker(s)':<24} "
                f"{r['per_second']:>8.1f} {ref['per_second']:>9.1f} {ratio:>6} "
                f"{str(r['handled']) + '/' + str(r['posts']):>10} {'ok' if ok else 'FAIL':>6}"
            )
    return "\n".join(lines)


def measure_screening(env: dict[str, str], *, smoke: bool) -> dict[str, Any]:
    """``scripts/bench/screening.py`` in a process of its own (no database): what screening
    a post costs and how many ordinary posts it marks."""
    size = ["--generated", "200", "--rounds", "1"] if smoke else []
    completed = subprocess.run(  # noqa: S603
        [PYTHON, "-m", "scripts.bench.screening", "--json", *size],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def screening_lines(screening: dict[str, Any], runs: list[dict[str, Any]]) -> str:
    """The screening's cost a post beside the webhook's time a delivery (its median), and
    the share of ordinary posts it marks."""
    rows = {(r["corpus"], r["screening"]): r for r in screening["rows"]}
    ordinary = rows[("ordinary comments", "version 1")]
    generated = rows[("bench (generated)", "version 1")]
    lines = [
        f"Screening a post (version 1's list, in-process): {ordinary['us_per_post']:.1f} µs on "
        f"ordinary comments, {generated['us_per_post']:.1f} µs on the bench's posts; marked "
        + ", ".join(
            f"{r['corpus']} {r['marked']}/{r['posts']} ({r['screening']})"
            for r in screening["rows"]
            if r["corpus"] != "sensitive comments"
        )
    ]
    for run in runs:
        hook = run.get("webhook")
        if hook:
            rps = hook["webhook"]["rps"]
            # The server's time a delivery is its throughput's inverse (the p50 latency
            # includes the wait of 8 connections in turn).
            each_ms = 1000 / rps if rps else 0.0
            share = ordinary["us_per_post"] / 1000 / each_ms if each_ms else 0.0
            lines.append(
                f"  beside the webhook ({run['scale']}, {run['server']}): {rps:.1f} deliveries "
                f"a second, {each_ms:.1f} ms each (p50 latency {hook['webhook']['median_ms']:.1f} "
                f"ms), ratio {hook['webhook']['ratio']:.2f}; screening a comment is {share:.2%}"
                " of a delivery"
            )
    return "\n".join(lines)


def growth_table(runs: list[dict[str, Any]], server: str) -> str:
    by_scale = {
        r["scale"]: {p["name"]: p for p in r["pages"]} for r in runs if r["server"] == server
    }
    if len(by_scale) < 2:
        return ""
    scales = list(by_scale)
    header = f"{'page':<16}" + "".join(
        f" {s + ' req/s':>16} {s + ' q':>12} {s + ' ratio':>14}" for s in scales
    )
    lines = [f"Growth ({server})", header]
    for name in by_scale[scales[0]]:
        cells = ""
        for s in scales:
            p = by_scale[s].get(name)
            if p is None:
                cells += f" {'-':>16} {'-':>12} {'-':>14}"
                continue
            ratio = f"{p['ratio']:.2f}" if p["ratio"] is not None else "-"
            cells += f" {p['rps']:>16.1f} {str(p['queries']):>12} {ratio:>14}"
        lines.append(f"{name:<16}{cells}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scales", default="small,national")
    parser.add_argument(
        "--servers", default=DEFAULT_SERVER, help="comma-separated: " + ", ".join(SERVERS)
    )
    parser.add_argument(
        "--compare-servers", action="store_true", help="every server, at the first scale"
    )
    parser.add_argument("--pages", default="", help="only these pages (and the reference)")
    parser.add_argument("--requests", type=int, default=1500)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument(
        "--rounds", type=int, default=4, help="reference/page pairs per page (see measure)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--posts",
        type=int,
        default=None,
        help="posts at the largest scale (default: the scale's, 10 million at national)",
    )
    parser.add_argument(
        "--keep-data",
        action="store_true",
        help="reuse ms_bench_<scale> if it exists (only new sessions are made)",
    )
    parser.add_argument("--drop", action="store_true", help="drop the databases afterwards")
    parser.add_argument(
        "--sweep-posts", type=int, default=100_000, help="reminders falling due at once"
    )
    parser.add_argument(
        "--sweep-duration", type=float, default=30.0, help="seconds at most per sweep run"
    )
    parser.add_argument("--no-sweep", action="store_true", help="skip the reminder sweep")
    parser.add_argument("--no-pages", action="store_true", help="skip the pages")
    parser.add_argument(
        "--webhook-requests", type=int, default=1200, help="deliveries at most per side"
    )
    parser.add_argument("--no-webhook", action="store_true", help="skip webhook ingestion")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="seconds: tiny data, a few requests, one server (the CI smoke test)",
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="server to create the ms_bench_* databases on",
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
    )
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bench" / "results.json")
    parser.add_argument(
        "--var-dir", type=Path, default=ROOT / "var" / "bench", help="targets, static files"
    )
    parser.add_argument(
        "--database-prefix",
        default="ms_bench",
        help="databases are named <prefix>_<scale>; must start with ms_bench",
    )
    args = parser.parse_args(argv)

    scales = [s for s in args.scales.split(",") if s]
    servers = [s for s in args.servers.split(",") if s]
    if args.compare_servers:
        servers = list(SERVERS)
    if args.smoke:
        scales, servers = ["tiny"], [servers[0]]
        args.requests, args.duration, args.concurrency, args.warmup = 4, 10.0, 2, 1
        args.rounds = 1
        args.sweep_posts, args.sweep_duration, args.webhook_requests = 120, 60.0, 40
    unknown = [s for s in servers if s not in SERVERS]
    if unknown:
        parser.error(f"unknown servers {unknown}")
    only = {p for p in args.pages.split(",") if p} or None

    if not args.database_prefix.startswith("ms_bench"):
        parser.error("--database-prefix must start with ms_bench")
    var: Path = args.var_dir
    var.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "moskenes_social.settings.bench",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "CELERY_BROKER_URL": args.redis_url,
        "VAR_DIR": str(var / "var"),
        "LOG_LEVEL": "WARNING",
        "PYTHONDONTWRITEBYTECODE": "1",
        # The reminders' notifications are stored (that is the work measured); their
        # e-mails wait in the queue and are purged, never sent.
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "FACEBOOK_APP_SECRET": secrets.token_hex(32),
    }
    log("collectstatic (production static storage needs its manifest)")
    manage(
        {**env, "DATABASE_URL": database_url(args.database_url, "ms_bench_static")},
        "collectstatic",
        "--no-input",
        "-v",
        "0",
    )

    runs: list[dict[str, Any]] = []
    sweeps: list[dict[str, Any]] = []
    generation: dict[str, Any] = {}
    for scale in scales:
        db = f"{args.database_prefix}_{scale}"
        scale_env = {**env, "DATABASE_URL": database_url(args.database_url, db)}
        targets_file = var / f"targets-{scale}.json"
        reuse = args.keep_data and database_exists(args.database_url, db)
        if reuse:
            log(f"[{scale}] reusing database {db}; migrating it to this code")
            manage(scale_env, "migrate", "--no-input", "-v", "0")
            manage(
                scale_env,
                "bench_data",
                "--targets-only",
                "--scale",
                scale,
                "--targets",
                str(targets_file),
            )
        else:
            log(f"[{scale}] creating database {db}, migrating")
            database_recreate(args.database_url, db)
            manage(scale_env, "migrate", "--no-input", "-v", "0")
            log(f"[{scale}] generating data (seed {args.seed})")
            manage(
                scale_env,
                "bench_data",
                "--scale",
                scale,
                "--seed",
                str(args.seed),
                *(["--posts", str(args.posts)] if args.posts and scale == scales[-1] else []),
                "--targets",
                str(targets_file),
            )
        log(f"[{scale}] VACUUM ANALYZE")
        database_vacuum(args.database_url, db)
        targets = json.loads(targets_file.read_text(encoding="utf-8"))
        generation[scale] = {k: targets.get(k) for k in ("counts", "seconds", "seed")}
        try:
            page_ids: list[str] = []
            if not args.no_webhook:
                page_ids = manage_json(scale_env, "bench_work", "webhook-prepare")["pages"]
            # A server is started for the pages, the webhook, or both.
            for name in [] if args.no_pages and not page_ids else servers:
                server = SERVERS[name]
                log(f"[{scale}] {server.description}")
                with serving(server, scale_env, free_port()) as base_url:
                    rows = (
                        []
                        if args.no_pages
                        else measure(
                            base_url=base_url,
                            targets=targets,
                            requests=args.requests,
                            duration=args.duration,
                            concurrency=args.concurrency,
                            warmup=args.warmup,
                            rounds=args.rounds,
                            only=only,
                        )
                    )
                    webhook = None
                    if page_ids:
                        webhook = measure_webhook(
                            base_url=base_url,
                            env=scale_env,
                            page_ids=page_ids,
                            requests=args.webhook_requests,
                            duration=args.duration,
                            concurrency=args.concurrency,
                            rounds=args.rounds,
                        )
                runs.append(
                    {
                        "scale": scale,
                        "server": name,
                        "server_description": server.description,
                        "pages": rows,
                        "webhook": webhook,
                    }
                )
            if not args.no_sweep:
                log(f"[{scale}] reminder sweep: {args.sweep_posts:,} due at once")
                sweeps.append(
                    {
                        "scale": scale,
                        "runs": measure_sweep(
                            env=scale_env,
                            redis_url=args.redis_url,
                            posts=args.sweep_posts,
                            duration=args.sweep_duration,
                            log_dir=var,
                        ),
                    }
                )
        finally:
            if args.drop or args.smoke:
                database_drop(args.database_url, db)

    log("screening: cost a post and false positives (scripts/bench/screening.py)")
    screening = measure_screening(
        {**env, "DATABASE_URL": database_url(args.database_url, "ms_bench_static")},
        smoke=args.smoke,
    )
    output = {
        "when": datetime.now(tz=UTC).isoformat(timespec="seconds"),
        "settings": {
            "requests": args.requests,
            "duration": args.duration,
            "concurrency": args.concurrency,
            "warmup": args.warmup,
            "rounds": args.rounds,
            "cpus": os.cpu_count(),
            "sweep_posts": args.sweep_posts,
            "sweep_duration": args.sweep_duration,
            "webhook_requests": args.webhook_requests,
        },
        "generation": generation,
        "runs": runs,
        "sweeps": sweeps,
        "screening": screening,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(output, indent=2), encoding="utf-8")
    print(table(runs))
    print()
    print(background_table(runs, sweeps))
    print(screening_lines(screening, runs))
    for server in servers:
        growth = growth_table(runs, server)
        if growth:
            print()
            print(growth)
    print(f"\nJSON: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
