"""Accessibility gate: axe-core on a live page, failing on any WCAG 2.1 A/AA violation,
and our own checks of what axe does not measure (``a11y_checks.js``): reflow at 320 px,
the contrast of controls, target size, and the focus indicator."""

from pathlib import Path
from typing import Any, TypedDict

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from tests.language import assert_norwegian
from tests.screenshots import snap

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHECKS = (Path(__file__).parent / "a11y_checks.js").read_text(encoding="utf-8")
# WCAG 1.4.10: content reflows at 320 CSS px, a 1280 px window zoomed to 400 %.
PHONE_WIDTH = 320


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
    problems = reflow_problems(page) + control_problems(page) + target_problems(page)
    assert not problems, f"{page.url}:\n" + "\n".join(f"- {p}" for p in problems)


def page_check(page: Page, name: str) -> Any:
    """Run one of the checks of ``a11y_checks.js`` in the page as it is now."""
    return page.evaluate(CHECKS, name)


def reflow_problems(page: Page) -> list[str]:
    """What scrolls sideways with the window 320 px wide (the window is put back after)."""
    viewport = page.viewport_size
    assert viewport is not None, "the reflow check needs a page with a viewport"
    page.set_viewport_size({"width": PHONE_WIDTH, "height": viewport["height"]})
    try:
        problems: list[str] = page_check(page, "reflow")
    finally:
        page.set_viewport_size(viewport)
    return [f"at {PHONE_WIDTH} px: {problem}" for problem in problems]


def control_problems(page: Page) -> list[str]:
    """Borders and fills of form controls under 3:1 against what is around them (1.4.11)."""
    problems: list[str] = page_check(page, "controls")
    return problems


def target_problems(page: Page) -> list[str]:
    """Targets under 24 x 24 px that crowd another target (2.5.8 of WCAG 2.2)."""
    problems: list[str] = page_check(page, "targets")
    return problems


class FocusStop(TypedDict):
    element: str
    problems: list[str]
    again: bool


def focus_problems(page: Page, *, limit: int = 300) -> tuple[list[str], int]:
    """Tab through the page from where the focus is now until it leaves the page or comes
    back; each element that receives the focus must show a visible, contrasting outline.

    Returns the problems and how many elements were reached (so a caller can tell a page
    whose tab order is empty from one that passed)."""
    problems: list[str] = []
    reached = 0
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop: FocusStop | None = page_check(page, "focus")
        if stop is None or stop["again"]:
            return problems, reached
        reached += 1
        problems.extend(f"{stop['element']}: {problem}" for problem in stop["problems"])
    problems.append(f"the focus did not leave the page after {limit} presses of Tab")
    return problems, reached
