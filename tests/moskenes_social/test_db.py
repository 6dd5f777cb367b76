"""``insert_unless_stored``: the rows ``save()`` would write, a conflict skipped and said."""

from typing import Any

import pytest

from moskenes_social.audit.models import Event
from moskenes_social.db import insert_unless_stored
from moskenes_social.people.models import Unit

pytestmark = pytest.mark.django_db


def _stored(model: Any, pk: Any) -> dict[str, Any]:
    obj = model.objects.get(pk=pk)
    return {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields}


def test_rows_are_what_save_writes(django_assert_num_queries: Any) -> None:
    events = [
        Event(action="test.one", target_repr=f"Ærlig «{n}» 100%_", data={"n": n, "ø": [1, 2]})
        for n in range(3)
    ]
    saved = Event(action="test.one", target_repr="Ærlig «0» 100%_", data={"n": 0, "ø": [1, 2]})
    saved.save()
    with django_assert_num_queries(1):
        ids = insert_unless_stored(events, returning=["id"])
    assert len(ids) == 3
    for event, (pk,) in zip(events, ids, strict=True):
        stored = _stored(Event, pk)
        assert stored["created_at"] == event.created_at  # set by auto_now_add, on the object
        expected = {**_stored(Event, saved.pk), "id": pk, "created_at": event.created_at}
        expected["data"] = event.data
        expected["target_repr"] = event.target_repr
        assert stored == expected


def test_a_conflict_is_skipped_and_says_so() -> None:
    [(pk, name)] = insert_unless_stored(
        [Unit(name="Ny eining", slug="ny")], returning=["id", "name"]
    )
    assert Unit.objects.get(pk=pk).name == name == "Ny eining"
    assert insert_unless_stored([Unit(name="Ny eining", slug="ny")], returning=["id"]) == []
    assert Unit.objects.filter(name="Ny eining").count() == 1


def test_of_several_rows_only_the_new_ones_are_returned() -> None:
    Unit.objects.create(name="A", slug="a")
    rows = insert_unless_stored(
        [Unit(name="A", slug="a"), Unit(name="B", slug="b")], returning=["id", "name"]
    )
    assert [name for _pk, name in rows] == ["B"]
    assert sorted(Unit.objects.values_list("name", flat=True)) == ["A", "B"]


def test_nothing_to_insert_costs_no_query(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        assert insert_unless_stored([], returning=["id"]) == []
