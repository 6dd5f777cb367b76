"""The account page's section about posts and integrations (``{% account_posts_section %}``),
kept here so that the accounts views need not know about posts; the inbox's rows."""

import unicodedata
from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext

from accounts.models import Account
from accounts.posts.models import Post, PostStatus
from accounts.posts.permissions import can_view_posts
from accounts.posts.selectors import ingest_tokens_of, posts_open_count
from accounts.posts.services import integrations_may_manage
from moskenes_social.formats import choice_label, datetime_short
from moskenes_social.people.models import User
from moskenes_social.rows import badge, text
from moskenes_social.rows import rows as rows_html
from moskenes_social.templatetags.links import id_url

register = template.Library()


@register.inclusion_tag("posts/_account_section.html", takes_context=True)
def account_posts_section(context: dict[str, Any], account: Account) -> dict[str, Any]:
    """Posts awaiting an answer, and for the owner the ingest tokens and the Facebook Page.

    One query for those who see the posts (three while a crisis is active: the crisis and
    the guideline's crisis roles too), one more for an owner who may act; none for others."""
    user = context["request"].user
    if not isinstance(user, User) or not can_view_posts(user, account):
        return {"visible": False}
    # The base layout's crisis banner (``accounts.crisis.context_processors``) was read in
    # this request: without one, no crisis can lock the owner out, and the lockout costs no
    # second query. A context without the banner's key looks it up.
    crisis_active = "crisis_banner" not in context or context["crisis_banner"] is not None
    manage = integrations_may_manage(actor=user, account=account, crisis_active=crisis_active)
    return {
        "visible": True,
        "account": account,
        "open_count": posts_open_count(account=account),
        "manage": manage,
        "tokens": list(ingest_tokens_of(account=account)) if manage else [],
        "csrf_token": context.get("csrf_token"),
    }


def _title(text: str, length: int = 80) -> str:
    # ``{{ text|truncatechars:80 }}``: Truncator counts NFC characters and returns the
    # normalized text when nothing is cut; most posts are shorter, so that is tried first.
    text = unicodedata.normalize("NFC", text)
    return text if len(text) <= length else Truncator(text).chars(length)


def _inbox_row(post: Post, overdue: bool) -> str:
    title = (
        _title(post.text)
        if post.text
        else gettext("Post %(number)s (removed)") % {"number": post.pk}
    )
    author = (
        f'<span class="d-block small fw-normal">{text(post.author)}</span>' if post.author else ""
    )
    category = (
        text(choice_label(post, "category"))
        if post.category
        else badge("text-bg-warning", gettext("Not triaged"))
    )
    if post.status == PostStatus.OPEN:
        flag = badge("text-bg-danger", gettext("Overdue")) + " " if overdue else ""
        last = f"{flag}{text(datetime_short(post.due_at))}"
    else:
        last = text(choice_label(post, "status"))
    return (
        f'<tr>\n    <th scope="row"><a href="{text(id_url("posts:detail", post.pk))}">'
        f"{text(title)}</a>{author}</th>\n    <td>{text(post.account.name)}</td>\n"
        f"    <td>{category}</td>\n    <td>{text(datetime_short(post.posted_at))}</td>\n"
        f"    <td>{last}</td>\n  </tr>"
    )


@register.simple_tag
def inbox_rows(rows: Iterable[tuple[Post, bool]]) -> SafeString:
    """The inbox's table rows, one for each (post, whether it is overdue).

    Written in Python, as the Django admin writes its list's cells: in the template each
    of 50 rows cost about 80 µs (``make bench``), most of the inbox page."""
    return rows_html(_inbox_row(post, overdue) for post, overdue in rows)
