import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from accounts.services import follow_up_reminders_send_due


class Command(BaseCommand):
    help = (
        "Send the follow-up reminders that are due (what the Celery beat entry "
        "accounts-follow-up-reminders does)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--loop",
            action="store_true",
            help="Keep running, sending due reminders every --interval seconds.",
        )
        parser.add_argument("--interval", type=int, default=60, help="Seconds between runs.")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            sent = follow_up_reminders_send_due()
            self.stdout.write(f"Sent {sent} follow-up reminder(s).")
            if not options["loop"]:
                return
            time.sleep(options["interval"])
