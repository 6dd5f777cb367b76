"""An object's log rows (``templates/jinja2/audit/event_rows.html``): time, who (or the
system), what and why, with every text escaped."""

from django.utils import timezone, translation

from moskenes_social.audit.models import Event
from moskenes_social.formats import datetime_long
from moskenes_social.people.models import User
from tests.jinja import cells, render


def test_rows_say_when_who_what_and_why() -> None:
    now = timezone.now()
    kari = User(pk=3, username="kari", first_name="Kari <K>", last_name="Nordmann")
    events = [
        (Event(created_at=now, actor=kari, reason="Fordi <1> & «slik»"), "Endret <b>"),
        (Event(created_at=now, actor=None, reason=""), "Påminnelse sendt"),
    ]
    with translation.override("nb"):
        html = render("audit/event_rows.html", events=events)
        when = datetime_long(now)
    by_kari, by_system = cells(html)
    assert by_kari == [when, "Kari <K> Nordmann", "Endret <b>", "Fordi <1> & «slik»"]
    assert by_system == [when, "Systemet", "Påminnelse sendt", ""]
    assert "<b>" not in html and "&lt;K&gt;" in html
