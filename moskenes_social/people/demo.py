"""Demo data for a developer's first run: units and one user per role."""

import importlib
import importlib.util
import secrets
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction

from .models import Unit, User
from .roles import Role


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    title: str
    unit_slug: str
    role: Role | None


DEMO_UNITS = [
    ("radmannens-stab", "Rådmannens stab"),
    ("reine-skole", "Reine skole"),
    ("helse-og-omsorg", "Helse og omsorg"),
    ("kultur-og-fritid", "Kultur og fritid"),
]

DEMO_USERS = [
    DemoUser(
        "kommunikasjon",
        "Kari",
        "Kommunikasjon",
        "Kommunikasjonsrådgiver",
        "radmannens-stab",
        Role.COMMUNICATION_STAFF,
    ),
    DemoUser("radmann", "Rolf", "Rådmann", "Rådmann", "radmannens-stab", Role.CHIEF_EXECUTIVE),
    DemoUser("leder", "Lise", "Leder", "Rektor", "reine-skole", Role.LEADER),
    DemoUser(
        "kriseleder", "Kristian", "Krise", "Beredskapsleder", "radmannens-stab", Role.CRISIS_LEADER
    ),
    DemoUser("ordforer", "Oda", "Ordfører", "Ordfører", "radmannens-stab", Role.MAYOR),
    DemoUser("ansatt", "Anders", "Ansatt", "Lærer", "reine-skole", None),
]


# Later apps extend the demo: each module, if it exists, has
# ``seed_demo(*, users: dict[str, User], units: dict[str, Unit]) -> None``, called in order
# inside the same transaction. It must be idempotent (a second run changes nothing).
DEMO_MODULES = [
    "policy.demo",
    "accounts.demo",
    "accounts.posts.demo",
    "accounts.crisis.demo",
    "approvals.demo",
]


@dataclass(frozen=True)
class SeedResult:
    created: list[str]
    password: str | None


@transaction.atomic
def demo_seed(*, new_password: bool = False) -> SeedResult:
    """Create what is missing; set one random password for all new (or all, if asked) users.

    Returns the password only when it was set now, so the caller prints it once.
    """
    units = {
        slug: Unit.objects.get_or_create(slug=slug, defaults={"name": name})[0]
        for slug, name in DEMO_UNITS
    }
    password = secrets.token_urlsafe(9)
    created: list[str] = []
    users: dict[str, User] = {}
    for spec in DEMO_USERS:
        user, was_created = User.objects.get_or_create(
            username=spec.username,
            defaults={
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "title": spec.title,
                "unit": units[spec.unit_slug],
                "email": f"{spec.username}@example.org",
            },
        )
        users[spec.username] = user
        if was_created or new_password:
            user.set_password(password)
            user.save(update_fields=["password"])
        if was_created:
            created.append(spec.username)
        if spec.role is not None:
            user.groups.add(Group.objects.get(name=spec.role.value))
        if spec.role is Role.LEADER:
            units[spec.unit_slug].leaders.add(user)
    for name in DEMO_MODULES:
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name).seed_demo(users=users, units=units)
    return SeedResult(created=created, password=password if created or new_password else None)
