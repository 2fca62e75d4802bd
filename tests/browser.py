"""What every browser test shares: Debian's Chromium, its flags, and skip-or-fail."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
REQUIRED = os.environ.get("DIGEST_REQUIRE_BROWSER") == "1"


def need(condition: bool, reason: str) -> None:
    """Skip when a tool is missing, unless CI requires the browser tests to run."""
    if not condition:
        if REQUIRED:
            pytest.fail(f"DIGEST_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)


def launch() -> Iterator[Any]:
    """A headless Chromium for one fixture's lifetime (never `playwright install`)."""
    need(CHROMIUM.exists(), f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        need(False, "playwright is not installed")
        raise
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()
