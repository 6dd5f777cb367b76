"""Every data table in the templates sits in its own scroll region (WCAG 1.4.10).

On a phone a wide table scrolls sideways inside the page instead of widening it; a keyboard
reaches the region (``tabindex="0"``) and a screen reader names it by the table's caption.
The browser tests check this on the pages they visit (``tests/a11y_checks.js``); this test
reads every template, so that a table on a page no browser test visits is held to it too.
"""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
REGION = re.compile(
    r'<div class="table-responsive" tabindex="0" role="region" aria-labelledby="([\w -]+)">'
    r"\s*<table\b"
)
TABLE = re.compile(r"<table\b")


def _templates_with_tables() -> list[Path]:
    return sorted(path for path in TEMPLATES.rglob("*.html") if TABLE.search(path.read_text()))


@pytest.mark.parametrize(
    "path", _templates_with_tables(), ids=lambda p: str(p.relative_to(TEMPLATES))
)
def test_each_table_is_in_a_focusable_region_named_by_the_page(path: Path) -> None:
    text = path.read_text()
    regions = REGION.findall(text)
    assert len(regions) == len(TABLE.findall(text)), "a <table> outside a named region"
    for labels in regions:
        for label in labels.split():
            assert f'id="{label}"' in text, f"aria-labelledby names {label}, which is not there"
    # The last (or only) label is the table's own caption, in the order of the tables.
    captions = re.findall(r'<caption id="([\w-]+)"', text)
    assert [labels.split()[-1] for labels in regions] == captions


def test_the_templates_have_tables() -> None:
    """Guards the test above against reading nothing."""
    assert len(_templates_with_tables()) >= 15
