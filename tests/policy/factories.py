"""Helpers that put the guideline into the states tests need, through the services."""

import datetime as dt

from moskenes_social.people.models import User
from policy.models import GuidelineVersion
from policy.selectors import version_draft, version_in_force
from policy.services import version_adopt, version_draft_create


def in_force() -> GuidelineVersion:
    version = version_in_force()
    assert version is not None, "migration policy/0002 loads version 1"
    return version


def make_draft(*, actor: User) -> GuidelineVersion:
    """The open draft, started from the version in force if there is none."""
    return version_draft() or version_draft_create(actor=actor, source=in_force())


def adopt(
    *,
    actor: User,
    version: GuidelineVersion,
    adopted_on: dt.date = dt.date(2024, 1, 10),
    effective_from: dt.date = dt.date(2024, 2, 1),
    summary: str = "Endret svarfrist.",
) -> GuidelineVersion:
    return version_adopt(
        actor=actor,
        version=version,
        adopted_by="AMU",
        adopted_on=adopted_on,
        effective_from=effective_from,
        change_summary=summary,
    )
