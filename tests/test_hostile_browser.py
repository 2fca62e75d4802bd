"""The pages built from hostile input, opened in a real browser: no dialog, no script."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO, BuildSite

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def launch(playwright):  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        if os.environ.get("DIGEST_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)


def test_hostile_pages_run_no_script(tmp_path: Path, build_site: BuildSite) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    content = tmp_path / "hostile"
    shutil.copytree(REPO / "tests" / "fixtures" / "hostile", content)
    _, site = build_site(content, drafts=True)
    pages = sorted(site.rglob("*.html"))
    dialogs: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.add_init_script("window.__digestScripts = 0;")
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
            browser.close()
    assert dialogs == []
