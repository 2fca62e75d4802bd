"""End to end: `digest serve` and `digest watch` as real processes on a copy of the seeds."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from digest.live.routes import SCRIPT
from tests.preview import Process, Serve, copy_site


def article(title: str, slug: str, text: str, **meta: str) -> str:
    extra = "".join(f"{k}: {v}\n" for k, v in meta.items())
    return (f"---\ntitle: {title}\nslug: {slug}\npublishedDateTime: 2025-12-30T10:00:00Z\n"
            f"topics: [Preview]\n{extra}---\n\n{text}\n")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_site(tmp_path / "blog")


@pytest.fixture
def serve(root: Path) -> Iterator[Serve]:
    server = Serve(root)
    yield server
    assert server.interrupt() == 0


def test_edit_add_rename_delete_are_served(serve: Serve, root: Path) -> None:
    home = serve.base
    assert serve.get(home)[0] == 200
    page = "/articles/hello-preview/"

    # add
    since = serve.mark()
    path = root / "seeds" / "hello.md"
    path.write_text(article("Hello preview", "hello-preview", "First words."))
    serve.until(page, lambda s, t: s == 200 and "First words." in t)
    serve.until(home, lambda s, t: "Hello preview" in t)
    serve.until("/topics/preview/", lambda s, t: s == 200 and "Hello preview" in t)
    serve.expect(r"\d\d:\d\d:\d\d seeds/hello\.md: rebuilt in \d+\.\d\d s", since)

    # edit: the page and the aggregate pages change together
    edited = serve.mark()
    path.write_text(article("Hello again", "hello-preview", "Second words."))
    _, text = serve.until(page, lambda s, t: "Second words." in t)
    assert "First words." not in text and SCRIPT in text
    # served before it was written: the line says when the pages were shown
    serve.expect(r"seeds/hello\.md: rebuilt in .*; pages shown after \d+\.\d\d s", edited)
    written = (root / "site" / "articles" / "hello-preview" / "index.html").read_text()
    assert "Second words." in written and "__digest__" not in written  # served pages only
    serve.until(home, lambda s, t: "Hello again" in t and "Hello preview" not in t)

    # rename the file: one article, still there, nothing stale
    path.rename(root / "seeds" / "renamed.md")
    serve.expect(r"2 articles: rebuilt", since)
    _, text = serve.until(page, lambda s, t: s == 200)
    assert text.count("<h1") == 1 and "Second words." in text

    # delete: its page, topic and mention on the front page go
    deleted = serve.mark()
    (root / "seeds" / "renamed.md").unlink()
    serve.until(page, lambda s, t: s == 404)
    serve.until("/topics/preview/", lambda s, t: s == 404)
    serve.until(home, lambda s, t: "Hello again" not in t)
    serve.expect(r"seeds/renamed\.md: rebuilt in", deleted)
    assert not (root / "site" / "articles" / "hello-preview").exists()


def test_an_article_whose_url_changes_is_followed(serve: Serve, root: Path) -> None:
    """A new headline is a new URL: the old one redirects to it for as long as the preview
    runs, so an open tab's reload lands on the new page."""
    path = root / "seeds" / "moving.md"
    story = "---\ntitle: {}\npublishedDateTime: 2025-12-30T10:00:00Z\n---\n\nThe text.\n"
    path.write_text(story.format("Trains run late"))
    old, new, newest = (f"/articles/{slug}/" for slug in (
        "trains-run-late", "trains-run-on-time", "trains-run-early"))
    serve.until(old, lambda s, t: s == 200)
    path.write_text(story.format("Trains run on time"))
    serve.until(new, lambda s, t: s == 200 and "Trains run on time" in t)
    for asked, lands in [(old, new), (old + "index.html", new + "index.html"),
                         (old.rstrip("/"), new)]:
        status, headers = serve.head(asked)  # (after the rebuild's writing is done)
        assert (status, headers.get("Location")) == (302, lands), asked
    path.write_text(story.format("Trains run early"))  # again: both old URLs follow
    serve.until(newest, lambda s, t: s == 200)
    assert serve.head(old)[1].get("Location") == newest
    assert serve.head(new)[1].get("Location") == newest
    path.unlink()  # gone: nothing to follow
    serve.until(newest, lambda s, t: s == 404)
    assert serve.head(old)[0] == 404


