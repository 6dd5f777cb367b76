"""Rendering the Jinja2 row templates as the pages do, and reading their cells back."""

import re
from html import unescape
from typing import Any

from django.template import engines


def render(template_name: str, **values: Any) -> str:
    """``{% jinja template_name **values %}`` in a Django template, as the pages include it."""
    source = "{% load jinja %}{% jinja name " + " ".join(f"{k}={k}" for k in values) + " %}"
    return engines["django"].from_string(source).render({"name": template_name, **values})


def cells(html: str) -> list[list[str]]:
    """Each row's cells as the text a reader sees (tags dropped, spaces collapsed)."""
    rows = re.findall(r"<tr>(.*?)</tr>", html, flags=re.S)
    return [
        [
            " ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split())
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        ]
        for row in rows
    ]
