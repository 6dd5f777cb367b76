"""``PreparedQuery``: compiled once, run with each call's values, the same rows as the ORM."""

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count, DateField, Exists, OuterRef, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.test.utils import CaptureQueriesContext

from moskenes_social.db import PreparedQuery
from moskenes_social.people.models import Unit, User
from tests.factories import make_unit, make_user

pytestmark = pytest.mark.django_db


def _units_led(*, name: str, username: str, since: date) -> QuerySet[Unit]:
    """A query of the shape the webhook prepares: a filter, an EXISTS and a value used
    twice (the date)."""
    led_by = User.objects.filter(led_units=OuterRef("pk"), username=username)
    return (
        Unit.objects.filter(name=name)
        .annotate(
            led=Exists(led_by),
            since=Value(since, output_field=DateField()),
            again=Value(since, output_field=DateField()),
        )
        .order_by("name")
    )


def _row(unit: Any) -> tuple[Any, ...]:
    return (unit.pk, unit.name, unit.led, unit.since, unit.again)


def _prepared(calls: list[dict[str, Any]]) -> PreparedQuery[Unit]:
    def build(**values: Any) -> QuerySet[Unit]:
        calls.append(values)
        return _units_led(**values)

    return PreparedQuery(
        build,
        name="name of the example",
        username="user of the example",
        since=date(1901, 2, 3),
    )


def test_rows_and_annotations_are_those_of_the_orm(django_assert_num_queries: Any) -> None:
    leader = make_user(username="leder")
    school = make_unit(name="Moskenes skole")
    make_unit(name="Reine skole")
    make_unit(name="Rådhuset")
    school.leaders.add(leader)
    prepared = _prepared([])
    make_unit(name="Moskenes_skole%")
    for name, username, since in [
        ("Moskenes skole", "leder", date(2026, 11, 30)),
        ("Moskenes skole", "ingen", date(2025, 1, 1)),
        ("Rådhuset", "leder", date(2024, 5, 17)),
        ("Moskenes_skole%", "leder", date(2026, 1, 1)),
        ("MOSKENES SKOLE", "leder", date(2026, 1, 1)),
    ]:
        expected = [_row(u) for u in _units_led(name=name, username=username, since=since)]
        with django_assert_num_queries(1):
            rows = prepared(name=name, username=username, since=since)
        assert [_row(u) for u in rows] == expected
    assert expected == []
    new_year = date(2026, 1, 1)
    (school_row,) = prepared(name="Moskenes skole", username="leder", since=new_year)
    assert _row(school_row) == (school.pk, "Moskenes skole", True, new_year, new_year)


def test_the_query_is_built_and_compiled_on_the_first_call_only() -> None:
    calls: list[dict[str, Any]] = []
    prepared = _prepared(calls)
    assert calls == []
    prepared(name="a", username="b", since=date(2026, 1, 1))
    # The examples, then the first call's own values and texts with a pattern's special
    # characters (the checks that they give the same SQL and parameters).
    assert [c["name"] for c in calls] == ["name of the example", "a", "a%_\\Æø"]
    prepared(name="c", username="d", since=date(2026, 1, 2))
    assert len(calls) == 3


def test_a_query_whose_sql_depends_on_a_value_is_refused() -> None:
    def build(*, name: str) -> QuerySet[Unit]:
        units = Unit.objects.all()
        return units.filter(name=name) if name else units

    with pytest.raises(ValueError, match="depends on more than where its values go"):
        PreparedQuery(build, name="example")(name="")


def test_an_example_that_equals_a_constant_of_the_query_is_refused() -> None:
    def build(*, name: str) -> QuerySet[Unit]:
        return Unit.objects.filter(name=name).exclude(slug="reine")

    with pytest.raises(ValueError, match="depends on more than where its values go"):
        PreparedQuery(build, name="reine")(name="Moskenes")


def test_an_example_the_query_does_not_use_is_refused() -> None:
    def build(*, name: str) -> QuerySet[Unit]:
        return Unit.objects.annotate(n=Count("children")).filter(n__gte=0)

    with pytest.raises(ValueError, match="is not among the parameters"):
        PreparedQuery(build, name="example")(name="Moskenes")


def test_the_values_must_be_those_named_by_the_examples_and_of_their_types() -> None:
    prepared = _prepared([])
    with pytest.raises(TypeError):
        prepared(name="a", username="b")
    with pytest.raises(TypeError, match="type of their examples"):
        prepared(name=None, username="b", since=date(2026, 1, 1))
    with pytest.raises(TypeError, match="type of their examples"):
        prepared(name="a", username=17, since=date(2026, 1, 1))


@pytest.mark.parametrize("lookup", ["name__contains", "name__startswith", "name__icontains"])
def test_a_lookup_that_changes_its_value_is_refused(lookup: str) -> None:
    """A pattern lookup wraps or escapes its value, so the raw value would mean another
    thing: refused on the first call."""

    def build(*, name: str) -> QuerySet[Unit]:
        return Unit.objects.filter(**{lookup: name})

    with pytest.raises(ValueError):
        PreparedQuery(build, name="example")(name="Moskenes")


def _with_parent(*, name: str) -> QuerySet[Unit]:
    return (
        Unit.objects.filter(name=name)
        .select_related("parent")
        .only("name", "parent__name", "parent__slug")
        .order_by("id")
    )


