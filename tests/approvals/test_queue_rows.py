"""The queue's rows (``templates/jinja2/approvals/queue_rows.html``): each request linked to
its decision page, its kind, unit, requester and wait, with names escaped."""

from datetime import timedelta

from django.utils import timezone, translation

from approvals.models import AccountRequest, RequestKind
from moskenes_social.people.models import Unit, User
from tests.jinja import cells, render


def test_rows_say_kind_unit_requester_and_wait() -> None:
    now = timezone.now()
    kari = User(pk=9, username="kari", first_name="Kari", last_name="<Nordmann>")
    rows = [
        AccountRequest(
            pk=100,
            kind=RequestKind.NEW_ACCOUNT,
            name="Bibliotek <b>",
            unit=Unit(pk=4, name="Helse & <omsorg>"),
            requester=kari,
            submitted_at=now - timedelta(days=9, minutes=1),
        ),
        AccountRequest(pk=101, kind=RequestKind.NEW_ACCOUNT, requester=kari),
    ]
    with translation.override("nb"):
        html = render("approvals/queue_rows.html", requests=rows)
    submitted, draft = cells(html)
    assert submitted[2:] == ["Helse & <omsorg>", "Kari <Nordmann>", "1 uke, 2 dager"]
    assert submitted[0] == str(rows[0]) and "Bibliotek <b>" in submitted[0]
    assert draft[2] == "–" and draft[4] == ""
    assert '<a href="/soknader/100/avgjor/">' in html
    assert "<b>" not in html and "&lt;Nordmann&gt;" in html
