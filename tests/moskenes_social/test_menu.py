"""The menu shows an entry to those the entry's permission predicate lets in, and the
template asks the predicates, not the roles."""

from pathlib import Path

import pytest

from tests.conftest import Persona

pytestmark = pytest.mark.django_db

ENTRIES = {
    "/kontoer/oversikt/": {"radmann"},
    "/logg/": {"radmann"},
    "/soknader/ko/": {"radmann"},
    "/soknader/": {"radmann", "kommunikasjon", "leder", "kriseleder", "ordforer"},
}


@pytest.mark.parametrize("url", sorted(ENTRIES))
def test_each_entry_is_shown_to_those_its_predicate_lets_in(
    personas: dict[str, Persona], url: str
) -> None:
    from django.urls import resolve

    resolve(url)  # the entry's page exists
    for name, persona in personas.items():
        if persona.user is None:
            continue
        html = persona.client.get("/").text
        nav = html[html.index("<nav") : html.index("</nav>")]
        assert (f'href="{url}"' in nav) == (name in ENTRIES[url]), (name, url)


def test_the_menu_template_compares_no_roles() -> None:
    source = (Path(__file__).parents[2] / "templates/includes/nav_items.html").read_text()
    assert "Role." not in source and "user_roles" not in source
