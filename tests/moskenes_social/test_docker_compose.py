"""No Docker engine runs here, so the compose file is checked by reading it."""

from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return data


def _command(service: dict[str, Any]) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else str(command)


def test_services_and_commands() -> None:
    services = _compose()["services"]
    assert set(services) >= {"postgres", "redis", "web", "worker", "beat"}
    assert "granian --interface wsgi" in _command(services["web"])
    assert "moskenes_social.wsgi" in _command(services["web"])
    assert "worker" in _command(services["worker"])
    assert "beat" in _command(services["beat"])


def test_app_services_share_one_image_built_by_the_dockerfile() -> None:
    services = _compose()["services"]
    images = {services[name].get("image") for name in ("web", "worker", "beat")}
    assert len(images) == 1 and None not in images
    assert services["web"]["build"]["dockerfile"] == "Dockerfile"
    assert (ROOT / "Dockerfile").exists()


def test_redis_keeps_queued_tasks_across_a_restart() -> None:
    redis_command = _command(_compose()["services"]["redis"])
    assert "--appendonly yes" in redis_command
    assert "--maxmemory-policy noeviction" in redis_command


def test_app_services_use_postgres_and_redis_and_production_settings() -> None:
    services = _compose()["services"]
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["CELERY_BROKER_URL"].startswith("redis://")
        assert env["DJANGO_SETTINGS_MODULE"] == "moskenes_social.settings.production"


def test_the_image_installs_the_runtime_lock_only_and_runs_as_a_user() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    installs = [line for line in dockerfile.splitlines() if "pip install" in line]
    assert installs and all("-r requirements.lock" in line for line in installs)
    assert "requirements-dev.lock" not in dockerfile
    users = [line.split()[1] for line in dockerfile.splitlines() if line.startswith("USER ")]
    assert users and users[-1] not in {"root", "0"}


def test_the_build_context_leaves_out_history_tests_and_local_state() -> None:
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert {".git", "tests/", "var/", ".venv", "bench/"} <= set(ignored)


def test_the_runtime_lock_holds_no_test_or_lint_tool() -> None:
    runtime = (ROOT / "requirements.lock").read_text().lower()
    # httpx is not among them: it is the Graph API's client (accounts/posts/graph.py).
    for tool in ("pytest", "ruff", "mypy", "playwright", "factory", "hypothesis"):
        assert f"\n{tool}" not in runtime
    assert "-r requirements.lock" in (ROOT / "requirements-dev.lock").read_text()
