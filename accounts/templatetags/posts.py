"""The account page's section about posts and integrations (``{% account_posts_section %}``),
kept here so that the accounts views need not know about posts."""

from typing import Any

from django import template

from accounts.models import Account
from accounts.posts.permissions import can_view_posts
from accounts.posts.selectors import ingest_tokens_of, posts_open_count
from accounts.posts.services import integrations_may_manage
from moskenes_social.people.models import User

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
