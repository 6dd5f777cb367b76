"""A real Celery beat and worker, on the configured broker (Redis in CI), send the reminder
for an overdue post: beat puts "posts-reminders" on the broker, the worker runs it, the
responders get their notification, and the e-mail goes out too.

Beat runs the configured entry (task and expiry) every 2 seconds rather than every
2 minutes (``tests/posts/celery_settings.py``). Both processes use the test database, so
the test commits its data.
"""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.models import Account, PostReminder
from moskenes_social.notifications.models import EmailStatus, Notification
from moskenes_social.people.models import User
from tests.processes import database_url as _database_url

from .factories import make_post

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def _start(*args: str, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.posts.celery_settings",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
    }
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "moskenes_social", *args],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


@pytest.fixture
def worker_and_beat(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], ...]]:
    worker = _start(
        "worker",
        "--pool=solo",
        "--loglevel=INFO",
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
        log=tmp_path / "worker.log",
    )
    beat = _start(
        "beat",
        "--loglevel=INFO",
        f"--schedule={tmp_path / 'celerybeat-schedule'}",
        "--max-interval=1",
        log=tmp_path / "beat.log",
    )
    processes = (worker, beat)
    yield processes
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=30)


def test_beat_and_worker_remind_the_responders_of_an_overdue_post(
    worker_and_beat: tuple[subprocess.Popen[bytes], ...],
    account: Account,
    people: dict[str, User],
    tmp_path: Path,
) -> None:
    # Received a week ago: due long since, its first reminder waiting.
    post = make_post(account=account, posted_at=timezone.now() - timedelta(days=7))
    assert post.next_reminder_at is not None and post.next_reminder_at < timezone.now()
    deadline = time.monotonic() + 90
    sent: set[str] = set()
    emailed = 0
    while time.monotonic() < deadline:
        for process in worker_and_beat:
            assert process.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
        sent = set(
            PostReminder.objects.filter(post=post, stage="due").values_list(
                "recipient__username", flat=True
            )
        )
        emailed = Notification.objects.filter(
            recipient__username__in=["svarer1", "svarer2"],
            url=f"/innlegg/{post.pk}/",
            email_status=EmailStatus.SENT,
        ).count()
        if sent == {"svarer1", "svarer2"} and emailed == 2:
            break
        time.sleep(0.5)
    logs = "\n".join(
        f"--- {name}\n{(tmp_path / name).read_text()[-2000:]}"
        for name in ("beat.log", "worker.log")
    )
    assert sent == {"svarer1", "svarer2"}, logs
    assert emailed == 2, logs
    # Sent once: the beat keeps firing, nothing is sent twice.
    time.sleep(3)
    assert PostReminder.objects.filter(post=post, stage="due").count() == 2