def test_related_objects_and_deferred_fields_are_the_orms(django_assert_num_queries: Any) -> None:
    parent = make_unit(name="Helse")
    child = make_unit(name="Legekontoret")
    child.parent = parent
    child.save(update_fields=["parent"])
    prepared = PreparedQuery(_with_parent, name="example")
    prepared(name="warm")
    with django_assert_num_queries(1):
        (row,) = prepared(name="Legekontoret")
        assert row.parent is not None
        assert (row.pk, row.name, row.parent.pk, row.parent.name, row.parent.slug) == (
            child.pk,
            "Legekontoret",
            parent.pk,
            "Helse",
            parent.slug,
        )
    (orm,) = _with_parent(name="Legekontoret")
    assert orm.parent is not None
    assert row.get_deferred_fields() == orm.get_deferred_fields() == {"slug"}
    assert row.parent.get_deferred_fields() == orm.parent.get_deferred_fields()
    assert row._state.db == orm._state.db and not row._state.adding
    with django_assert_num_queries(1):
        assert row.slug == child.slug  # a deferred field loads as with the ORM


def test_a_prefetch_is_refused() -> None:
    def build(*, name: str) -> QuerySet[Unit]:
        return Unit.objects.filter(name=name).prefetch_related("children")

    with pytest.raises(ValueError, match="prefetches"):
        PreparedQuery(build, name="example")(name="Helse")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared on PostgreSQL only")
def test_on_postgresql_the_statement_is_prepared_on_the_server_once() -> None:
    school = make_unit(name="Moskenes skole")
    prepared = PreparedQuery(_with_parent, name="example")
    with CaptureQueriesContext(connection) as first:
        (row,) = prepared(name="Moskenes skole")
    with CaptureQueriesContext(connection) as second:
        assert prepared(name="Rådhuset") == []
    assert row.pk == school.pk
    # The PREPARE goes on the driver's cursor: each call is one query, an EXECUTE.
    assert [len(first), len(second)] == [1, 1]
    assert all(q["sql"].startswith("EXECUTE mq_") for q in [*first, *second])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared on PostgreSQL only")
def test_a_statement_the_server_refuses_runs_as_sql_and_the_transaction_goes_on() -> None:
    def build(*, bound: str) -> QuerySet[Unit]:
        # As a declared text parameter "id > $1" has no operator; as a literal it is a number.
        return Unit.objects.filter(id__gt=RawSQL("%s", (bound,))).order_by("id")

    unit = make_unit(name="Reine")
    prepared = PreparedQuery(build, bound="918273645")
    with CaptureQueriesContext(connection) as queries:
        rows = prepared(bound="0")
    assert [u.pk for u in rows] == [u.pk for u in build(bound="0")] and unit in rows
    assert not queries[0]["sql"].startswith("EXECUTE")
    assert Unit.objects.filter(pk=unit.pk).exists()  # the test's transaction is usable
    with CaptureQueriesContext(connection) as again:
        prepared(bound="0")
    assert not again[0]["sql"].startswith("EXECUTE")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared on PostgreSQL only")
def test_server_side_preparation_can_be_turned_off(settings: Any) -> None:
    settings.DATABASE_PREPARED_STATEMENTS = False
    make_unit(name="Moskenes skole")
    prepared = PreparedQuery(_with_parent, name="example")
    with CaptureQueriesContext(connection) as queries:
        assert len(prepared(name="Moskenes skole")) == 1
    assert queries[0]["sql"].startswith("SELECT")


# --- insert_rows ------------------------------------------------------------------------------


def _stored(model: Any, pk: Any) -> dict[str, Any]:
    obj = model.objects.get(pk=pk)
    return {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields}


def test_one_row_is_the_orms_row_and_its_insert_is_compiled_once(
    django_assert_num_queries: Any,
) -> None:
    from moskenes_social.audit.models import Event
    from moskenes_social.db import _INSERTS, insert_rows

    _INSERTS.clear()
    events = [
        Event(action="test.one", target_repr=f"Ærlig «{n}» 100%_", data={"n": n, "ø": [1, 2]})
        for n in range(3)
    ]
    orm = Event(action="test.one", target_repr="Ærlig «0» 100%_", data={"n": 0, "ø": [1, 2]})
    orm.save()
    with django_assert_num_queries(3):
        ids = [insert_rows([event], returning=["id"]) for event in events]
    assert [len(row) for row in ids] == [1, 1, 1]
    assert [key[0] for key, insert in _INSERTS.items() if insert is not None] == [Event]
    for event, [(pk,)] in zip(events, ids, strict=True):
        stored = _stored(Event, pk)
        assert stored["created_at"] == event.created_at  # set by auto_now_add, on the object
        expected = {**_stored(Event, orm.pk), "id": pk, "created_at": event.created_at}
        expected["data"] = event.data
        expected["target_repr"] = event.target_repr
        assert stored == expected


def test_a_conflict_is_skipped_and_says_so() -> None:
    from moskenes_social.db import insert_unless_stored

    [(pk, name)] = insert_unless_stored(
        [Unit(name="Ny eining", slug="ny")], returning=["id", "name"]
    )
    assert Unit.objects.get(pk=pk).name == name == "Ny eining"
    assert insert_unless_stored([Unit(name="Ny eining", slug="ny")], returning=["id"]) == []
    assert Unit.objects.filter(name="Ny eining").count() == 1


def test_an_expression_takes_the_orms_path() -> None:
    from django.db.models.functions import Upper

    from moskenes_social.db import _INSERTS, insert_rows

    _INSERTS.clear()
    unit = Unit(name=Upper(Value("liten")), slug="liten")
    [(pk,)] = insert_rows([unit], returning=["id"])
    assert Unit.objects.get(pk=pk).name == "LITEN"
    assert not _INSERTS


def test_several_rows_take_the_orms_path() -> None:
    from moskenes_social.db import _INSERTS, insert_rows

    _INSERTS.clear()
    rows = insert_rows(
        [Unit(name="A", slug="a"), Unit(name="B", slug="b")], returning=["id", "name"]
    )
    assert sorted(name for _pk, name in rows) == ["A", "B"]
    assert not _INSERTS
