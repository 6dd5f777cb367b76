"""``make bench``: the generator's guard, the instruments, and a smoke run in CI.

The smoke run starts the real runner (tiny data, a few requests per page, one server) so
the benchmark cannot rot; it checks the shape of what it writes, never a timing.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, modify_settings, override_settings

from bench.data import BenchDataError, bench_data_generate
from bench.middleware import QueryCountMiddleware
from tests.conftest import Persona, skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
PAGES = {
    "reference",
    "account_list",
    "account_page",
    "request_queue",
    "register_html",
    "register_json",
    "leader_start",
    "responder_inbox",
}


@pytest.mark.django_db
def test_the_generator_refuses_a_database_not_named_for_benchmarks() -> None:
    # SQLite, or the test database (test_...): neither is a benchmark database.
    with pytest.raises(BenchDataError):
        bench_data_generate(scale="tiny", seed=1)


def _bench_client(persona: Persona) -> Client:
    return persona.client


@pytest.mark.django_db
@modify_settings(INSTALLED_APPS={"append": "bench"})  # its template
@override_settings(
    ROOT_URLCONF="bench.urls",
    MIDDLEWARE=["bench.middleware.QueryCountMiddleware", *settings.MIDDLEWARE],
)
def test_the_reference_page_is_for_members_and_reports_its_queries(
    personas: dict[str, Persona],
) -> None:
    """The access decision of the bench-only URL: members 200, anonymous to the login."""
    for name, persona in personas.items():
        response = _bench_client(persona).get("/bench/referanse/")
        if name == "anonymous":
            assert response.status_code == 302
            assert response.headers["Location"].startswith("/logg-inn/")
        else:
            assert response.status_code == 200, name
            assert int(response.headers["X-Query-Count"]) >= 1


def test_the_reference_page_is_not_routed_in_production() -> None:
    from django.urls import Resolver404, resolve

    with pytest.raises(Resolver404):
        resolve("/bench/referanse/")
    assert QueryCountMiddleware.__module__ not in " ".join(settings.MIDDLEWARE)


def _server_url() -> str:
    db = settings.DATABASES["default"]
    user = quote(str(db.get("USER") or "postgres"))
    password = f":{quote(str(db['PASSWORD']))}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or "5432"
    return f"postgres://{user}{password}@{host}:{port}/postgres"


@pytest.mark.bench
def test_smoke_run_measures_every_page_the_webhook_and_the_sweep(tmp_path: Path) -> None:
    if connection.vendor != "postgresql":
        skip_or_fail("the benchmark needs PostgreSQL (DATABASE_URL=postgres://...)")
    out = tmp_path / "results.json"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "scripts.bench.run",
            "--smoke",
            "--database-url",
            _server_url(),
            "--database-prefix",
            f"ms_bench_smoke_{os.getpid()}",
            "--var-dir",
            str(tmp_path / "var"),
            "--out",
            str(out),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    results = json.loads(out.read_text(encoding="utf-8"))
    assert results["generation"]["tiny"]["counts"]["accounts"] > 0
    [run] = results["runs"]
    assert run["scale"] == "tiny"
    pages = {page["name"]: page for page in run["pages"]}
    assert set(pages) == PAGES
    for page in pages.values():
        assert page["requests"] > 0
        assert page["errors"] == 0, page
        assert isinstance(page["queries"], int), page
        assert page["ratio"] is not None
        assert {"rps", "median_ms", "p95_ms", "p99_ms"} <= set(page)
    # Served from the cache: the public register costs no query once warm.
    assert pages["register_json"]["queries"] == 0
    assert "reference" in completed.stdout

    # Webhook ingestion: every delivery answered 200 (replays included), and exactly one
    # post per distinct comment id.
    webhook = run["webhook"]["webhook"]
    assert webhook["errors"] == 0, webhook
    assert run["webhook"]["reference"]["errors"] == 0
    check = webhook["check"]
    assert check["ok"], check
    assert check["posts"] == check["distinct_ids"] == check["delivered_distinct_ids"] > 0
    assert check["duplicated_ids"] == 0
    assert webhook["deliveries"] > check["posts"]  # some deliveries were replays

    # The reminder sweep: the reference loop and the production loop, with one real Celery
    # worker and with two, each sweeping every due post exactly once.
    [sweep] = results["sweeps"]
    runs = {r["name"]: r for r in sweep["runs"]}
    assert set(runs) == {"reference_1", "reminders_1", "reference_2", "reminders_2"}
    for name, r in runs.items():
        check = r["check"]
        assert check["ok"], (name, check)
        assert r["handled"] == check["claimed"] == r["posts"] > 0, (name, r)
        assert r["completed"], (name, r)
        assert check["missing"] == check["duplicates"] == check["unexpected"] == 0
        # The last run deletes the sweep's posts, so a later run's pages see the data as
        # they would without the sweep (--keep-data).
        assert check.get("deleted_posts") == (r["posts"] if name == "reminders_2" else None)
        if r["kind"] == "reminders":
            assert check["events"] == r["posts"], (name, check)
            assert check["reminder_rows"] >= r["posts"], (name, check)
        else:
            assert check["events"] == check["reminder_rows"] == 0, (name, check)

    # The screening's figures beside the webhook's: none of the bench's own posts is
    # marked, every made-up sensitive one is (counts, never a time).
    rows = {(r["corpus"], r["screening"]): r for r in results["screening"]["rows"]}
    assert rows[("bench (generated)", "version 1")]["marked"] == 0
    assert rows[("demo (ordinary)", "version 1")]["marked"] == 0
    sensitive = rows[("sensitive comments", "version 1")]
    assert sensitive["marked"] == sensitive["posts"] > 0
    assert "Screening a post" in completed.stdout


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="bench.urls", FACEBOOK_APP_SECRET="s3cret")
def test_the_webhook_reference_checks_the_signature_only(client: Client) -> None:
    import hashlib
    import hmac

    body = b'{"object": "page", "entry": []}'
    good = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    url = "/bench/webhook-referanse/"
    ok = client.post(url, body, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=good)
    assert ok.status_code == 200
    bad = client.post(url, body, content_type="application/json", HTTP_X_HUB_SIGNATURE_256="x")
    assert bad.status_code == 403
    assert client.get(url).status_code == 405


def test_a_production_install_has_no_bench_app_nor_its_commands() -> None:
    from django.apps import apps
    from django.core.management import get_commands

    assert not apps.is_installed("bench")
    assert not {"bench_data", "bench_work"} & set(get_commands())


def test_the_webhook_reference_is_not_routed_in_production() -> None:
    from django.urls import Resolver404, resolve

    with pytest.raises(Resolver404):
        resolve("/bench/webhook-referanse/")
