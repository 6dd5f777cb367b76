"""The webhook's hand-written query gives what the ORM's queryset it replaces gives."""

import datetime as dt
from typing import Any

import pytest
import time_machine

from accounts.models import Account, Platform, PlatformConnection, PostSource
from accounts.posts.selectors import comment_target, comment_target_queryset
from accounts.posts.services import post_ingest
from moskenes_social.people.models import User
from moskenes_social.worktime import OSLO
from policy.selectors import local_date
from tests.accounts.factories import make_account
from tests.conftest import Persona
from tests.policy.factories import adopt, make_draft

from .conftest import persona_user

pytestmark = pytest.mark.django_db

PAGE_ID = "100000000000042"


def _fields(account: Account) -> dict[str, Any]:
    return {f.attname: getattr(account, f.attname) for f in Account._meta.concrete_fields}


def _both(*, page_id: str, comment_id: str, platform: str = "facebook") -> tuple[Any, Any]:
    target = comment_target(platform=platform, object_id=page_id, comment_id=comment_id)
    orm = list(
        comment_target_queryset(
            platform=platform, object_id=page_id, comment_id=comment_id, today=local_date()
        )
    )
    ours = (
        None
        if target is None
        else (
            _fields(target.account),
            target.stored,
            target.policy_version_id,
            target.policy_version_adopted_at,
        )
    )
    theirs = (
        None
        if not orm
        else (
            _fields(orm[0]),
            orm[0].comment_stored,  # type: ignore[attr-defined]
            orm[0].policy_version_id,  # type: ignore[attr-defined]
            orm[0].policy_version_adopted_at,  # type: ignore[attr-defined]
        )
    )
    return ours, theirs


def test_the_sql_gives_the_querysets_answer_in_every_case(
    account: Account, personas: dict[str, Persona]
) -> None:
    Account.objects.filter(pk=account.pk).update(facebook_page_id=PAGE_ID)
    # No such page.
    assert _both(page_id="999", comment_id="1_2") == (None, None)
    # A new comment, then the same one stored (a replay).
    ours, theirs = _both(page_id=PAGE_ID, comment_id="1_2")
    assert ours == theirs and ours is not None and ours[1] is False
    post_ingest(
        account=Account.objects.get(pk=account.pk),
        platform_id="1_2",
        author="Ola",
        text="Når kommer bussen?",
        url="",
        posted_at=dt.datetime.now(tz=dt.UTC),
        source=PostSource.FACEBOOK,
    )
    ours, theirs = _both(page_id=PAGE_ID, comment_id="1_2")
    assert ours == theirs and ours is not None and ours[1] is True
    first_version = ours[2]
    # A version adopted for a later date is not in force until that date; then it is.
    rådmann = persona_user(personas, "radmann")
    later = adopt(
        actor=rådmann,
        version=make_draft(actor=rådmann),
        adopted_on=local_date(),
        effective_from=local_date() + dt.timedelta(days=2),
    )
    ours, theirs = _both(page_id=PAGE_ID, comment_id="1_2")
    assert ours == theirs and ours is not None and ours[2] == first_version
    in_two_days = dt.datetime.combine(local_date() + dt.timedelta(days=2), dt.time(9), OSLO)
    with time_machine.travel(in_two_days):
        ours, theirs = _both(page_id=PAGE_ID, comment_id="1_2")
    assert ours == theirs and ours is not None
    assert ours[2] == later.pk and ours[3] == later.adopted_at is not None


def test_an_instagram_account_is_found_by_its_connection(
    account: Account, people: dict[str, User]
) -> None:
    instagram = make_account(name="Reine skole på Instagram", platform=Platform.INSTAGRAM)
    PlatformConnection.objects.create(
        account=instagram,
        object_id="17841400000000001",
        token_encrypted="x",
        connected_by=people["eier"],
    )
    assert _both(page_id="17841400000000002", comment_id="1", platform="instagram") == (
        None,
        None,
    )
    ours, theirs = _both(page_id="17841400000000001", comment_id="1", platform="instagram")
    assert ours == theirs and ours is not None and ours[0]["id"] == instagram.pk
    # An Instagram id is no Facebook Page.
    assert _both(page_id="17841400000000001", comment_id="1") == (None, None)
