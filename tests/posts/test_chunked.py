"""A webhook delivery sent with ``Transfer-Encoding: chunked`` (no Content-Length), as
HTTP/1.1 allows, through the production web server (granian) on loopback: the body is
read and the comment stored. Django's own stream reads nothing without a length."""

import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from accounts.models import Post
from moskenes_social.people.models import Unit
from tests.accounts.factories import make_account
from tests.factories import make_user
from tests.processes import process_env

from .webhooks import comment, delivery, sign

ROOT = Path(__file__).resolve().parents[2]
SECRET = "app-secret-for-the-chunked-test"
PAGE_ID = "100000000000077"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def server(transactional_db: None) -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "granian"),
            "--interface",
            "wsgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
            "moskenes_social.wsgi:application",
        ],
        cwd=ROOT,
        env={**process_env(), "FACEBOOK_APP_SECRET": SECRET},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(f"granian stopped: {process.stderr.read()!r}")  # type: ignore[union-attr]
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_chunked_delivery_is_read_and_stored(server: str, unit: Unit) -> None:
    make_account(unit=unit, owner=make_user(username="eier", unit=unit), facebook_page_id=PAGE_ID)
    body = delivery(comment("77_1", page_id=PAGE_ID, message="Sendt i biter"), page_id=PAGE_ID)
    signature = sign(body, SECRET)
    # An iterator makes httpx send the body in chunks, without a Content-Length.
    chunks = iter([body[:40], body[40:]])
    response = httpx.post(
        f"{server}/innlegg/webhook/facebook/",
        content=chunks,
        headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature},
        timeout=20,
    )
    assert response.request.headers.get("Transfer-Encoding") == "chunked"
    assert "Content-Length" not in response.request.headers
    assert response.status_code == 200, response.text
    assert response.json() == {"created": 1}
    assert Post.objects.get().text == "Sendt i biter"
