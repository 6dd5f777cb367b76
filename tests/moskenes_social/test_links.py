"""``{% id_url %}`` gives the same URL as ``{% url %}`` for every name the templates use."""

import pytest
from django.template import engines
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix

from moskenes_social.templatetags.links import id_url

NAMES = [
    "posts:detail",
    "accounts:detail",
    "accounts:responsibility_assign",
    "approvals:decide",
]


@pytest.mark.parametrize("name", NAMES)
def test_the_same_url_as_reverse(name: str) -> None:
    for pk in (1, 7, 42, 918273645, 10_000_001):
        assert id_url(name, pk) == reverse(name, args=[pk])


def test_a_script_prefix_is_kept() -> None:
    set_script_prefix("/moskenes/")
    try:
        assert id_url("posts:detail", 12) == reverse("posts:detail", args=[12])
        assert id_url("posts:detail", 12).startswith("/moskenes/")
    finally:
        clear_script_prefix()
    assert id_url("posts:detail", 12) == reverse("posts:detail", args=[12])


def test_a_url_without_one_integer_id_is_refused() -> None:
    with pytest.raises(NoReverseMatch):
        id_url("accounts:list", 1)


def test_the_tag_in_a_template() -> None:
    template = engines["django"].from_string("{% load links %}{% id_url 'posts:detail' pk %}")
    assert template.render({"pk": 5}) == reverse("posts:detail", args=[5])
