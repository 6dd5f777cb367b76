"""``manage.py <job> [--loop]``: a beat job run by an operator, once or in a loop that stops
cleanly when it is asked to (SIGTERM from a process manager or ``docker stop``, Ctrl-C)."""

import signal
import threading
from argparse import ArgumentParser
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections


class LoopCommand(BaseCommand):
    """Subclasses say what one round does (``run_once``, which returns a line to print)."""

    def run_once(self) -> str:
        raise NotImplementedError

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--loop",
            action="store_true",
            help="Keep running, a round every --interval seconds, until SIGTERM or Ctrl-C.",
        )
        parser.add_argument(
            "--interval", type=int, default=60, help="Seconds between rounds (1 to 86400)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        interval = options["interval"]
        if not 1 <= interval <= 86_400:
            self.stderr.write("--interval must be between 1 and 86400 seconds.")
            raise SystemExit(2)
        if not options["loop"]:
            self.stdout.write(self.run_once())
            return
        stop = threading.Event()

        def ask_to_stop(signum: int, frame: FrameType | None) -> None:
            # The round under way finishes (its transaction commits or rolls back whole);
            # the wait before the next one ends at once.
            stop.set()

        signal.signal(signal.SIGTERM, ask_to_stop)
        signal.signal(signal.SIGINT, ask_to_stop)
        while not stop.is_set():
            self.stdout.write(self.run_once())
            self.stdout.flush()
            # As Django does around a request: a connection the database closed, or one
            # past CONN_MAX_AGE, is not carried into the next round.
            close_old_connections()
            stop.wait(interval)
        self.stdout.write("Stopped.")
