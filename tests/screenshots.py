"""Screenshots of every checked page, so a person can look at the product without running it.

Saved under ``var/screenshots/<test>/<NN>-<path>.png`` (or SCREENSHOT_DIR); CI prints the
folder's path at the end of its run.
"""

import itertools
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[1]
_counters: "dict[str, itertools.count[int]]" = {}


def screenshot_dir() -> Path:
    return Path(os.environ.get("SCREENSHOT_DIR", ROOT / "var" / "screenshots"))


def _slug(text: str) -> str:
    return re.sub(r"[^a-zA-Z0-9]+", "-", text).strip("-").lower()[:80] or "start"


def snap(page: Page, name: str = "") -> Path:
    test = os.environ.get("PYTEST_CURRENT_TEST", "manual").split(" ")[0]
    folder = screenshot_dir() / _slug(test.removeprefix("tests/").replace(".py::", "-"))
    number = next(_counters.setdefault(test, itertools.count(1)))
    path = folder / f"{number:02d}-{_slug(name or urlsplit(page.url).path)}.png"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path
