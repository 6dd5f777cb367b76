"""The demo data: accounts for every screen, one below coverage, and a second run changes
nothing."""

import pytest

from accounts.models import Account, AccountStatus, Responsibility
from accounts.selectors import accounts_below_coverage
from moskenes_social.people.demo import demo_seed

pytestmark = pytest.mark.django_db


def test_demo_accounts_are_seeded_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("moskenes_social.notifications.services._enqueue", lambda ids: None)
    demo_seed()
    statuses = sorted(Account.objects.values_list("status", flat=True))
    assert statuses.count(AccountStatus.ACTIVE) == 4
    assert AccountStatus.SUSPENDED in statuses and AccountStatus.CLOSED in statuses
    below = list(accounts_below_coverage())
    assert [a.handle for a in below] == ["reine_skole"]
    assert Account.objects.get(handle="moskeneskommune").name == "Moskenes kommune"
    counts = (Account.objects.count(), Responsibility.objects.count())
    demo_seed()
    assert (Account.objects.count(), Responsibility.objects.count()) == counts
