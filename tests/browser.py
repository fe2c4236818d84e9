"""A real browser for the web chat and dashboard tests: Debian's chromium driven by Playwright.

Playwright never downloads a browser here; it drives `/usr/bin/chromium` (installed by
`.ci/run` with apt). Each test gets its own headless browser through the `browser` fixture
(conftest.py); pages open phone-sized by default, in Finnish, as the people who use Piiri
mostly see it.

Screenshots go to `test-artifacts/screenshots/` (kept by CI as artefacts, ignored by git).
`axe_violations` runs axe-core (bundled with axe-playwright-python, nothing fetched) on a page
and returns the violations that matter: serious and critical.
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

CHROMIUM = Path(os.environ.get("PIIRI_TEST_CHROMIUM", "/usr/bin/chromium"))
FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
PHONE = {"width": 360, "height": 640}
SERIOUS = frozenset({"serious", "critical"})


def chromium_problem() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    return None


@asynccontextmanager
async def running_browser() -> AsyncIterator[Browser]:
    """A headless chromium; under CI=true a missing browser fails the run, elsewhere it skips."""
    problem = chromium_problem()
    if problem is not None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"no browser for the web tests: {problem}", pytrace=False)
        pytest.skip(f"no browser for the web tests: {problem}")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=list(FLAGS)
        )
        try:
            yield browser
        finally:
            await browser.close()


async def phone_context(
    browser: Browser, *, locale: str = "fi-FI", width: int = 360, height: int = 640
) -> BrowserContext:
    """A fresh browser profile (its own cookies), the size of a small phone, in `locale`."""
    return await browser.new_context(
        viewport={"width": width, "height": height},
        locale=locale,
        is_mobile=width < 600,
        has_touch=width < 600,
        reduced_motion="reduce",
    )


async def screenshot(page: Page, name: str) -> Path:
    """Save the whole page as `test-artifacts/screenshots/<name>.png`; returns the path."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", name):
        raise ValueError(f"screenshot names are lower-case file names, not {name!r}")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path


@dataclass(frozen=True, slots=True)
class Violation:
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.impact} {self.rule}: {self.help} at {', '.join(self.targets)}"


_axe = Axe()


async def axe_violations(page: Page, *, impacts: frozenset[str] = SERIOUS) -> list[Violation]:
    """The axe-core violations on the page as it is now, of the given impacts."""
    results = await _axe.run(page)
    found = []
    for item in results.response.get("violations", []):
        if item.get("impact") not in impacts:
            continue
        targets = tuple(
            " ".join(str(part) for part in node.get("target", [])) for node in item["nodes"]
        )
        found.append(Violation(item["id"], item["impact"], item["help"], targets))
    return found
