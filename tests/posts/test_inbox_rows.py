"""The inbox's rows (``templates/jinja2/posts/inbox_rows.html``): what each cell says, in
Norwegian, with citizens' text escaped."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from accounts.models import Account, Post, PostCategory, PostStatus
from tests.jinja import cells, render


def _post(**fields: object) -> Post:
    now = timezone.now()
    defaults: dict[str, object] = {
        "pk": 7,
        "account": Account(pk=3, name="Kultur <og> fritid & co"),
        "text": "Når åpner biblioteket?",
        "author": "Innbygger <b>",
        "category": PostCategory.COMPLAINT,
        "status": PostStatus.OPEN,
        "posted_at": now - timedelta(hours=2),
        "due_at": now + timedelta(hours=5),
    }
    return Post(**{**defaults, **fields})


def test_a_row_links_the_post_and_says_its_account_category_and_due_time() -> None:
    post = _post()
    with translation.override("nb"):
        html = render("posts/inbox_rows.html", rows=[(post, False)])
    [[title, account, category, posted, due]] = cells(html)
    assert title == "Når åpner biblioteket? Innbygger <b>"
    assert '<a href="/innlegg/7/">' in html
    assert account == "Kultur <og> fritid & co"
    assert category == "Klage fra en misfornøyd innbygger"
    assert "Forfalt" not in due and due
    assert "<b>" not in html and "&lt;b&gt;" in html and "&lt;og&gt;" in html


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("x" * 80, "x" * 80),
        ("y" * 81, "y" * 79 + "…"),
        ("", "Innlegg 7 (slettet)"),
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),
    ],
)
def test_the_title_is_cut_at_80_characters_or_says_it_was_removed(text: str, title: str) -> None:
    with translation.override("nb"):
        html = render("posts/inbox_rows.html", rows=[(_post(text=text, author=""), False)])
    assert cells(html)[0][0] == title
    assert "<script>" not in html


def test_overdue_untriaged_and_answered_posts_say_so() -> None:
    rows = [
        (_post(category=""), True),
        (_post(status=PostStatus.ANSWERED), False),
    ]
    with translation.override("nb"):
        untriaged, answered = cells(render("posts/inbox_rows.html", rows=rows))
    assert untriaged[2] == "Ikke vurdert" and untriaged[4].startswith("Forfalt ")
    assert answered[4] == "Besvart"


def test_no_rows_render_nothing() -> None:
    assert render("posts/inbox_rows.html", rows=[]).strip() == ""
