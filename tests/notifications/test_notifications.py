"""Notifications: in-app inbox and e-mail outbox; each e-mail is sent once (at least once
across a worker lost after the SMTP server accepted it)."""

import datetime as dt
from collections.abc import Sequence

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.core.mail.backends import locmem
from django.test import Client, override_settings
from django.utils import timezone

from moskenes_social.notifications.apps import email_claim_timeout_check
from moskenes_social.notifications.models import EmailStatus, Notification
from moskenes_social.notifications.services import (
    MAX_EMAIL_ATTEMPTS,
    NotificationDraft,
    notification_create,
    notification_email_send,
    notification_email_send_next_pending,
    notification_emails_release_stale,
    notifications_create,
    notifications_create_each,
    notifications_create_many,
)
from moskenes_social.notifications.tasks import notifications_deliver, notifications_deliver_pending
from moskenes_social.people.models import User
from tests.conftest import Persona
from tests.factories import make_user


@pytest.mark.django_db
def test_email_is_sent_once_even_when_delivered_twice(radmann: Persona) -> None:
    assert radmann.user is not None
    n = notification_create(recipient=radmann.user, subject="Ny søknad", body="Se søknaden.")
    assert notification_email_send(notification_id=n.pk) is True
    assert notification_email_send(notification_id=n.pk) is False
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [radmann.user.email]
    n.refresh_from_db()
    assert n.email_status == EmailStatus.SENT and n.emailed_at is not None


@pytest.mark.django_db
def test_sweep_sends_what_was_left_pending_and_nothing_twice(personas: dict[str, Persona]) -> None:
    users = [p.user for p in personas.values() if p.user is not None]
    notifications_create(recipients=users, subject="Krise")
    assert notifications_deliver_pending() == len(users)
    assert notifications_deliver_pending() == 0
    assert notification_email_send_next_pending() is None
    assert len(mail.outbox) == len(users)


@pytest.mark.django_db
def test_recipient_without_email_gets_inapp_only(db: None) -> None:
    user = make_user(username="utenepost", email="")
    n = notification_create(recipient=user, subject="Hei")
    assert n.email_status == EmailStatus.SKIPPED
    assert notifications_deliver_pending() == 0


@pytest.mark.django_db
def test_duplicate_recipients_get_one_notification(radmann: Persona) -> None:
    assert radmann.user is not None
    created = notifications_create(recipients=[radmann.user, radmann.user], subject="Én gang")
    assert len(created) == 1


@pytest.mark.django_db
def test_email_is_queued_after_commit(
    radmann: Persona, django_capture_on_commit_callbacks: object
) -> None:
    assert radmann.user is not None
    with django_capture_on_commit_callbacks() as callbacks:  # type: ignore[operator]
        notification_create(recipient=radmann.user, subject="Etter commit")
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_bell_shows_unread_count_and_mark_read_clears_it(radmann: Persona) -> None:
    assert radmann.user is not None
    n = notification_create(recipient=radmann.user, subject="Uleste")
    response = radmann.client.get("/")
    assert '1<span class="visually-hidden"> uleste</span>' in response.text
    response = radmann.client.post(f"/varsler/{n.pk}/lest/")
    assert response.status_code == 302
    n.refresh_from_db()
    assert n.read_at is not None
    assert '0<span class="visually-hidden"> uleste</span>' in radmann.client.get("/").text


@pytest.mark.django_db
def test_another_users_notification_is_not_found(personas: dict[str, Persona]) -> None:
    owner = personas["radmann"].user
    assert owner is not None
    n = notification_create(recipient=owner, subject="Privat")
    response = personas["leder"].client.post(f"/varsler/{n.pk}/lest/")
    assert response.status_code == 404
    assert Notification.objects.get(pk=n.pk).read_at is None


@pytest.mark.django_db
def test_mark_read_ignores_an_offsite_next(radmann: Persona) -> None:
    assert radmann.user is not None
    n = notification_create(recipient=radmann.user, subject="x")
    response = radmann.client.post(f"/varsler/{n.pk}/lest/", {"next": "https://evil.example/"})
    assert response.headers["Location"] == "/varsler/"


@pytest.mark.django_db
def test_notification_list_query_count_is_constant(
    radmann: Persona, django_assert_max_num_queries: object
) -> None:
    assert radmann.user is not None
    for i in range(40):
        notification_create(recipient=radmann.user, subject=f"Varsel {i}")
    client: Client = radmann.client
    # Session, user, roles, unread count, the page of notifications and its count, the
    # crisis banner.
    with django_assert_max_num_queries(7):  # type: ignore[operator]
        response = client.get("/varsler/")
    assert "Varsel 39" in response.text


@pytest.mark.django_db
def test_each_recipient_can_be_told_something_of_their_own_in_one_insert(
    personas: dict[str, Persona], django_assert_num_queries: object
) -> None:
    users = [p.user for p in personas.values() if p.user is not None]
    drafts = [
        NotificationDraft(recipient=user, subject=f"Til {user.username}", body=user.username)
        for user in [*users, users[0]]
    ]
    with django_assert_num_queries(1):  # type: ignore[operator]
        created = notifications_create_each(drafts=drafts)
    assert len(created) == len(users)
    assert {(n.recipient.username, n.subject, n.body) for n in created} == {
        (u.username, f"Til {u.username}", u.username) for u in users
    }


