"""The capped paginator (moskenes_social/pagination.py): counts at most cap + 1 rows."""

import pytest
from pytest_django import DjangoAssertNumQueries

from moskenes_social.pagination import CappedPaginator
from moskenes_social.people.models import Unit
from tests.factories import make_unit

pytestmark = pytest.mark.django_db


def _units(n: int) -> None:
    for i in range(n):
        make_unit(name=f"Enhet {i:02d}", slug=f"enhet-{i:02d}")


def test_below_the_cap_it_counts_every_row() -> None:
    _units(7)
    paginator = CappedPaginator(Unit.objects.order_by("name"), 2, cap=10)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (7, False, 4)


def test_above_the_cap_it_offers_the_first_rows_and_says_so(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    _units(7)
    paginator = CappedPaginator(Unit.objects.order_by("name"), 2, cap=5)
    with django_assert_num_queries(1):
        assert (paginator.count, paginator.capped, paginator.num_pages) == (5, True, 3)
    last = paginator.get_page(3)
    assert [u.name for u in last.object_list] == ["Enhet 04"]
    assert not last.has_next()
    # A page beyond the cap is the last one offered.
    assert paginator.get_page(4).number == 3


def test_exactly_the_cap_is_not_capped() -> None:
    _units(5)
    paginator = CappedPaginator(Unit.objects.order_by("name"), 2, cap=5)
    assert (paginator.count, paginator.capped) == (5, False)
