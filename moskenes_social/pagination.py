"""A paginator that stops counting: for lists that can hold hundreds of thousands of rows.

Django's ``Paginator`` counts every row to number the pages. For the inbox of someone who
sees every account that is 200,000 open posts at national scale (``make bench``): a third of
a second per page, only to print the total. ``CappedPaginator`` counts at most ``cap + 1``
rows (``COUNT(*)`` over a ``LIMIT``, which the list's ordering index serves) and offers the
first ``cap`` rows in pages; ``capped`` tells the template to say "more than" and to point
at the filters instead.
"""

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet


class CappedPaginator(Paginator[Any]):
    # 40 pages of 25: more than anyone pages through; the filters narrow a longer list.
    DEFAULT_CAP = 1000

    def __init__(self, object_list: QuerySet[Any], per_page: int, *, cap: int | None = None):
        super().__init__(object_list, per_page)
        self.queryset = object_list
        self.cap = self.DEFAULT_CAP if cap is None else cap

    @cached_property
    def _counted(self) -> int:
        # A sliced queryset's count() is a COUNT(*) over a subquery with the LIMIT.
        return self.queryset[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @cached_property
    def capped(self) -> bool:
        """True when there are more rows than the pages offer."""
        return self._counted > self.cap
