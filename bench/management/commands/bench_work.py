import json
from argparse import ArgumentParser
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from bench import work


class Command(BaseCommand):
    help = (
        "Prepare or check a background workload of make bench (reminder sweep, webhook) in "
        "a benchmark database; prints JSON."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "action", choices=["sweep-prepare", "sweep-check", "webhook-prepare", "webhook-check"]
        )
        parser.add_argument("--posts", type=int, default=100_000)
        parser.add_argument("--pages", type=int, default=50)
        parser.add_argument("--since", help="ISO time the run started (sweep-check)")
        parser.add_argument("--stage", default="")
        parser.add_argument("--reference", action="store_true")
        parser.add_argument("--finish", action="store_true", help="delete the sweep's posts")
        parser.add_argument("--prefix", default=work.HOOK_PREFIX)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            work.check_bench_database()
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        action = options["action"]
        result: dict[str, Any]
        if action == "sweep-prepare":
            result = work.sweep_prepare(posts=options["posts"])
            work.sweep_vacuum()
        elif action == "sweep-check":
            result = work.sweep_check(
                since=datetime.fromisoformat(options["since"]),
                stage=options["stage"],
                reference=options["reference"],
                finish=options["finish"],
            )
            if options["finish"]:
                work.sweep_vacuum()
        elif action == "webhook-prepare":
            result = work.webhook_prepare(pages=options["pages"])
        else:
            result = work.webhook_check(prefix=options["prefix"])
        self.stdout.write(json.dumps(result))
