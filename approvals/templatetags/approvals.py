"""The rows of the rådmann's queue of requests (``{% load approvals %}``)."""

from collections.abc import Iterable

from django import template
from django.utils.safestring import SafeString
from django.utils.timesince import timesince

from approvals.models import AccountRequest
from moskenes_social.formats import choice_label
from moskenes_social.rows import rows, text
from moskenes_social.templatetags.links import id_url

register = template.Library()


def _queue_row(request: AccountRequest) -> str:
    waited = timesince(request.submitted_at) if request.submitted_at else ""
    return (
        f'<tr>\n    <td><a href="{text(id_url("approvals:decide", request.pk))}">'
        f"{text(request)}</a></td>\n    <td>{text(choice_label(request, 'kind'))}</td>\n"
        f"    <td>{text(request.unit or '–')}</td>\n    <td>{text(request.requester)}</td>\n"
        f"    <td>{text(waited)}</td>\n  </tr>"
    )


@register.simple_tag
def queue_rows(requests: Iterable[AccountRequest]) -> SafeString:
    """One table row a request: the request (linked to its decision page), its kind, unit,
    requester and how long it has waited.

    Written in Python, as the Django admin writes its list's cells: in the template each
    of 50 rows cost about 130 µs (``make bench``), half of the queue page."""
    return rows(_queue_row(r) for r in requests)
