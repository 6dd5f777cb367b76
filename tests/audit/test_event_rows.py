"""``{% event_rows %}`` writes the rows the log's template loop wrote (kept here as it was)."""

from datetime import timedelta

import pytest
from django.template import engines
from django.utils import timezone, translation

from moskenes_social.audit.models import Event
from moskenes_social.people.models import User
from tests.markup import between_tags

# The loop of templates/audit/_events_section.html at ac572bb (dates as datetime_long).
OLD = (
    "{% load i18n %}{% for event, label in events %}"
    '<tr><td>{{ event.created_at|date:"j. F Y H:i" }}</td>'
    '<td>{{ event.actor|default:_("The system") }}</td><td>{{ label }}</td>'
    "<td>{{ event.reason }}</td></tr>{% endfor %}"
)


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_rows_are_the_templates(language: str) -> None:
    now = timezone.now()
    actor = User(pk=3, username="kari", first_name="Kari <K>", last_name="Nordmann")
    events = [
        (
            Event(
                pk=n,
                created_at=now - timedelta(days=n * 40, minutes=n),
                actor=actor if n % 2 else None,
                reason=f"Fordi <{n}> & «slik»" if n % 3 else "",
            ),
            f"Endret <b>{n}</b>",
        )
        for n in range(8)
    ]
    with translation.override(language):
        new = engines["django"].from_string("{% load audit %}{% event_rows events %}")
        old = engines["django"].from_string(OLD)
        got, expected = (t.render({"events": events}) for t in (new, old))
    assert between_tags(got) == between_tags(expected)
    assert got.count("<tr>") == 8 and "&lt;b&gt;" in got
