"""The log page's rows (``templates/jinja2/audit/log_rows.html``): time, who (or the
system), what, to what, and why: the reason given and the guideline rule a decision rested
on; every text escaped."""

from django.utils import timezone, translation

from moskenes_social.audit.models import Event
from moskenes_social.formats import datetime_long
from moskenes_social.people.models import User
from tests.jinja import cells, render


def test_rows_say_when_who_what_to_what_and_why_with_the_rule_applied() -> None:
    now = timezone.now()
    rad = User(pk=2, username="rad", first_name="Rita <R>", last_name="Rådmann")
    rows = [
        (
            Event(created_at=now, actor=rad, target_repr="Reine <skole>", reason="Uklar & kort"),
            "Søknad sendt tilbake",
            "Veileder versjon 2, kapittel 2: «Rådmannen» <godkjenner>",
            "/soknader/7/",
        ),
        (Event(created_at=now, actor=None, target_repr="", reason=""), "Påminnelse sendt", "", ""),
    ]
    with translation.override("nb"):
        html = render("audit/log_rows.html", rows=rows)
        when = datetime_long(now)
    decision, reminder = cells(html)
    assert decision == [
        when,
        "Rita <R> Rådmann",
        "Søknad sendt tilbake",
        "Reine <skole>",
        "Uklar & kort Veileder versjon 2, kapittel 2: «Rådmannen» <godkjenner>",
    ]
    assert reminder == [when, "Systemet", "Påminnelse sendt", "", ""]
    assert "<godkjenner>" not in html and "&lt;skole&gt;" in html
    assert html.count("<small>") == 1
    # What the event concerned links to its page, where it has one.
    assert html.count("<a ") == 1 and '<a href="/soknader/7/">Reine &lt;skole&gt;</a>' in html
