"""The Jinja2 environment of the hot list rows (``templates/jinja2/``, Django's ``Jinja2``
backend).

The long lists (the inbox, the account list, the queue, the logs) render their rows as
Jinja2 templates: with autoescaping they write the same markup as Django templates at
a fraction of the cost a row (``make bench``; ``docs/performance.md``). The pages around
them stay Django templates and include the rows with ``{% jinja %}``
(``moskenes_social.templatetags.jinja``). Texts are translated by Django's catalogue:
write ``{{ _("Text") }}``, which ``makemessages`` finds, and ``|format(name=value)`` for
a placeholder.
"""

from typing import Any

from django.template.defaultfilters import truncatechars
from django.utils import translation
from django.utils.timesince import timesince
from jinja2 import Environment, StrictUndefined

from moskenes_social import formats
from moskenes_social.templatetags.links import id_url


def environment(**options: Any) -> Environment:
    options.setdefault("undefined", StrictUndefined)
    env = Environment(**options)  # noqa: S701 - autoescape is on, set by Django's backend
    env.install_gettext_translations(translation, newstyle=False)  # type: ignore[attr-defined]
    env.filters.update(
        choice_label=formats.choice_label,
        date_long=formats.date_long,
        datetime_long=formats.datetime_long,
        datetime_short=formats.datetime_short,
        timesince=timesince,
        truncatechars=truncatechars,
    )
    env.globals["id_url"] = id_url
    return env
