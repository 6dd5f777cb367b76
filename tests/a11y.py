"""Accessibility gate: axe-core on a live page, failing on any WCAG 2.1 A/AA violation."""

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from tests.language import assert_norwegian
from tests.screenshots import snap

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page: Page) -> list[dict[str, object]]:
    """Run axe-core on the page as it is now; return the WCAG 2.1 A/AA violations."""
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
    violations: list[dict[str, object]] = results.response["violations"]
    return violations


def assert_accessible(page: Page) -> None:
    """The page gates: no WCAG 2.1 A/AA violation, and no English from our catalogue.

    Each checked page is also saved as a screenshot (tests/screenshots.py).
    """
    snap(page)
    assert_norwegian(page)
    violations = axe_violations(page)
    summary = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} — "
        + ", ".join(str(node["target"]) for node in v["nodes"])  # type: ignore[attr-defined]
        for v in violations
    )
    assert not violations, f"axe-core found WCAG 2.1 A/AA violations on {page.url}:\n{summary}"
