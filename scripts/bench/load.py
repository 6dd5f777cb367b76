"""A small HTTP load generator on httpx: N concurrent connections, bounded in requests and
time, loopback only. Reports requests per second, latency percentiles and the SQL queries
per request that the bench settings' middleware puts in ``X-Query-Count``."""

import asyncio
import hashlib
import hmac
import json
import statistics
import time
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


@dataclass(frozen=True)
class PageResult:
    name: str
    path: str
    requests: int
    errors: int
    statuses: dict[str, int]
    seconds: float
    rps: float
    median_ms: float
    p95_ms: float
    p99_ms: float
    queries: int | None
    queries_min: int | None
    queries_max: int | None
    bytes: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class RawResult:
    """One burst of requests, kept raw so bursts can be merged."""

    latencies: list[float]
    statuses: Counter[str]
    queries: list[int]
    errors: int
    seconds: float
    bytes: int

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


def summarize(name: str, path: str, bursts: list[RawResult]) -> PageResult:
    """One page's figures from one or more bursts (latency percentiles over all of them)."""
    latencies = [x for b in bursts for x in b.latencies]
    queries = [q for b in bursts for q in b.queries]
    statuses: Counter[str] = Counter()
    for b in bursts:
        statuses.update(b.statuses)
    seconds = sum(b.seconds for b in bursts)
    done = len(latencies)
    return PageResult(
        name=name,
        path=path,
        requests=done,
        errors=sum(b.errors for b in bursts),
        statuses=dict(statuses),
        seconds=round(seconds, 3),
        rps=round(done / seconds, 1) if seconds else 0.0,
        median_ms=round(statistics.median(latencies) * 1000, 2) if latencies else 0.0,
        p95_ms=round(percentile(latencies, 95) * 1000, 2),
        p99_ms=round(percentile(latencies, 99) * 1000, 2),
        queries=Counter(queries).most_common(1)[0][0] if queries else None,
        queries_min=min(queries) if queries else None,
        queries_max=max(queries) if queries else None,
        bytes=max((b.bytes for b in bursts), default=0),
    )


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    lower = int(k)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (k - lower)


def check_loopback(base_url: str) -> None:
    host = urlsplit(base_url).hostname or ""
    if host not in LOOPBACK and not host.startswith("127."):
        raise ValueError(f"the load generator only targets loopback, not {host!r}")


