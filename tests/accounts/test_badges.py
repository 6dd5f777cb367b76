"""The badges of ``accounts.templatetags.account_badges`` say what the included templates
they replaced said (kept here as they were), for every status, coverage and follow-up."""

import re
from datetime import timedelta

import pytest
from django.template import engines
from django.utils import timezone, translation

from accounts.models import Account, AccountStatus
from accounts.selectors import Coverage
from tests.markup import between_tags

# The templates as they were before the badges (templates/accounts/_*.html at ac572bb).
STATUS = (
    '{% if account.status == "active" %}<span class="badge text-bg-success">'
    '{{ account.get_status_display }}</span>{% elif account.status == "suspended" %}'
    '<span class="badge text-bg-warning">{{ account.get_status_display }}</span>{% else %}'
    '<span class="badge text-bg-secondary">{{ account.get_status_display }}</span>{% endif %}'
)
COVERAGE = (
    '{% load i18n %}{% if not coverage.required %}<span class="badge text-bg-secondary">'
    '{% translate "Not in use" %}</span>{% elif coverage.ok %}<span class="badge '
    'text-bg-success">{% translate "Covered" %}</span>{% else %}<span class="badge '
    'text-bg-danger">{% translate "Below coverage" %}</span>\n<span class="d-block small">'
    '{% if not coverage.has_owner %}{% translate "No owner." %} {% endif %}'
    "{% if coverage.answerers_missing %}{% blocktranslate count "
    "missing=coverage.answerers_missing %}Needs {{ missing }} more person who can answer."
    "{% plural %}Needs {{ missing }} more people who can answer.{% endblocktranslate %}"
    "{% endif %}</span>{% endif %}"
)
FOLLOW_UP = (
    "{% load i18n %}{% if account.is_active %}{% if account.follow_up_overdue %}"
    '<span class="badge text-bg-danger">{% translate "Overdue" %}</span>\n'
    '<span class="d-block small">{% blocktranslate with due=account.follow_up_due_at|date:'
    '"j. F Y H:i" %}Due {{ due }}{% endblocktranslate %}</span>{% else %}'
    '<span class="badge text-bg-success">{% translate "On schedule" %}</span>\n'
    '{% if account.follow_up_due_at %}<span class="d-block small">{% blocktranslate with '
    'due=account.follow_up_due_at|date:"j. F Y H:i" %}Next by {{ due }}{% endblocktranslate %}'
    "</span>{% endif %}{% endif %}{% else %}–{% endif %}"
)


def _render(source: str, **context: object) -> str:
    html = engines["django"].from_string(source).render(context)
    return re.sub(r"\s+", " ", html).replace(" </span>", "</span>").strip()


def _same(tag: str, old: str, **context: object) -> str:
    new = _render("{% load account_badges %}" + tag, **context)
    assert new == _render(old, **context)
    return new


@pytest.mark.parametrize("language", ["nb", "en"])
def test_status(language: str) -> None:
    with translation.override(language):
        for status in AccountStatus:
            _same("{% status_badge account %}", STATUS, account=Account(status=status))


@pytest.mark.parametrize("language", ["nb", "en"])
def test_coverage(language: str) -> None:
    with translation.override(language):
        for required in (True, False):
            for has_owner in (True, False):
                for answerers in range(4):
                    coverage = Coverage(
                        has_owner=has_owner, answerers_count=answerers, required=required
                    )
                    _same("{% coverage_badge coverage %}", COVERAGE, coverage=coverage)


def test_coverage_in_norwegian() -> None:
    with translation.override("nb"):
        html = _same(
            "{% coverage_badge coverage %}",
            COVERAGE,
            coverage=Coverage(has_owner=False, answerers_count=1),
        )
    assert "Mangler eier." in html


