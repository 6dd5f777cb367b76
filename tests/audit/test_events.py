import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction

from moskenes_social.audit.models import AppendOnlyError, Event
from moskenes_social.audit.services import EventDraft, event_record, events_record
from moskenes_social.people.models import Unit
from tests.conftest import Persona


@pytest.mark.django_db
def test_event_records_actor_target_reason_and_data(radmann: Persona, unit: Unit) -> None:
    event = event_record(
        actor=radmann.user, action="unit.renamed", target=unit, reason="Ny struktur", data={"a": 1}
    )
    event.refresh_from_db()
    assert event.actor == radmann.user
    assert (event.target_id, event.target_repr) == (str(unit.pk), "Reine skole")
    assert (event.reason, event.data) == ("Ny struktur", {"a": 1})


@pytest.mark.django_db
def test_an_event_cannot_be_changed_or_deleted_through_the_model(radmann: Persona) -> None:
    event = event_record(actor=radmann.user, action="x.y")
    event.reason = "omskrevet"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


@pytest.mark.django_db
def test_postgresql_refuses_update_and_delete_of_events(radmann: Persona) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    event = event_record(actor=radmann.user, action="x.y")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(reason="omskrevet")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Event.objects.filter(pk=event.pk).delete()
    assert Event.objects.get(pk=event.pk).reason == ""


class _RolledBack(Exception):
    pass


@pytest.mark.django_db
def test_postgresql_refuses_truncate_of_the_log(radmann: Persona) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    event = event_record(actor=radmann.user, action="x.y")
    with (
        pytest.raises(DatabaseError, match="append-only: TRUNCATE refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        # Without the exception that only the test database sets (tests/conftest.py);
        # the event's foreign keys are checked first, or PostgreSQL refuses TRUNCATE for
        # their pending checks whatever the trigger says.
        cursor.execute("SET LOCAL moskenes.allow_truncate = 'off'")
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE audit_event")
    assert Event.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
def test_the_test_database_may_empty_the_log_with_truncate(radmann: Persona) -> None:
    """What Django's flush after a transactional test needs, and nothing else sets."""
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    event_record(actor=radmann.user, action="x.y")
    with pytest.raises(_RolledBack), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE audit_event")
        assert not Event.objects.exists()
        raise _RolledBack
    assert Event.objects.exists()


@pytest.mark.django_db
def test_log_page_lists_events_in_two_queries(
    radmann: Persona, django_assert_max_num_queries: object
) -> None:
    for n in range(30):
        event_record(actor=radmann.user, action=f"test.{n}")
    # session + user + groups (roles) + unread count + count + page of events
    with django_assert_max_num_queries(7):  # type: ignore[operator]
        response = radmann.client.get("/logg/")
    assert response.status_code == 200
    assert "test.29" in response.text


@pytest.mark.django_db
def test_events_of_a_job_are_recorded_in_one_insert(
    unit: Unit, django_assert_num_queries: object
) -> None:
    other = Unit.objects.create(name="Hamnøy skole", slug="hamnoy-skole")
    drafts = [
        EventDraft(action="unit.checked", target=u, reason=f"Sjekket {u}", data={"n": n})
        for n, u in enumerate([unit, other])
    ]
    ContentType.objects.get_for_model(Unit)  # cached per process, as in a running worker
    with django_assert_num_queries(1):  # type: ignore[operator]
        events = events_record(actor=None, drafts=drafts)
    rows = Event.objects.filter(pk__in=[e.pk for e in events]).order_by("id")
    assert [(e.actor, e.target_id, e.target_repr, e.reason, e.data) for e in rows] == [
        (None, str(unit.pk), "Reine skole", "Sjekket Reine skole", {"n": 0}),
        (None, str(other.pk), "Hamnøy skole", "Sjekket Hamnøy skole", {"n": 1}),
    ]
