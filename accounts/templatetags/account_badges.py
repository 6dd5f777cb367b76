"""An account's status, coverage and follow-up as badges (``{% load account_badges %}``).

The account list shows all three on each of its 25 rows; the account page, the rådmann's
overview and the leader's start page show them too. As included templates they cost
30 to 95 µs a row each (``make bench``), most of the list's rendering; written here, like
the Django admin's cells, they cost a few µs. The markup is what the templates wrote.
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext

from accounts.models import Account, AccountStatus
from accounts.selectors import Coverage
from moskenes_social.formats import choice_label, datetime_long

register = template.Library()

_STATUS_CLASS = {
    AccountStatus.ACTIVE: "text-bg-success",
    AccountStatus.SUSPENDED: "text-bg-warning",
}


@register.simple_tag
def status_badge(account: Account) -> SafeString:
    """Active (green), suspended (yellow) or closed (grey)."""
    return format_html(
        '<span class="badge {}">{}</span>',
        _STATUS_CLASS.get(account.status, "text-bg-secondary"),  # type: ignore[call-overload]
        choice_label(account, "status"),
    )


@register.simple_tag
def coverage_badge(coverage: Coverage) -> SafeString:
    """Covered, below coverage (with what is missing), or not in use (not active)."""
    if not coverage.required:
        return format_html('<span class="badge text-bg-secondary">{}</span>', gettext("Not in use"))
    if coverage.ok:
        return format_html('<span class="badge text-bg-success">{}</span>', gettext("Covered"))
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
    return format_html(
        '<span class="badge text-bg-danger">{}</span>\n<span class="d-block small">{}</span>',
        gettext("Below coverage"),
        " ".join(missing),
    )


@register.simple_tag
def follow_up_badge(account: Account) -> SafeString:
    """For an active account: overdue or on schedule, with the date of the next follow-up;
    a dash for any other."""
    if not account.is_active:
        return format_html("{}", "–")
    due = datetime_long(account.follow_up_due_at)
    if account.follow_up_overdue():
        return format_html(
            '<span class="badge text-bg-danger">{}</span>\n<span class="d-block small">{}</span>',
            gettext("Overdue"),
            gettext("Due %(due)s") % {"due": due},
        )
    badge = format_html('<span class="badge text-bg-success">{}</span>', gettext("On schedule"))
    if not due:
        return badge
    return format_html(
        '{}\n<span class="d-block small">{}</span>',
        badge,
        gettext("Next by %(due)s") % {"due": due},
    )
