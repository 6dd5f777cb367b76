"""The start page's unread notifications link to what they are about, and a notice that a
request awaits the rådmann's decision is done once the request is decided or withdrawn."""

import pytest
from django.urls import reverse

from approvals.models import RequestStatus
from approvals.services import request_decide, request_withdraw
from moskenes_social.notifications.models import Notification
from moskenes_social.notifications.services import notification_create
from moskenes_social.people.models import Unit
from tests.approvals.factories import make_submitted
from tests.conftest import Persona

pytestmark = pytest.mark.django_db


def test_an_unread_notification_on_the_start_page_links_to_its_page(radmann: Persona) -> None:
    assert radmann.user is not None
    notification_create(recipient=radmann.user, subject="Se <her>", url="/kontoer/7/")
    notification_create(recipient=radmann.user, subject="Uten lenke")
    page = radmann.client.get("/").text
    assert '<a href="/kontoer/7/">Se &lt;her&gt;</a>' in page
    assert "<li>Uten lenke <span" in page


def _awaiting(radmann: Persona, request_id: int) -> bool:
    return Notification.objects.filter(
        recipient=radmann.user,
        url=reverse("approvals:decide", args=[request_id]),
        read_at__isnull=True,
    ).exists()


@pytest.mark.parametrize("decided", [True, False])
def test_the_notice_to_decide_is_done_once_the_request_is_decided_or_withdrawn(
    personas: dict[str, Persona], unit: Unit, decided: bool
) -> None:
    radmann, staff, leader = personas["radmann"], personas["kommunikasjon"], personas["leder"]
    assert radmann.user and staff.user and leader.user
    request = make_submitted(requester=staff.user, unit=unit, leader=leader.user)
    assert _awaiting(radmann, request.pk)
    assert "Ny søknad venter på din beslutning" in radmann.client.get("/").text
    if decided:
        request_decide(
            actor=radmann.user, request=request, decision=RequestStatus.APPROVED, text=""
        )
    else:
        request_withdraw(actor=staff.user, request=request)
    assert not _awaiting(radmann, request.pk)
    assert "Ny søknad venter på din beslutning" not in radmann.client.get("/").text
    # The requester's own notice of the decision is untouched.
    if decided:
        assert Notification.objects.filter(recipient=staff.user, read_at__isnull=True).exists()
