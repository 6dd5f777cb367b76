"""``{% jinja "posts/inbox_rows.html" rows=rows %}``: a Jinja2 template (``templates/jinja2/``)
inside a Django template, with the values given (no context processors: rows need none)."""

from typing import Any

from django import template
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def jinja(template_name: str, **values: Any) -> SafeString:
    # The Jinja2 backend escapes every value (autoescape); its output is markup.
    return mark_safe(get_template(template_name, using="jinja2").render(values))  # noqa: S308
