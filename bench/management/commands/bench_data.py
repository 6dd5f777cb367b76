import json
import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from bench.data import SCALES, BenchDataError, bench_data_generate
from bench.targets import bench_targets


class Command(BaseCommand):
    help = (
        "Fill a fresh, migrated PostgreSQL database named bench*/ms_bench* with benchmark "
        "data (deterministic from --seed), and write the pages to measure with sessions."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="small")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--posts", type=int, default=None, help="How many posts (default: the scale's)."
        )
        parser.add_argument(
            "--targets", type=Path, help="Write the pages to measure (JSON) to this file."
        )
        parser.add_argument(
            "--targets-only",
            action="store_true",
            help="Generate nothing; only create sessions and write --targets.",
        )
        parser.add_argument(
            "--yes-i-know",
            action="store_true",
            help="Allow a database whose name does not start with bench or ms_bench.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result: dict[str, Any] = {"scale": options["scale"], "seed": options["seed"]}
        if not options["targets_only"]:
            started = time.monotonic()
            try:
                generated = bench_data_generate(
                    scale=options["scale"],
                    seed=options["seed"],
                    posts=options["posts"],
                    allow_any_name=options["yes_i_know"],
                )
            except BenchDataError as exc:
                raise CommandError(str(exc)) from exc
            seconds = time.monotonic() - started
            result["counts"] = generated.counts
            result["seconds"] = round(seconds, 1)
            for name, n in generated.counts.items():
                self.stdout.write(f"  {name}: {n:,}")
            self.stdout.write(f"Generated {options['scale']} data in {seconds:.1f} s.")
        if options["targets"]:
            result.update(bench_targets())
            options["targets"].parent.mkdir(parents=True, exist_ok=True)
            options["targets"].write_text(json.dumps(result, indent=2), encoding="utf-8")
            self.stdout.write(f"Targets written to {options['targets']}.")
