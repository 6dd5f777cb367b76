from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from moskenes_social.people.demo import DEMO_USERS, demo_seed


class Command(BaseCommand):
    help = "Create demo units and one demo user per role. Refused in production."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--new-password",
            action="store_true",
            help="Give every demo user a new random password and print it.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not getattr(settings, "DEMO_DATA_ALLOWED", False):
            raise CommandError("seed_demo is refused with production settings.")
        result = demo_seed(new_password=options["new_password"])
        self.stdout.write("Demo users (username: role):")
        for spec in DEMO_USERS:
            role = spec.role.value if spec.role else "(no role)"
            self.stdout.write(f"  {spec.username}: {role}")
        if result.password:
            self.stdout.write(
                self.style.WARNING(f"Password for the demo users (shown once): {result.password}")
            )
        else:
            self.stdout.write(
                "Demo users existed already; their password is unchanged "
                "(manage.py seed_demo --new-password sets a new one)."
            )
