"""A real Celery worker process takes a task from the broker and delivers the e-mail.

With CELERY_BROKER_URL naming Redis (CI), the broker is Redis; otherwise the filesystem
transport under var/. The worker uses the test database, so the test commits its data.
"""

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from moskenes_social.notifications.models import EmailStatus, Notification
from moskenes_social.notifications.services import notification_create
from tests.factories import make_user
from tests.processes import process_env

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker(transactional_db: None) -> Iterator[subprocess.Popen[bytes]]:
    env = process_env()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "moskenes_social",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    yield process
    process.terminate()
    process.wait(timeout=30)


def test_worker_delivers_a_notification_enqueued_after_commit(
    worker: subprocess.Popen[bytes],
) -> None:
    user = make_user(username="mottaker")
    # Autocommit: the on_commit hook enqueues the task as soon as the row is saved.
    notification = notification_create(recipient=user, subject="Fra arbeideren")
    deadline = time.monotonic() + 60
    status = EmailStatus.PENDING
    while time.monotonic() < deadline:
        assert worker.poll() is None, "the worker process died"
        status = EmailStatus(Notification.objects.get(pk=notification.pk).email_status)
        if status == EmailStatus.SENT:
            break
        time.sleep(0.5)
    assert status == EmailStatus.SENT
