import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from accounts.posts.reminders import post_reminders_send_due


class Command(BaseCommand):
    help = (
        "Send the reminders about posts not answered by their deadline (what the Celery beat "
        "entry posts-reminders does)."
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
            sent = post_reminders_send_due()
            self.stdout.write(f"Sent {sent} post reminder(s).")
            if not options["loop"]:
                return
            time.sleep(options["interval"])
