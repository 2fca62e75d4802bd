"""The pages built from hostile input, opened in a real browser: no dialog, no script."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import launch
from tests.conftest import REPO, BuildSite

pytestmark = pytest.mark.browser


@pytest.fixture
def browser() -> Iterator[Any]:
    yield from launch()


@pytest.fixture
def site(tmp_path: Path, build_site: BuildSite) -> Path:
    """Built before the browser starts: Playwright's event loop would keep Pagefind's out."""
    content = tmp_path / "hostile"
    shutil.copytree(REPO / "tests" / "fixtures" / "hostile", content)
    _, output = build_site(content, drafts=True)
    return output


def test_hostile_pages_run_no_script(site: Path, browser: Any) -> None:
    pages = sorted(site.rglob("*.html"))
    dialogs: list[str] = []
    page = browser.new_page()
    try:
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for path in pages:
            page.goto(path.as_uri())
            page.wait_for_load_state("load")
            # every <script> must be the theme's own file or JSON-LD data
            scripts = page.eval_on_selector_all("script",
                                                "els => els.map(e => [e.type, e.src])")
            for kind, src in scripts:
                assert kind == "application/ld+json" or src.startswith(site.as_uri()), (
                    path, kind, src)
            handlers = page.evaluate(
                "() => [...document.querySelectorAll('*')].flatMap(e => [...e.attributes]"
                ".filter(a => a.name.startsWith('on')).map(a => e.tagName + ' ' + a.name))")
            assert handlers == [], (path, handlers)
    finally:
        page.close()
    assert dialogs == []
