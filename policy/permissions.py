"""Who may do what with the guideline. Everyone logged in reads; the rådmann edits."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from moskenes_social.people.roles import Role, has_role

from .models import GuidelineVersion

AnyUser = AbstractBaseUser | AnonymousUser


def can_read_guideline(user: AnyUser) -> bool:
    """Every member of staff reads the guideline in force and its adopted history."""
    return bool(user.is_authenticated)


def can_edit_guideline(user: AnyUser) -> bool:
    """The rådmann (and a superuser) drafts, edits and records the adoption of versions."""
    return has_role(user, Role.CHIEF_EXECUTIVE) or bool(getattr(user, "is_superuser", False))


def can_read_version(user: AnyUser, version: GuidelineVersion) -> bool:
    """Adopted versions are for everyone; drafts and discarded drafts for editors only."""
    if version.is_adopted:
        return can_read_guideline(user)
    return can_edit_guideline(user)


def can_see_acknowledgements(user: AnyUser, version: GuidelineVersion) -> bool:
    """The rådmann follows up who has read an adopted version."""
    return version.is_adopted and can_edit_guideline(user)


def can_acknowledge(user: AnyUser, version: GuidelineVersion) -> bool:
    """Anyone logged in confirms having read an adopted version."""
    return version.is_adopted and bool(user.is_authenticated)
