"""Filters for every template (a builtin library, see ``TEMPLATES``): a choice's label and
the three date formats of the pages, as ``moskenes_social.formats`` computes them.

    {{ account|choice_label:"platform" }}     instead of {{ account.get_platform_display }}
    {{ value|datetime_long }}                 instead of {{ value|date:"j. F Y H:i" }}
    {{ value|date_long }}                     instead of {{ value|date:"j. F Y" }}
    {{ value|datetime_short }}                instead of {{ value|date:"j. N H:i" }}
"""

from django import template

from moskenes_social import formats

register = template.Library()

register.filter("choice_label", formats.choice_label)
register.filter("date_long", formats.date_long)
register.filter("datetime_long", formats.datetime_long)
register.filter("datetime_short", formats.datetime_short)
