import time

import httpx
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.posts.demo import demo_standin_prepare


class Command(BaseCommand):
    help = (
        "Prepare the Graph API stand-in that `make run` starts: the demo's Pages and "
        "comments, its webhooks to the app, and the municipality's Page connected."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--webhook",
            default="http://127.0.0.1:8000/innlegg/webhook/facebook/",
            help="Where the stand-in sends the Page's webhooks.",
        )
        parser.add_argument("--wait", type=float, default=10.0, help="Seconds to wait for it.")

    def handle(self, *args: object, webhook: str, wait: float, **options: object) -> None:
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Demo data is not allowed in these settings.")
        # The control API sits beside the versioned Graph API: http://host:port/_standin/
        control = settings.META_GRAPH_URL.rsplit("/", 1)[0] + "/_standin/"
        deadline = time.monotonic() + wait
        while True:
            try:
                httpx.get(control, timeout=2).raise_for_status()
                break
            except httpx.HTTPError as exc:
                if time.monotonic() > deadline:
                    raise CommandError(f"The stand-in at {control} does not answer: {exc}") from exc
                time.sleep(0.2)
        for line in demo_standin_prepare(control_url=control, webhook_url=webhook):
            self.stdout.write(line)
