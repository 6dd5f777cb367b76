"""The nb catalogue is complete: nothing untranslated or fuzzy, and nothing in the code missing."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from tests.conftest import skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "nb" / "LC_MESSAGES" / "django.po"


def test_nb_catalogue_has_no_untranslated_or_fuzzy_entries() -> None:
    po = polib.pofile(str(CATALOGUE))
    assert not po.metadata_is_fuzzy
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"untranslated nb entries: {untranslated}"
    assert not fuzzy, f"fuzzy nb entries: {fuzzy}"


def test_every_msgid_in_code_and_templates_is_in_the_catalogue(tmp_path: Path) -> None:
    """Extract msgids afresh from a copy of the source and compare with the catalogue."""
    if shutil.which("xgettext") is None:
        skip_or_fail("gettext (xgettext) is not installed")
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", "var", ".git", "static", "node_modules", "*.pyc", "__pycache__", "tests"
        ),
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "moskenes_social.settings.test"}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "nb", "--no-obsolete"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    extracted = {e.msgid for e in polib.pofile(str(copy / CATALOGUE.relative_to(ROOT)))}
    translated = {e.msgid for e in polib.pofile(str(CATALOGUE)) if e.translated()}
    missing = sorted(extracted - translated)
    assert not missing, f"msgids without an nb translation (run `make messages`): {missing}"


@pytest.mark.django_db
def test_pages_speak_norwegian(client: object) -> None:
    from django.test import Client

    assert isinstance(client, Client)
    response = client.get("/logg-inn/")
    assert 'lang="nb"' in response.text
    assert "Brukernavn" in response.text
    assert "Glemt passordet?" in response.text
