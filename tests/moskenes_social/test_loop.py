"""The ``--loop`` commands run as an operator runs them, as real processes: a round, then
SIGTERM stops them cleanly (exit 0) at once, not after the interval."""

import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.processes import process_env

ROOT = Path(__file__).resolve().parents[2]


def _line(process: subprocess.Popen[str], seconds: float) -> str:
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], seconds)
    return process.stdout.readline() if ready else ""


@pytest.mark.parametrize(
    ("command", "says"),
    [("send_reminders", "post reminder"), ("send_follow_up_reminders", "follow-up reminder")],
)
def test_sigterm_stops_the_loop_cleanly_between_rounds(
    transactional_db: None, command: str, says: str
) -> None:
    process = subprocess.Popen(
        [sys.executable, "manage.py", command, "--loop", "--interval", "3600"],
        cwd=ROOT,
        env=process_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = _line(process, 60)
        assert says in first, first
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        # It did not sleep out its hour: the wait ended with the signal.
        assert time.monotonic() - started < 30
        assert process.stdout is not None
        assert process.stdout.read().strip() == "Stopped."
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_an_interval_out_of_range_is_refused(transactional_db: None) -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", "send_reminders", "--loop", "--interval", "0"],
        cwd=ROOT,
        env=process_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2 and "--interval" in done.stderr
