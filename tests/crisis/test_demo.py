"""The demo has one past crisis with two message versions, and no active crisis (which
would lock the demo's responders out)."""

import pytest

from accounts.models import CrisisMessage, CrisisPeriod, CrisisStatus
from moskenes_social.people.demo import demo_seed
from tests.conftest import Persona

pytestmark = pytest.mark.django_db


def test_demo_has_one_past_crisis_with_two_versions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("moskenes_social.notifications.services._enqueue", lambda ids: None)
    demo_seed()
    crisis = CrisisPeriod.objects.get()
    assert crisis.status == CrisisStatus.ENDED
    assert [m.version for m in crisis.messages.order_by("version")] == [1, 2]
    assert crisis.started_by.username == "kriseleder" and crisis.ended_by is not None
    demo_seed()
    assert (CrisisPeriod.objects.count(), CrisisMessage.objects.count()) == (1, 2)


def test_the_demo_crisis_page_shows_its_posts(
    monkeypatch: pytest.MonkeyPatch, personas: dict[str, Persona]
) -> None:
    monkeypatch.setattr("moskenes_social.notifications.services._enqueue", lambda ids: None)
    demo_seed()
    crisis = CrisisPeriod.objects.get()
    text = personas["no_role"].client.get(f"/krise/{crisis.pk}/").text
    assert "3 innlegg: 3 besvart (2 med det offisielle budskapet)" in text
