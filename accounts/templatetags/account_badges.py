"""An account's status, coverage and follow-up as badges, the account list's rows and the
account page's history of responsibility (``{% load account_badges %}``).

The account list shows all three on each of its 25 rows; the account page, the rådmann's
overview and the leader's start page show them too. As included templates they cost
30 to 95 µs a row each (``make bench``), most of the list's rendering; written here, like
the Django admin's cells, they cost a few µs. The markup is what the templates wrote.
"""

from collections.abc import Iterable

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext

from accounts.models import Account, AccountStatus, Responsibility
from accounts.selectors import Coverage
from moskenes_social.formats import choice_label, datetime_long
from moskenes_social.rows import badge, html, small, text
from moskenes_social.rows import rows as rows_html
from moskenes_social.templatetags.links import id_url

register = template.Library()

_STATUS_CLASS = {
    AccountStatus.ACTIVE: "text-bg-success",
    AccountStatus.SUSPENDED: "text-bg-warning",
}


@register.simple_tag
def status_badge(account: Account) -> SafeString:
    """Active (green), suspended (yellow) or closed (grey)."""
    css = _STATUS_CLASS.get(account.status, "text-bg-secondary")  # type: ignore[call-overload]
    return html(badge(css, choice_label(account, "status")))


@register.simple_tag
def coverage_badge(coverage: Coverage) -> SafeString:
    """Covered, below coverage (with what is missing), or not in use (not active)."""
    if not coverage.required:
        return html(badge("text-bg-secondary", gettext("Not in use")))
    if coverage.ok:
        return html(badge("text-bg-success", gettext("Covered")))
    missing = []
    if not coverage.has_owner:
        missing.append(gettext("No owner."))
    if coverage.answerers_missing:
        missing.append(
            ngettext(
                "Needs %(missing)s more person who can answer.",
                "Needs %(missing)s more people who can answer.",
                coverage.answerers_missing,
            )
            % {"missing": coverage.answerers_missing}
        )
    below = badge("text-bg-danger", gettext("Below coverage"))
    return html(f"{below}\n{small(' '.join(missing))}")


@register.simple_tag
def follow_up_badge(account: Account) -> SafeString:
    """For an active account: overdue or on schedule, with the date of the next follow-up;
    a dash for any other."""
    if not account.is_active:
        return html("–")
    due = datetime_long(account.follow_up_due_at)
    if account.follow_up_overdue():
        overdue = badge("text-bg-danger", gettext("Overdue"))
        when = gettext("Due %(due)s") % {"due": due}
        return html(f"{overdue}\n{small(when)}")
    on_schedule = badge("text-bg-success", gettext("On schedule"))
    if not due:
        return html(on_schedule)
    when = gettext("Next by %(due)s") % {"due": due}
    return html(f"{on_schedule}\n{small(when)}")


def _account_row(account: Account, coverage: Coverage) -> str:
    return (
        f'<tr>\n    <th scope="row"><a href="{text(id_url("accounts:detail", account.pk))}">'
        f"{text(account.name)}</a></th>\n"
        f"    <td>{text(choice_label(account, 'platform'))}</td>\n"
        f"    <td>{text(account.handle)}</td>\n    <td>{text(account.unit.name)}</td>\n"
        f"    <td>{status_badge(account)}</td>\n    <td>{coverage_badge(coverage)}</td>\n"
        f"    <td>{follow_up_badge(account)}</td>\n  </tr>"
    )


@register.simple_tag
def account_rows(rows: Iterable[tuple[Account, Coverage]]) -> SafeString:
    """The account list's table rows, one for each (account, its coverage): name (linked),
    platform, username, unit and the three badges; written in Python as the badges are."""
    return rows_html(_account_row(a, c) for a, c in rows)


def _history_row(responsibility: Responsibility) -> str:
    ended = datetime_long(responsibility.ended_at) if responsibility.ended_at else gettext("now")
    return (
        f"<tr>\n      <td>{text(responsibility.user)}</td>"
        f"<td>{text(choice_label(responsibility, 'role'))}</td>\n"
        f"      <td>{text(datetime_long(responsibility.assigned_at))}</td>\n"
        f"      <td>{text(ended)}</td>\n"
        f"      <td>{text(responsibility.assigned_by)}</td>"
        f"<td>{text(responsibility.ended_by or '–')}</td>\n    </tr>"
    )


@register.simple_tag
def history_rows(history: Iterable[Responsibility]) -> SafeString:
    """The account page's history of responsibility, a row each: who, role, from, until
    (or now), assigned by and ended by."""
    return rows_html(_history_row(r) for r in history)