@pytest.mark.parametrize("language", ["nb", "en"])
def test_follow_up(language: str) -> None:
    now = timezone.now()
    with translation.override(language):
        for status in AccountStatus:
            for due in (None, now - timedelta(days=1), now + timedelta(days=3)):
                account = Account(status=status, follow_up_due_at=due)
                _same("{% follow_up_badge account %}", FOLLOW_UP, account=account)


def test_a_name_is_escaped() -> None:
    html = _render(
        "{% load account_badges %}{% status_badge account %}", account=Account(status="<i>")
    )
    assert "&lt;i&gt;" in html


# The loop of templates/accounts/account_list.html at 37095b2 (with the badge tags).
LIST_LOOP = (
    "{% load links account_badges %}{% for account, coverage in rows %}<tr>"
    '<th scope="row"><a href="{% id_url \'accounts:detail\' account.pk %}">'
    "{{ account.name }}</a></th>"
    '<td>{{ account|choice_label:"platform" }}</td>'
    "<td>{{ account.handle }}</td>"
    "<td>{{ account.unit.name }}</td>"
    "<td>{% status_badge account %}</td>"
    "<td>{% coverage_badge coverage %}</td>"
    "<td>{% follow_up_badge account %}</td>"
    "</tr>{% endfor %}"
)


@pytest.mark.parametrize("language", ["nb", "en"])
def test_account_rows(language: str) -> None:
    from moskenes_social.people.models import Unit

    now = timezone.now()
    unit = Unit(pk=2, name="Kultur & <fritid>")
    rows = [
        (
            Account(
                pk=10 + n,
                name=f"Konto <{n}>",
                platform=platform,
                handle=f"@h{n}",
                unit=unit,
                status=status,
                follow_up_due_at=now + timedelta(days=n - 2),
            ),
            Coverage(has_owner=bool(n % 2), answerers_count=n % 3, required=status == "active"),
        )
        for n, (platform, status) in enumerate(
            [(p, s) for p in ("facebook", "x", "blog") for s in AccountStatus]
        )
    ]
    with translation.override(language):
        new = _render("{% load account_badges %}{% account_rows rows %}", rows=rows)
        old = _render(LIST_LOOP, rows=rows)
    assert between_tags(new) == between_tags(old)
    assert new.count("<tr>") == len(rows) and "&lt;0&gt;" in new


# The loop of the account page's history at ac572bb (dates as datetime_long).
HISTORY_LOOP = (
    "{% load i18n %}{% for r in history %}<tr>"
    "<td>{{ r.user }}</td><td>{{ r.get_role_display }}</td>"
    '<td>{{ r.assigned_at|date:"j. F Y H:i" }}</td>'
    '<td>{% if r.ended_at %}{{ r.ended_at|date:"j. F Y H:i" }}{% else %}{% translate "now" %}'
    "{% endif %}</td>"
    '<td>{{ r.assigned_by }}</td><td>{{ r.ended_by|default:"–" }}</td>'
    "</tr>{% endfor %}"
)


@pytest.mark.parametrize("language", ["nb", "en"])
def test_history_rows(language: str) -> None:
    from accounts.models import Responsibility, ResponsibilityRole
    from moskenes_social.people.models import User

    now = timezone.now()
    kari = User(pk=1, username="kari", first_name="Kari <K>", last_name="Nordmann")
    ola = User(pk=2, username="ola&co")
    history = [
        Responsibility(
            pk=n,
            user=kari if n % 2 else ola,
            role=role,
            assigned_at=now - timedelta(days=100 + n),
            assigned_by=ola,
            ended_at=now - timedelta(days=n) if n % 3 else None,
            ended_by=kari if n % 3 else None,
        )
        for n, role in enumerate(list(ResponsibilityRole) * 2)
    ]
    with translation.override(language):
        new = _render("{% load account_badges %}{% history_rows history %}", history=history)
        old = _render(HISTORY_LOOP, history=history)
    assert between_tags(new) == between_tags(old)
    assert new.count("<tr>") == len(history) and "&lt;K&gt;" in new
