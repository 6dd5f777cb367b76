"""``{% queue_rows %}`` writes the rows the queue's template loop wrote (kept here as it
was): both kinds, with and without a unit, names that need escaping, waits of minutes to
years."""

from datetime import timedelta

import pytest
from django.template import engines
from django.utils import timezone, translation

from approvals.models import AccountRequest, RequestKind
from moskenes_social.people.models import Unit, User
from tests.markup import between_tags

# The loop of templates/approvals/request_queue.html at ac572bb.
OLD = (
    "{% load links %}{% for r in rows %}<tr>"
    "<td><a href=\"{% id_url 'approvals:decide' r.pk %}\">{{ r }}</a></td>"
    "<td>{{ r.get_kind_display }}</td>"
    '<td>{{ r.unit|default:"–" }}</td>'
    "<td>{{ r.requester }}</td>"
    "<td>{{ r.submitted_at|timesince }}</td>"
    "</tr>{% endfor %}"
)


def _requests() -> list[AccountRequest]:
    now = timezone.now()
    unit = Unit(pk=4, name="Helse & <omsorg>")
    people = [
        User(pk=9, username="kari", first_name="Kari", last_name="Nordmann"),
        User(pk=10, username="<ola>"),
    ]
    waits = [timedelta(minutes=3), timedelta(hours=5), timedelta(days=9), timedelta(days=800)]
    rows = []
    for n, wait in enumerate(waits):
        for kind in RequestKind:
            rows.append(
                AccountRequest(
                    pk=100 + n,
                    kind=kind,
                    name=f"Bibliotek {n} <b>" if n % 2 else "",
                    account_id=7 if kind == RequestKind.CLOSING else None,
                    unit=unit if n % 2 else None,
                    requester=people[n % 2],
                    submitted_at=now - wait,
                )
            )
    rows.append(AccountRequest(pk=200, kind=RequestKind.NEW_ACCOUNT, requester=people[0]))
    return rows


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_rows_are_the_templates(language: str) -> None:
    rows = _requests()
    with translation.override(language):
        new = engines["django"].from_string("{% load approvals %}{% queue_rows rows %}")
        old = engines["django"].from_string(OLD)
        assert between_tags(new.render({"rows": rows})) == between_tags(old.render({"rows": rows}))
    assert "&lt;b&gt;" in new.render({"rows": rows})
