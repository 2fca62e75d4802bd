"""Live reload in a real browser: Debian's Chromium through Playwright, `digest serve` as a
real process. An open page reloads by itself after an edit, shows a failed build over the
last good page, and finds the server again after it restarts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import launch
from tests.preview import Serve, copy_site

pytestmark = pytest.mark.browser

TIMEOUT = 15_000  # ms



@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    yield page
    context.close()
    assert errors == []


def story(title: str, text: str) -> str:
    return (f"---\ntitle: {title}\nslug: live\npublishedDateTime: 2025-12-30T10:00:00Z\n---\n\n"
            f"{text}\n")


def mark(page: Any) -> None:
    """Leave a trace in the page's JavaScript state; a reload wipes it."""
    page.evaluate("window.__notReloaded = true")


def reloaded(page: Any) -> None:
    page.wait_for_function("window.__notReloaded === undefined")


def test_an_open_page_reloads_after_an_edit(tmp_path: Path, page: Any) -> None:
    root = copy_site(tmp_path / "blog")
    article = root / "seeds" / "live.md"
    article.write_text(story("Live", "Before the edit."))
    server = Serve(root)
    try:
        page.goto(server.url + "articles/live/")
        page.wait_for_load_state("load")
        assert "Before the edit." in page.inner_text("main")
        mark(page)

        article.write_text(story("Live", "After the edit."))
        page.get_by_text("After the edit.").wait_for()
        reloaded(page)

        # a broken template: the page stays, with the error over it, naming file and line
        mark(page)
        (root / "templates").mkdir()
        (root / "templates" / "article.html").write_text(
            '{% extends "!default/article.html" %}\n{% block main %}{{ x( }}{% endblock %}\n')
        overlay = page.locator("#digest-build-error")
        overlay.wait_for()
        assert "templates/article.html:2" in overlay.inner_text()
        assert "After the edit." in page.inner_text("main")
        assert page.evaluate("window.__notReloaded") is True

        # fixed: the page reloads by itself, the overlay is gone
        (root / "templates" / "article.html").write_text(
            '{% extends "!default/article.html" %}\n'
            '{% block title %}Fixed · {{ article.title }}{% endblock %}\n')
        reloaded(page)
        page.wait_for_function("document.title === 'Fixed · Live'")
        assert page.locator("#digest-build-error").count() == 0
    finally:
        assert server.interrupt() == 0


def test_a_page_finds_a_restarted_server(tmp_path: Path, page: Any) -> None:
    root = copy_site(tmp_path / "blog")
    (root / "seeds" / "live.md").write_text(story("Live", "Served once."))
    first = Serve(root)
    port = first.port
    try:
        page.goto(first.url + "articles/live/")
        mark(page)
    finally:
        assert first.interrupt() == 0
    (root / "seeds" / "live.md").write_text(story("Live", "Served again."))
    second = Serve(root, "--port", str(port))  # the last --port wins over Serve's 0
    try:
        assert second.port == port
        reloaded(page)
        page.get_by_text("Served again.").wait_for()
    finally:
        assert second.interrupt() == 0


def set_hidden(page: Any, hidden: bool) -> None:
    """What the browser does when the tab goes to the background (or comes back)."""
    page.evaluate("""(hidden) => {
        Object.defineProperty(document, "hidden", {value: hidden, configurable: true});
        document.dispatchEvent(new Event("visibilitychange"));
    }""", hidden)


def test_a_background_tab_lets_go_and_catches_up_when_shown(tmp_path: Path, page: Any) -> None:
    root = copy_site(tmp_path / "blog")
    article = root / "seeds" / "live.md"
    article.write_text(story("Live", "Seen first."))
    server = Serve(root)
    try:
        page.goto(server.url + "articles/live/")
        mark(page)
        set_hidden(page, True)
        since = server.mark()
        article.write_text(story("Live", "Changed while hidden."))
        server.expect(r"seeds/live\.md: rebuilt", since)
        server.until_state(lambda state: state["version"] >= 2)
        page.wait_for_timeout(500)  # long enough for a connected page to have reloaded
        assert page.evaluate("window.__notReloaded") is True
        set_hidden(page, False)
        reloaded(page)
        page.get_by_text("Changed while hidden.").wait_for()
    finally:
        assert server.interrupt() == 0


def test_an_open_page_follows_its_article_to_a_new_url(tmp_path: Path, page: Any) -> None:
    """A new headline makes a new URL: the open tab reloads onto the new page (the
    preview redirects the old URL there), not onto a 404."""
    root = copy_site(tmp_path / "blog")
    article = root / "seeds" / "moving.md"
    story = "---\ntitle: {}\npublishedDateTime: 2025-12-30T10:00:00Z\n---\n\nThe text.\n"
    article.write_text(story.format("Trains run late"))
    server = Serve(root)
    try:
        page.goto(server.url + "articles/trains-run-late/")
        page.wait_for_load_state("load")
        mark(page)
        article.write_text(story.format("Trains run on time"))
        page.wait_for_url("**/articles/trains-run-on-time/")
        reloaded(page)
        assert page.locator("h1").inner_text() == "Trains run on time"
    finally:
        assert server.interrupt() == 0
