"""Template helpers: rule text as sanitised HTML, and the start page's acknowledgement notice."""

from typing import Any

from django import template
from django.utils.safestring import SafeString

from ..rendering import render_markdown
from ..selectors import acknowledgement_due

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    return render_markdown(text)


@register.inclusion_tag("policy/includes/acknowledgement_notice.html", takes_context=True)
def acknowledgement_notice(context: dict[str, Any]) -> dict[str, Any]:
    """A notice for a user who has not yet confirmed reading the version in force."""
    request = context["request"]
    return {
        "version": acknowledgement_due(user=request.user),
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path(),
    }
