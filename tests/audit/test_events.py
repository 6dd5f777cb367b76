import pytest
from django.db import DatabaseError, connection, transaction

from moskenes_social.audit.models import AppendOnlyError, Event
from moskenes_social.audit.services import event_record
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