def test_drafts_are_shown_and_marked(serve: Serve, root: Path) -> None:
    (root / "seeds" / "draft.md").write_text(
        article("Work in progress", "wip", "Not yet.", draft="true"))
    _, text = serve.until("/articles/wip/", lambda s, t: s == 200)
    assert '<span class="badge">Draft</span>' in text


def test_errors_keep_the_last_good_site_until_fixed(serve: Serve, root: Path) -> None:
    page = "/articles/hello-preview/"
    (root / "seeds" / "hello.md").write_text(article("Hello", "hello-preview", "Good."))
    serve.until(page, lambda s, t: s == 200)

    # a broken template: the terminal and the page name the file and line
    since = serve.mark()
    templates = root / "templates"
    templates.mkdir()
    (templates / "article.html").write_text(
        '{% extends "!default/article.html" %}\n{% block main %}{{ oops( }}{% endblock %}\n')
    found = serve.expect(r"build failed: (.*)", since)
    assert "templates/article.html:2" in found[1]
    state = serve.until_state(lambda state: state["error"] is not None)
    # the page is told the file from the site's folder, not where that folder is
    assert state["error"].startswith("templates/article.html:2: TemplateSyntaxError")
    status, text = serve.get(page)
    assert status == 200 and "Good." in text  # the last good site

    # fixed: served again without a restart, the change included
    since = serve.mark()
    (templates / "article.html").write_text(
        '{% extends "!default/article.html" %}\n'
        '{% block title %}Fixed · {{ article.title }}{% endblock %}\n')
    serve.until(page, lambda s, t: "<title>Fixed · Hello</title>" in t)
    serve.until_state(lambda state: state["error"] is None)

    # a broken config: the same, and a config change takes effect at once
    config = root / "digest.yaml"
    good = config.read_text()
    config.write_text(good + "page_size: [\n")
    found = serve.expect(r"build failed: (.*)", since)
    assert "digest.yaml:" in found[1] and "invalid YAML" in found[1]
    state = serve.until_state(lambda state: state["error"] is not None)
    assert state["error"].startswith("digest.yaml:") and str(root) not in state["error"]
    assert serve.get(page)[0] == 200
    config.write_text(good.replace("title: Meta and the AI race", "title: Renamed digest"))
    serve.until("/", lambda s, t: "<title>Renamed digest</title>" in t)
    serve.until_state(lambda state: state["error"] is None)

    # and a static file
    (root / "static").mkdir()
    (root / "static" / "extra.txt").write_text("plain static")
    serve.until("/static/extra.txt", lambda s, t: s == 200 and t == "plain static")


def test_serves_under_the_base_path_and_stops_at_once(root: Path) -> None:
    server = Serve(root, "--base-url", "https://someone.github.io/news/")
    try:
        assert server.base == "/news/"
        assert server.get("/news/")[0] == 200
        assert server.get("/")[0] == 302
        assert server.get("/index.html")[0] == 404
    finally:
        started = time.monotonic()
        assert server.interrupt() == 0
        assert time.monotonic() - started < 2
    assert server.lines[-1] == "Stopped."


