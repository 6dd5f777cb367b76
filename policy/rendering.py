"""Rule text is markdown written by the rådmann: render it, then allow only harmless HTML."""

import html

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

# Enough for the guideline's paragraphs, bullets, emphasis and links; no images, no
# raw HTML, no style or script of any kind (CSP forbids inline code anyway).
ALLOWED_TAGS = {
    "p",
    "br",
    "em",
    "strong",
    "ul",
    "ol",
    "li",
    "a",
    "blockquote",
    "code",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> SafeString:
    """Markdown to sanitised HTML, safe to put in a template unescaped."""
    html = markdown.markdown(text, output_format="html")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitised by nh3 just above


def markdown_plain_text(text: str) -> str:
    """The words of the Markdown as a reader sees them, without its marks (``**``, ``-``):
    what the comparison of two versions compares."""
    html_text = markdown.markdown(text, output_format="html")
    return html.unescape(nh3.clean(html_text, tags=set())).strip()
