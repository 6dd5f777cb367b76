"""Where the log links each event's target: its account, post, request or crisis page.

Data only, as ``labels.py``: the audit app imports no other app, so the table names each
target by its content type and each page by its URL name. A target without a page here
(a guideline rule, a login lock) is shown as text.
"""

from django.urls import reverse

from .models import Event

# (app label, model) -> (URL name, its keyword argument)
TARGET_PAGES: dict[tuple[str, str], tuple[str, str]] = {
    ("accounts", "account"): ("accounts:detail", "account_id"),
    ("accounts", "post"): ("posts:detail", "post_id"),
    ("accounts", "crisisperiod"): ("crisis:detail", "crisis_id"),
    ("approvals", "accountrequest"): ("approvals:detail", "request_id"),
}


def target_url(event: Event) -> str:
    """The page of the event's target, or "" (the event's ``target_type`` joined)."""
    kind = event.target_type
    if kind is None or not (event.target_id.isascii() and event.target_id.isdigit()):
        return ""
    page = TARGET_PAGES.get((kind.app_label, kind.model))
    if page is None:
        return ""
    name, argument = page
    return reverse(name, kwargs={argument: int(event.target_id)})
