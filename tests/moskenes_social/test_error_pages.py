"""Every error page a visitor can meet outside debug mode is in Norwegian (issue 17)."""

import re

import pytest
from django.test import Client

from tests.conftest import Persona

pytestmark = pytest.mark.django_db

# Django's own English pages, as they read when a template of ours is missing.
_DJANGOS_ENGLISH = re.compile(
    r"Bad Request|Forbidden|Not Found|Server Error|CSRF verification failed|"
    r"Page not found|Access denied|You do not have permission"
)


def _check(response: object, status: int, norwegian: str) -> None:
    assert response.status_code == status  # type: ignore[attr-defined]
    text = response.content.decode()  # type: ignore[attr-defined]
    assert '<html lang="nb">' in text
    assert norwegian in text
    assert not _DJANGOS_ENGLISH.search(text), text


def test_400(client: Client) -> None:
    # A host the site does not serve is a bad request.
    _check(client.get("/", HTTP_HOST="annen.example"), 400, "Ugyldig forespørsel")


def test_403(personas: dict[str, Persona]) -> None:
    # The guideline editor is the rådmann's; someone without a role is refused.
    response = personas["no_role"].client.post("/veileder/utkast/ny/")
    _check(response, 403, "Ingen tilgang")


def test_404(personas: dict[str, Persona]) -> None:
    _check(personas["no_role"].client.get("/finnes-ikke/"), 404, "Fant ikke siden")


@pytest.mark.urls("tests.moskenes_social.error_urls")
def test_500() -> None:
    client = Client(raise_request_exception=False)
    _check(client.get("/feiler/"), 500, "Noe gikk galt")


def test_csrf_failure() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/logg-inn/", {"username": "x", "password": "y"})
    _check(response, 403, "Skjemaet kunne ikke sendes")