@pytest.mark.django_db
def test_many_notifications_may_go_to_one_person_in_one_insert(
    personas: dict[str, Persona], django_assert_num_queries: object
) -> None:
    users = [p.user for p in personas.values() if p.user is not None]
    drafts = [
        NotificationDraft(recipient=user, subject=f"Innlegg {n}")
        for n in range(3)
        for user in users
    ]
    with django_assert_num_queries(1):  # type: ignore[operator]
        created = notifications_create_many(drafts=drafts)
    assert len(created) == 3 * len(users)
    assert Notification.objects.filter(recipient=users[0]).count() == 3
    with django_assert_num_queries(0):  # type: ignore[operator]
        assert notifications_create_many(drafts=[]) == []


@pytest.mark.django_db
def test_one_message_delivers_several_e_mails_each_once(personas: dict[str, Persona]) -> None:
    users = [p.user for p in personas.values() if p.user is not None]
    created = notifications_create(recipients=users, subject="Påminnelse")
    ids = [n.pk for n in created]
    assert notification_email_send(notification_id=ids[0]) is True  # the sweep was first
    # What the worker runs for one message of ``_enqueue``; delivered again, it sends nothing.
    assert notifications_deliver(ids) == len(ids) - 1
    assert notifications_deliver(ids) == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)


def _claimed(*, user: User, subject: str, claimed_at: dt.datetime, attempts: int = 0) -> int:
    """A row as a worker lost mid-send leaves it: sending, claimed at ``claimed_at``."""
    n = notification_create(recipient=user, subject=subject)
    Notification.objects.filter(pk=n.pk).update(
        email_status=EmailStatus.SENDING, email_claimed_at=claimed_at, email_attempts=attempts
    )
    return n.pk


NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
@override_settings(NOTIFICATIONS_EMAIL_CLAIM_TIMEOUT=15 * 60)
def test_the_sweep_sends_again_once_what_a_lost_worker_left_sending(radmann: Persona) -> None:
    assert radmann.user is not None
    lost = _claimed(user=radmann.user, subject="Tapt", claimed_at=NOW - dt.timedelta(minutes=16))
    live = _claimed(user=radmann.user, subject="Sendes", claimed_at=NOW - dt.timedelta(minutes=14))
    # The beat sweep gives the lost row back and sends it; the live claim stays its worker's.
    assert notifications_deliver_pending() == 1
    assert notifications_deliver_pending() == 0
    rows = {n.pk: n for n in Notification.objects.all()}
    assert (rows[lost].email_status, rows[lost].email_attempts) == (EmailStatus.SENT, 1)
    assert (rows[live].email_status, rows[live].email_attempts) == (EmailStatus.SENDING, 0)
    assert [m.subject for m in mail.outbox] == ["Tapt"]


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_claim_lost_on_its_last_attempt_is_marked_failed(radmann: Persona) -> None:
    assert radmann.user is not None
    pk = _claimed(
        user=radmann.user,
        subject="Dreper arbeideren",
        claimed_at=NOW - dt.timedelta(days=1),
        attempts=MAX_EMAIL_ATTEMPTS - 1,
    )
    assert notification_emails_release_stale() == 1
    n = Notification.objects.get(pk=pk)
    assert (n.email_status, n.email_attempts) == (EmailStatus.FAILED, MAX_EMAIL_ATTEMPTS)
    assert notifications_deliver_pending() == 0
    assert mail.outbox == []


class SweepDuringSendBackend(locmem.EmailBackend):
    """Django's in-memory backend, with the beat sweep run while the SMTP exchange would be
    under way (between the claim and the row's update) after the claim timeout has passed;
    "Forbigått" is then claimed again by another worker."""

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        late = timezone.now() + dt.timedelta(seconds=settings.NOTIFICATIONS_EMAIL_CLAIM_TIMEOUT + 1)
        with time_machine.travel(late, tick=False):
            assert notification_emails_release_stale() == 1
        for message in messages:
            if message.subject == "Forbigått":
                Notification.objects.filter(subject=message.subject).update(
                    email_status=EmailStatus.SENDING, email_claimed_at=late
                )
        return super().send_messages(messages)


@pytest.mark.django_db
@override_settings(
    MAILERS={"default": {"BACKEND": f"{__name__}.{SweepDuringSendBackend.__qualname__}"}}
)
def test_a_send_slower_than_the_timeout_settles_its_row_unless_claimed_again(
    radmann: Persona,
) -> None:
    """A worker that finishes after the sweep gave its row back marks it sent while nobody
    has claimed it since (no second e-mail), and leaves it to a newer claim otherwise."""
    assert radmann.user is not None
    slow = notification_create(recipient=radmann.user, subject="Treg")
    overtaken = notification_create(recipient=radmann.user, subject="Forbigått")
    assert notification_email_send(notification_id=slow.pk) is True
    assert notification_email_send(notification_id=overtaken.pk) is True
    assert Notification.objects.get(pk=slow.pk).email_status == EmailStatus.SENT
    assert Notification.objects.get(pk=overtaken.pk).email_status == EmailStatus.SENDING
    assert notifications_deliver_pending() == 0


@pytest.mark.parametrize("seconds", [59, 86401])
def test_a_claim_timeout_out_of_bounds_stops_the_app(seconds: int) -> None:
    with pytest.raises(ImproperlyConfigured, match="NOTIFICATIONS_EMAIL_CLAIM_TIMEOUT"):
        email_claim_timeout_check(seconds)
    email_claim_timeout_check(60)
    email_claim_timeout_check(86400)