def test_a_taken_port_is_said_and_another_used(root: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = Process(root, "serve", "--port", str(port))
        try:
            process.expect(rf"Port {port} is in use; using port (\d+) instead")
            found = process.expect(r"Serving http://127\.0\.0\.1:(\d+)/")
            assert int(found[1]) != port
        finally:
            assert process.interrupt() == 0


def test_watch_rebuilds_the_output_without_a_script(root: Path) -> None:
    process = Process(root, "watch", "--debounce", "0.05")
    try:
        process.expect(r"Watching seeds/")
        since = process.mark()
        (root / "seeds" / "w.md").write_text(article("Watched", "watched", "Rebuilt."))
        process.expect(r"seeds/w\.md: rebuilt", since)
        page = (root / "site" / "articles" / "watched" / "index.html").read_text()
        assert "Rebuilt." in page and SCRIPT not in page and "__digest__" not in page
        (root / "seeds" / "x.md").write_text(article("Draft", "a-draft", "x", draft="true"))
        process.expect(r"seeds/x\.md: rebuilt", since)
        assert not (root / "site" / "articles" / "a-draft").exists()  # like build: no drafts
    finally:
        assert process.interrupt() == 0


def test_build_does_not_load_the_preview() -> None:
    """watchdog and the server are imported only by serve and watch."""
    code = ("import sys, digest.cli; "
            "print(sorted(m for m in sys.modules if m.startswith(('watchdog', 'digest.live', "
            "'http.server'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_a_new_content_folder_in_the_config_is_watched(serve: Serve, root: Path) -> None:
    news = root / "news"
    news.mkdir()
    (news / "n.md").write_text(article("Elsewhere", "elsewhere", "From news/."))
    config = root / "digest.yaml"
    config.write_text(config.read_text().replace("content: seeds", "content: news"))
    serve.until("/articles/elsewhere/", lambda s, t: s == 200 and "From news/." in t)
    serve.until("/", lambda s, t: "Elsewhere" in t and "Billion-Dollar" not in t)
    (news / "n.md").write_text(article("Elsewhere", "elsewhere", "Edited in news/."))
    serve.until("/articles/elsewhere/", lambda s, t: "Edited in news/." in t)


def test_strict_shows_article_problems_in_the_page(root: Path) -> None:
    server = Serve(root, "--strict")
    try:
        assert server.state()["error"] is None
        (root / "seeds" / "bad.md").write_text(
            "---\ntitle: Bad date\npublishedDateTime: 2023-02-30\n---\n\nText.\n")
        state = server.until_state(lambda state: "bad.md" in (state["error"] or ""))
        assert state["error"].startswith("--strict: 1 problem(s), the first: bad.md:3:")
        (root / "seeds" / "bad.md").unlink()
        server.until_state(lambda state: state["error"] is None)
    finally:
        assert server.interrupt() == 0


def test_search_is_off_in_the_preview_unless_asked_for(root: Path) -> None:
    for flags, expected in (((), 404), (("--search",), 200)):
        server = Serve(root, *flags)
        try:
            status = server.get(server.base + "search/index.html")[0]
            home = server.get(server.base)[1]
        finally:
            assert server.interrupt() == 0
        assert status == expected, flags
        assert ('role="search"' in home) == (expected == 200)


def test_a_sidecar_added_edited_and_removed_is_served(serve: Serve, root: Path) -> None:
    """A sidecar beside a plain-text article: each change to it alone rebuilds the page."""
    seeds = root / "seeds"
    (seeds / "night.txt").write_text("Night trains return\n\nThe sleeper runs again.\n")
    page = "/articles/night-trains-return/"
    serve.until(page, lambda s, t: s == 200 and "The sleeper runs again." in t)
    side = seeds / "night.yaml"
    since = serve.mark()
    side.write_text("source: Sidecar Weekly\n")
    serve.until(page, lambda s, t: "Sidecar Weekly" in t)
    serve.expect(r"seeds/night\.yaml: rebuilt in", since)
    side.write_text("source: Other Paper\n")
    serve.until(page, lambda s, t: "Other Paper" in t and "Sidecar Weekly" not in t)
    side.unlink()
    serve.until(page, lambda s, t: s == 200 and "Other Paper" not in t)
    serve.until("/sources/", lambda s, t: "Other Paper" not in t)
