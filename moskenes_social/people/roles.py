"""The roles of the guideline, as Django groups. The only place role names are spelled.

Group names are the Norwegian role names the municipality uses; code refers to the
``Role`` members, never to the strings.
"""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COMMUNICATION_STAFF = "kommunikasjonsmedarbeider", _("Communication staff")
    CHIEF_EXECUTIVE = "rådmann", _("Chief executive (rådmann)")
    LEADER = "leder", _("Leader")
    CRISIS_LEADER = "kriseleder", _("Crisis leader")
    MAYOR = "ordfører", _("Mayor")


# The guideline: "Ved kriser skal all informasjonsaktivitet samordnes av ordfører og
# krise-/beredskapsleder." Policy versions name these roles by their group name.
CRISIS_TEAM: frozenset[Role] = frozenset({Role.CRISIS_LEADER, Role.MAYOR})

_CACHE_ATTR = "_moskenes_roles"


def user_roles(user: AbstractBaseUser | AnonymousUser) -> frozenset[Role]:
    """The roles of a user, read once per user object (one query), then cached on it."""
    if not user.is_authenticated:
        return frozenset()
    cached: frozenset[Role] | None = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        names = user.groups.values_list("name", flat=True)  # type: ignore[attr-defined]
        cached = frozenset(Role(name) for name in names if name in Role.values)
        setattr(user, _CACHE_ATTR, cached)
    return cached


def has_role(user: AbstractBaseUser | AnonymousUser, *roles: Role) -> bool:
    """True if the user has any of the given roles."""
    return bool(user_roles(user).intersection(roles))


def roles_from_names(names: Iterable[str]) -> frozenset[Role]:
    """Parse group names (e.g. from a policy version) into roles; unknown names raise."""
    return frozenset(Role(name) for name in names)
