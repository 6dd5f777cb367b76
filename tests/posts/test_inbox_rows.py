"""``{% inbox_rows %}`` writes the rows the inbox's template loop wrote (kept here as it was):
long, combining and removed texts, no author, not triaged, overdue or not, every status,
and text that needs escaping."""

import unicodedata
from datetime import timedelta

import pytest
from django.template import engines
from django.utils import timezone, translation

from accounts.models import Account
from accounts.posts.models import Post, PostCategory, PostStatus
from tests.markup import between_tags

# The loop of templates/posts/inbox.html at ac572bb.
OLD = (
    "{% load i18n links %}{% for post, overdue in rows %}<tr>"
    '<th scope="row"><a href="{% id_url \'posts:detail\' post.pk %}">{% if post.text %}'
    "{{ post.text|truncatechars:80 }}{% else %}{% blocktranslate with number=post.pk %}"
    "Post {{ number }} (removed){% endblocktranslate %}{% endif %}</a>{% if post.author %}"
    '<span class="d-block small fw-normal">{{ post.author }}</span>{% endif %}</th>'
    "<td>{{ post.account.name }}</td>"
    "<td>{% if post.category %}{{ post.get_category_display }}{% else %}"
    '<span class="badge text-bg-warning">{% translate "Not triaged" %}</span>{% endif %}</td>'
    '<td>{{ post.posted_at|date:"j. M H:i" }}</td>'
    '<td>{% if post.status == "open" %}{% if overdue %}<span class="badge text-bg-danger">'
    '{% translate "Overdue" %}</span> {% endif %}{{ post.due_at|date:"j. M H:i" }}{% else %}'
    "{{ post.get_status_display }}{% endif %}</td></tr>{% endfor %}"
)


def _posts() -> list[tuple[Post, bool]]:
    now = timezone.now()
    account = Account(pk=3, name="Kultur <og> fritid & co")
    texts = [
        "Kort spørsmål?",
        "x" * 80,
        "y" * 81,
        "Lang " * 40,
        unicodedata.normalize("NFD", "Åpningstider på Ørsvågvær " * 4),
        unicodedata.normalize("NFD", "Blå bær"),
        "",
        "<script>alert(1)</script>",
    ]
    rows = []
    for n, text in enumerate(texts):
        for status in PostStatus:
            for category in ("", PostCategory.COMPLAINT):
                post = Post(
                    pk=100 + n,
                    account=account,
                    text=text,
                    author="" if n % 2 else "Innbygger <b>",
                    category=category,
                    status=status,
                    posted_at=now - timedelta(days=n, minutes=7),
                    due_at=now + timedelta(hours=5 - 3 * n),
                )
                rows.append((post, post.is_overdue(now)))
    return rows


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_rows_are_the_templates(language: str) -> None:
    rows = _posts()
    assert any(overdue for _, overdue in rows) and not all(overdue for _, overdue in rows)
    with translation.override(language):
        new = (
            engines["django"]
            .from_string("{% load posts %}{% inbox_rows rows %}")
            .render({"rows": rows})
        )
        old = engines["django"].from_string(OLD).render({"rows": rows})
    assert between_tags(new) == between_tags(old)
    assert new.count("<tr>") == len(rows)
    assert "&lt;script&gt;" in new and "<script>" not in new


def test_no_rows() -> None:
    assert (
        engines["django"].from_string("{% load posts %}{% inbox_rows rows %}").render({"rows": []})
        == ""
    )
