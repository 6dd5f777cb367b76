"""Table rows of the long lists written in Python (the inbox, the account list, the queue)
and the badges in them: each is an f-string with every text escaped by ``text``.

Django's ``format_html`` escapes each value through ``conditional_escape``, which checks
every argument for a lazy translation on the way: several µs a value on the bench
machine, more than the row's own work (``make bench``). ``text`` is the same escape
(``html.escape``, which ``django.utils.html.escape`` calls) without those checks. The
tests of each tag compare what it writes with the template it replaced, markup in every
text included.
"""

from collections.abc import Iterable
from html import escape

from django.utils.safestring import SafeString, mark_safe


def text(value: object) -> str:
    """``value`` as HTML text: escaped, unless it is markup already (``SafeString``), as a
    template does with ``{{ value }}``."""
    if isinstance(value, SafeString):
        return value
    return escape(str(value))


def badge(css: str, label: object) -> str:
    """A Bootstrap badge: ``<span class="badge {css}">{label}</span>``. (Translated texts
    are passed in rather than written in the f-strings, where xgettext does not look.)"""
    return f'<span class="badge {css}">{text(label)}</span>'


def small(label: object) -> str:
    """A line of small print under a badge."""
    return f'<span class="d-block small">{text(label)}</span>'


def html(markup: str) -> SafeString:
    """Markup built from constants and ``text()`` values."""
    return mark_safe(markup)  # noqa: S308 - every value in it went through text()


def rows(markup: Iterable[str]) -> SafeString:
    """Rows of a table body, one a line."""
    return mark_safe("\n  ".join(markup))  # noqa: S308 - every value in them went through text()
