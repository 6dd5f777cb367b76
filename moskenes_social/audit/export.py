"""The log as CSV: what the filter shows, every row, for an access request under
offentleglova. The columns are those of the page; an event holds no citizen's words, so
neither does the file."""

import csv
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.utils.translation import gettext

from moskenes_social.worktime import OSLO

from .labels import event_basis, event_label
from .models import Event

# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


class _Line:
    """What ``csv.writer`` writes to: it hands the line back instead of storing it."""

    def write(self, value: str) -> str:
        return value


def _rows(events: QuerySet[Event]) -> Iterator[list[str]]:
    yield [
        gettext("Time"),
        gettext("Who"),
        gettext("Action"),
        gettext("What"),
        gettext("Reason"),
        gettext("Guideline applied"),
    ]
    for event in events.iterator(chunk_size=2000):
        yield [
            event.created_at.astimezone(OSLO).strftime("%Y-%m-%d %H:%M:%S"),
            str(event.actor) if event.actor else gettext("The system"),
            event_label(event),
            event.target_repr,
            event.reason,
            event_basis(event),
        ]


def events_csv_lines(events: QuerySet[Event]) -> Iterable[str]:
    """The events as CSV lines, a byte order mark first so that a spreadsheet reads UTF-8."""
    writer = csv.writer(_Line())
    yield "\ufeff"
    for row in _rows(events):
        yield writer.writerow([_cell(value) for value in row])