async def _load(
    *,
    base_url: str,
    path: str,
    cookies: dict[str, str],
    requests: int,
    duration: float,
    concurrency: int,
    warmup: int,
    expect_status: int,
) -> RawResult:
    check_loopback(base_url)
    headers = {"Accept-Language": "nb"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    queries: list[int] = []
    errors = 0
    size = 0
    async with httpx.AsyncClient(
        base_url=base_url, headers=headers, limits=limits, timeout=60.0
    ) as client:
        for _ in range(warmup):
            await client.get(path)
        issued = 0
        deadline = time.monotonic() + duration

        async def worker() -> None:
            nonlocal issued, errors, size
            while issued < requests and time.monotonic() < deadline:
                issued += 1
                started = time.perf_counter()
                try:
                    response = await client.get(path)
                except httpx.HTTPError:
                    errors += 1
                    statuses["error"] += 1
                    continue
                latencies.append(time.perf_counter() - started)
                statuses[str(response.status_code)] += 1
                if response.status_code != expect_status:
                    errors += 1
                size = len(response.content)
                count = response.headers.get("X-Query-Count")
                if count is not None:
                    queries.append(int(count))

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        seconds = time.perf_counter() - started
    return RawResult(
        latencies=latencies,
        statuses=statuses,
        queries=queries,
        errors=errors,
        seconds=seconds,
        bytes=size,
    )


def load_page(
    *,
    base_url: str,
    path: str,
    cookies: dict[str, str] | None = None,
    requests: int = 500,
    duration: float = 20.0,
    concurrency: int = 8,
    warmup: int = 10,
    expect_status: int = 200,
) -> RawResult:
    """Send at most ``requests`` GETs to ``path`` within ``duration`` seconds."""
    return asyncio.run(
        _load(
            base_url=base_url,
            path=path,
            cookies=cookies or {},
            requests=requests,
            duration=duration,
            concurrency=concurrency,
            warmup=warmup,
            expect_status=expect_status,
        )
    )


def webhook_deliveries(
    *, page_ids: list[str], prefix: str, count: int, secret: str, replay_every: int = 10
) -> list[tuple[str, bytes, str]]:
    """``count`` signed Facebook "new comment" deliveries as ``(comment id, body,
    X-Hub-Signature-256)``; every ``replay_every``-th one repeats an earlier delivery
    byte for byte (a replay, as Meta retries), so 10% are replays by default."""
    deliveries: list[tuple[str, bytes, str]] = []
    now = int(time.time())
    for i in range(count):
        if replay_every and i % replay_every == replay_every - 1:
            deliveries.append(deliveries[i - replay_every // 2])
            continue
        page_id = page_ids[i % len(page_ids)]
        comment_id = f"{prefix}{i}"
        body = json.dumps(
            {
                "object": "page",
                "entry": [
                    {
                        "id": page_id,
                        "time": now,
                        "changes": [
                            {
                                "field": "feed",
                                "value": {
                                    "item": "comment",
                                    "verb": "add",
                                    "comment_id": comment_id,
                                    "post_id": f"{page_id}_{i // 50}",
                                    "from": {"id": f"9{i:09d}", "name": "Innbygger"},
                                    "message": f"Når åpner badet igjen? ({i})",
                                    "created_time": now - 60,
                                },
                            }
                        ],
                    }
                ],
            }
        ).encode()
        signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        deliveries.append((comment_id, body, signature))
    return deliveries


async def _post_load(
    *,
    base_url: str,
    path: str,
    deliveries: list[tuple[str, bytes, str]],
    duration: float,
    concurrency: int,
    delivered: set[str],
) -> RawResult:
    check_loopback(base_url)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    queries: list[int] = []
    errors = 0
    size = 0
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60.0) as client:
        issued = 0
        deadline = time.monotonic() + duration

        async def worker() -> None:
            nonlocal issued, errors, size
            while issued < len(deliveries) and time.monotonic() < deadline:
                comment_id, body, signature = deliveries[issued]
                issued += 1
                started = time.perf_counter()
                try:
                    response = await client.post(
                        path,
                        content=body,
                        headers={
                            "Content-Type": "application/json",
                            "X-Hub-Signature-256": signature,
                        },
                    )
                except httpx.HTTPError:
                    errors += 1
                    statuses["error"] += 1
                    continue
                latencies.append(time.perf_counter() - started)
                statuses[str(response.status_code)] += 1
                if response.status_code != 200:
                    errors += 1
                else:
                    delivered.add(comment_id)
                size = len(response.content)
                count = response.headers.get("X-Query-Count")
                if count is not None:
                    queries.append(int(count))

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        seconds = time.perf_counter() - started
    return RawResult(
        latencies=latencies,
        statuses=statuses,
        queries=queries,
        errors=errors,
        seconds=seconds,
        bytes=size,
    )


def load_webhook(
    *,
    base_url: str,
    path: str,
    deliveries: list[tuple[str, bytes, str]],
    duration: float = 20.0,
    concurrency: int = 8,
) -> tuple[RawResult, set[str]]:
    """POST the deliveries in order (at most all of them, within ``duration`` seconds);
    returns the figures and the comment ids answered with 200."""
    delivered: set[str] = set()
    result = asyncio.run(
        _post_load(
            base_url=base_url,
            path=path,
            deliveries=deliveries,
            duration=duration,
            concurrency=concurrency,
            delivered=delivered,
        )
    )
    return result, delivered
