"""The account badges and rows (``templates/jinja2/accounts/``): every status, coverage and
follow-up, in Norwegian, with names escaped; the Django pages' badges say the same."""

from datetime import timedelta

import pytest
from django.template import engines
from django.utils import timezone, translation

from accounts.models import Account, AccountStatus, Responsibility, ResponsibilityRole
from accounts.selectors import Coverage
from moskenes_social.people.models import Unit, User
from tests.jinja import cells, render


def _text(html: str) -> str:
    return cells(f"<tr><td>{html}</td></tr>")[0][0]


@pytest.mark.parametrize(
    ("status", "css", "label"),
    [
        (AccountStatus.ACTIVE, "text-bg-success", "Aktiv"),
        (AccountStatus.SUSPENDED, "text-bg-warning", "Stanset"),
        (AccountStatus.CLOSED, "text-bg-secondary", "Lagt ned"),
    ],
)
def test_status(status: AccountStatus, css: str, label: str) -> None:
    with translation.override("nb"):
        html = render("accounts/status_badge.html", account=Account(status=status))
    assert f'class="badge {css}"' in html and _text(html) == label


@pytest.mark.parametrize(
    ("coverage", "css", "says"),
    [
        (Coverage(has_owner=True, answerers_count=2), "text-bg-success", "Dekning i orden"),
        (Coverage(has_owner=False, answerers_count=0, required=False), "text-bg-secondary", None),
        (
            Coverage(has_owner=False, answerers_count=1),
            "text-bg-danger",
            "Mangler eier. Trenger 1 person til som kan svare.",
        ),
        (Coverage(has_owner=True, answerers_count=0), "text-bg-danger", "2 personer til"),
    ],
)
def test_coverage(coverage: Coverage, css: str, says: str | None) -> None:
    with translation.override("nb"):
        html = render("accounts/coverage_badge.html", coverage=coverage)
    assert f'class="badge {css}"' in html
    if says is not None:
        assert says in _text(html)


def test_follow_up_overdue_on_schedule_and_not_in_use() -> None:
    now = timezone.now()
    late = Account(status=AccountStatus.ACTIVE, follow_up_due_at=now - timedelta(days=1))
    due = Account(status=AccountStatus.ACTIVE, follow_up_due_at=now + timedelta(days=3))
    closed = Account(status=AccountStatus.CLOSED, follow_up_due_at=now - timedelta(days=1))
    with translation.override("nb"):
        late_text, due_text, closed_text = (
            _text(render("accounts/follow_up_badge.html", account=a)) for a in (late, due, closed)
        )
    assert late_text.startswith("Forfalt Frist ")
    assert due_text.startswith("I rute Neste innen ")
    assert closed_text == "–"


def test_the_django_pages_badges_are_the_rows_badges() -> None:
    account = Account(status=AccountStatus.SUSPENDED)
    with translation.override("nb"):
        page = engines["django"].from_string(
            '{% load jinja %}{% jinja "accounts/status_badge.html" account=account %}'
        )
        assert "Stanset" in page.render({"account": account})


def test_account_rows() -> None:
    unit = Unit(pk=2, name="Kultur & <fritid>")
    account = Account(
        pk=10,
        name="Konto <1>",
        platform="facebook",
        handle="@reine",
        unit=unit,
        status=AccountStatus.ACTIVE,
        follow_up_due_at=timezone.now() + timedelta(days=2),
    )
    coverage = Coverage(has_owner=True, answerers_count=2)
    with translation.override("nb"):
        html = render("accounts/account_rows.html", rows=[(account, coverage)])
    [[name, platform, handle, unit_name, status, covered, follow_up]] = cells(html)
    assert (name, platform, handle, unit_name) == (
        "Konto <1>",
        "Facebook",
        "@reine",
        "Kultur & <fritid>",
    )
    assert (status, covered) == ("Aktiv", "Dekning i orden") and follow_up.startswith("I rute")
    assert '<a href="/kontoer/10/">' in html and "&lt;1&gt;" in html


def test_history_rows() -> None:
    now = timezone.now()
    kari = User(pk=1, username="kari", first_name="Kari <K>", last_name="Nordmann")
    ola = User(pk=2, username="ola&co")
    history = [
        Responsibility(
            user=kari,
            role=ResponsibilityRole.OWNER,
            assigned_at=now - timedelta(days=100),
            assigned_by=ola,
        ),
        Responsibility(
            user=ola,
            role=ResponsibilityRole.RESPONDER,
            assigned_at=now - timedelta(days=50),
            assigned_by=kari,
            ended_at=now - timedelta(days=2),
            ended_by=kari,
        ),
    ]
    with translation.override("nb"):
        html = render("accounts/history_rows.html", history=history)
    open_row, ended_row = cells(html)
    assert open_row[0] == "Kari <K> Nordmann" and open_row[3] == "nå" and open_row[5] == "–"
    assert ended_row[0] == "ola&co" and ended_row[3] != "nå" and ended_row[5] == "Kari <K> Nordmann"
    assert "&lt;K&gt;" in html
