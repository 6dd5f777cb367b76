"""Configuration: strict parsing, production refuses without a secret, deploy check is clean."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from moskenes_social.settings.env import (
    cache_from_url,
    database_from_url,
    env_bool,
    env_int,
    env_positive_int,
    ipware_settings,
)

ROOT = Path(__file__).resolve().parents[2]


def test_bad_boolean_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOME_FLAG", "kanskje")
    with pytest.raises(ImproperlyConfigured):
        env_bool("SOME_FLAG", False)


def test_booleans_and_integers_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOME_FLAG", "Yes")
    monkeypatch.setenv("SOME_NUMBER", "x")
    assert env_bool("SOME_FLAG", False) is True
    with pytest.raises(ImproperlyConfigured):
        env_int("SOME_NUMBER", 1)


def test_positive_integers_refuse_zero_and_below(monkeypatch: pytest.MonkeyPatch) -> None:
    assert env_positive_int("INGEST_MAX_BODY_BYTES", 5) == 5
    monkeypatch.setenv("INGEST_MAX_BODY_BYTES", "1024")
    assert env_positive_int("INGEST_MAX_BODY_BYTES", 5) == 1024
    for bad in ("0", "-1", "stor"):
        monkeypatch.setenv("INGEST_MAX_BODY_BYTES", bad)
        with pytest.raises(ImproperlyConfigured):
            env_positive_int("INGEST_MAX_BODY_BYTES", 5)


def test_integers_with_a_range_refuse_what_lies_outside(monkeypatch: pytest.MonkeyPatch) -> None:
    assert env_int("SESSION_IDLE_MINUTES", 480, minimum=5, maximum=10080) == 480
    for good, value in [("5", 5), ("10080", 10080)]:
        monkeypatch.setenv("SESSION_IDLE_MINUTES", good)
        assert env_int("SESSION_IDLE_MINUTES", 480, minimum=5, maximum=10080) == value
    for bad in ("4", "10081", "-1", "en dag"):
        monkeypatch.setenv("SESSION_IDLE_MINUTES", bad)
        with pytest.raises(ImproperlyConfigured, match="SESSION_IDLE_MINUTES"):
            env_int("SESSION_IDLE_MINUTES", 480, minimum=5, maximum=10080)


def test_cache_urls() -> None:
    assert cache_from_url("")["default"] == {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache"
    }
    redis = cache_from_url("redis://redis:6379/1")["default"]
    assert redis == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://redis:6379/1",
    }
    with pytest.raises(ImproperlyConfigured):
        cache_from_url("memcached://x:11211")


def test_client_addresses_behind_trusted_proxies() -> None:
    """No proxy: the connection's address only; behind n proxies, X-Forwarded-For holds
    n - 1 of them after the client (the last proxy is the connection)."""
    assert ipware_settings(0) == (None, ("REMOTE_ADDR",))
    assert ipware_settings(1) == (0, ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"))
    assert ipware_settings(3) == (2, ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"))


def _settings_with_env(
    extra_env: dict[str, str], expression: str
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(extra_env)
    code = f"from moskenes_social.settings import base; print({expression})"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_login_settings_come_from_the_environment() -> None:
    result = _settings_with_env(
        {
            "TRUSTED_PROXY_COUNT": "2",
            "SESSION_IDLE_MINUTES": "60",
            "LOGIN_LOCKOUT_MINUTES": "45",
            "PASSWORD_RESET_PER_EMAIL_PER_HOUR": "5",
        },
        "base.AXES_IPWARE_PROXY_COUNT, base.AXES_IPWARE_META_PRECEDENCE_ORDER,"
        " base.SESSION_COOKIE_AGE, base.AXES_COOLOFF_TIME.total_seconds(),"
        " base.PASSWORD_RESET_PER_EMAIL_PER_HOUR",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1 ('HTTP_X_FORWARDED_FOR', 'REMOTE_ADDR') 3600 2700.0 5"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"ADDRESS": "0.0.0.0:9000", "SITE_URL": ""}, "http://0.0.0.0:9000"),
        ({"ADDRESS": "", "SITE_URL": ""}, "http://127.0.0.1:8000"),
        (
            {"ADDRESS": "0.0.0.0:9000", "SITE_URL": "https://sosiale.moskenes.no"},
            "https://sosiale.moskenes.no",
        ),
    ],
)
def test_links_in_e_mails_follow_the_address_make_run_serves(
    env: dict[str, str], expected: str
) -> None:
    env = {k: v for k, v in env.items() if v}
    cleared = {k: v for k, v in os.environ.items() if k not in ("ADDRESS", "SITE_URL")}
    result = subprocess.run(
        [sys.executable, "-c", "from moskenes_social.settings import base; print(base.SITE_URL)"],
        cwd=ROOT,
        env={**{k: v for k, v in cleared.items() if k != "DJANGO_SETTINGS_MODULE"}, **env},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


def test_make_run_exports_its_address_to_the_settings() -> None:
    result = subprocess.run(
        ["make", "-s", "-f", "Makefile", "-f", "-", "show-address", "ADDRESS=0.0.0.0:9000"],
        cwd=ROOT,
        input="show-address:\n\t@echo $$ADDRESS\n",
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0.0.0.0:9000"


@pytest.mark.parametrize(
    "name, value",
    [
        ("TRUSTED_PROXY_COUNT", "6"),
        ("SESSION_IDLE_MINUTES", "0"),
        ("LOGIN_LOCKOUT_MINUTES", "0"),
        ("LOGIN_FAILURE_LIMIT", "1"),
        ("PASSWORD_RESET_PER_ADDRESS_PER_HOUR", "0"),
        ("CACHE_URL", "memcached://x:11211"),
    ],
)
def test_login_settings_out_of_range_stop_the_app(name: str, value: str) -> None:
    result = _settings_with_env({name: value}, "1")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and name in result.stderr


def test_database_urls() -> None:
    pg = database_from_url("postgres://app:p%40ss@db.example:5433/social")
    assert pg["ENGINE"] == "django.db.backends.postgresql"
    assert (pg["NAME"], pg["USER"], pg["PASSWORD"], pg["PORT"]) == ("social", "app", "p@ss", "5433")
    assert pg["OPTIONS"] == {"options": "-c jit=off"}
    assert database_from_url("sqlite:///var/x.sqlite3")["NAME"] == "var/x.sqlite3"
    with pytest.raises(ImproperlyConfigured):
        database_from_url("mysql://x/y")


def _run_with_production(extra_env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update({"DJANGO_SETTINGS_MODULE": "moskenes_social.settings.production", **extra_env})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_production_refuses_to_start_without_secret_key() -> None:
    result = _run_with_production({}, "check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_deploy_check_with_production_settings_prints_no_warnings() -> None:
    secret = "k3y-" + "x7Qp2LmZ9vBn4RtY6wEs8UaDf1GhJk0OiPcXzVbNmQwErTyUiOp"
    result = _run_with_production(
        {"SECRET_KEY": secret, "ALLOWED_HOSTS": "sosiale-medier.example.no"}, "check", "--deploy"
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


def test_seed_demo_is_refused_with_production_settings() -> None:
    secret = "k3y-" + "x7Qp2LmZ9vBn4RtY6wEs8UaDf1GhJk0OiPcXzVbNmQwErTyUiOp"
    result = _run_with_production({"SECRET_KEY": secret}, "seed_demo")
    assert result.returncode != 0
    assert "refused with production settings" in result.stderr


@pytest.mark.django_db
def test_every_response_carries_a_content_security_policy(client: Client) -> None:
    response = client.get("/logg-inn/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "<script>" not in response.text


def test_no_template_has_an_inline_script() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if "<script>" in path.read_text() or " on" + "click=" in path.read_text()
    ]
    assert not offenders


def test_municipality_is_named_only_in_settings() -> None:
    name = "Moskenes"
    offenders = []
    for folder in ["moskenes_social", "accounts", "approvals", "policy", "templates"]:
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in {".py", ".html", ".txt"} and "settings" not in path.parts:
                text = path.read_text(encoding="utf-8")
                # The package is called moskenes_social; the municipality's name is what counts.
                if name in text.replace("Moskenes Social", "").replace("moskenes_social", ""):
                    offenders.append(str(path.relative_to(ROOT)))
    assert not offenders


@pytest.mark.django_db
def test_postgresql_connections_run_without_jit() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("JIT is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


def test_smtp_exchanges_have_a_bounded_timeout(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from moskenes_social.settings.env import mailers

    smtp = "django.core.mail.backends.smtp.EmailBackend"
    monkeypatch.setenv("EMAIL_BACKEND", smtp)
    assert mailers(default_backend=smtp, var_dir=tmp_path)["default"]["OPTIONS"]["timeout"] == 60  # type: ignore[index]
    monkeypatch.setenv("EMAIL_TIMEOUT", "6000")
    with pytest.raises(ImproperlyConfigured):
        mailers(default_backend=smtp, var_dir=tmp_path)
