"""Typed helpers that build accounts and responsibilities directly (no services, no audit),
for tests that need data rather than the behaviour of creating it."""

from collections.abc import Sequence
from itertools import count
from typing import Any

from django.utils import timezone

from accounts.models import Account, AccountStatus, Platform, Responsibility, ResponsibilityRole
from moskenes_social.people.models import Unit, User
from moskenes_social.worktime import add_working_days
from tests.factories import make_unit, make_user

_numbers = count(1)


def make_account(
    *,
    unit: Unit | None = None,
    owner: User | None = None,
    responders: Sequence[User] = (),
    backups: Sequence[User] = (),
    status: AccountStatus = AccountStatus.ACTIVE,
    **fields: Any,
) -> Account:
    n = next(_numbers)
    now = timezone.now()
    created_by = fields.pop("created_by", None) or make_user(username=f"registrar{n}")
    defaults: dict[str, Any] = {
        "platform": Platform.FACEBOOK,
        "name": f"Konto {n}",
        "handle": f"konto{n}",
        "url": f"https://www.facebook.com/konto{n}",
        "contact_email": f"konto{n}@example.org",
        "origin_note": "Intern merknad",
        "follow_up_due_at": add_working_days(now, 1),
        "next_follow_up_reminder_at": add_working_days(now, 1),
    }
    if status == AccountStatus.CLOSED:
        defaults["closed_at"] = now
    account = Account.objects.create(
        unit=unit or make_unit(),
        status=status,
        created_by=created_by,
        **{**defaults, **fields},
    )
    for user in [owner] if owner else []:
        make_responsibility(account=account, user=user, role=ResponsibilityRole.OWNER)
    for user in responders:
        make_responsibility(account=account, user=user, role=ResponsibilityRole.RESPONDER)
    for user in backups:
        make_responsibility(account=account, user=user, role=ResponsibilityRole.BACKUP)
    return account


def make_responsibility(
    *, account: Account, user: User, role: ResponsibilityRole, **fields: Any
) -> Responsibility:
    return Responsibility.objects.create(
        account=account,
        user=user,
        role=role,
        assigned_by=fields.pop("assigned_by", None) or account.created_by,
        **fields,
    )


def make_covered_account(*, unit: Unit | None = None, **fields: Any) -> Account:
    """An active account with an owner and two responders."""
    n = next(_numbers)
    return make_account(
        unit=unit,
        owner=make_user(username=f"eier{n}"),
        responders=[make_user(username=f"svarer{n}a"), make_user(username=f"svarer{n}b")],
        **fields,
    )
