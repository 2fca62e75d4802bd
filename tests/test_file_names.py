"""File names that are not UTF-8 (b'latin1-\\xe9.md'): built with and without the cache,
by `digest build`, `digest watch` and `digest serve`, and named readably."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from digest.build import build
from digest.incremental import cache
from digest.live.routes import BuildFailed, Site
from digest.live.serve import Preview
from digest.read.files import shown_name
from tests.conftest import NOW, REPO, SEEDS, make_config
from tests.preview import Process, Serve, copy_site
from tests.test_serve import FakeBuilder, Running

LATIN1 = b"latin1-\xe9.md"  # 'é' in Latin-1: not UTF-8
BAD_DATE = b"bad-\xe9.md"


def put(folder: Path, name: bytes, text: str) -> Path:
    """Write a file under a name given as raw bytes."""
    path = Path(os.fsdecode(os.path.join(os.fsencode(folder), name)))
    path.write_text(text, encoding="utf-8")
    return path


def story(title: str, slug: str, body: str, date: str = "2025-12-30T10:00:00Z") -> str:
    return (f"---\ntitle: {title}\nslug: {slug}\npublishedDateTime: {date}\n"
            f"topics: [Names]\n---\n\n{body}\n")


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(SEEDS, folder)
    put(folder, LATIN1, story("Café story", "cafe-story", "Words from a Latin-1 name."))
    return folder


def test_shown_name_spells_out_the_bytes() -> None:
    assert shown_name(os.fsdecode(LATIN1)) == "latin1-\\xe9.md"
    assert shown_name("café.md") == "café.md"
    assert shown_name("plain.md") == "plain.md"


def test_a_cached_build_and_the_next_one_match_a_build_without_cache(
        tmp_path: Path, content: Path) -> None:
    first = build(make_config(tmp_path, content), now=NOW)
    assert first.articles_built == len(list(content.iterdir())) - 1  # the seeds' one draft
    page = tmp_path / "site" / "articles" / "cafe-story" / "index.html"
    assert "Words from a Latin-1 name." in page.read_text()

    cache._MEMORY.clear()  # as in a new process: only the disk
    again = build(make_config(tmp_path, content), now=NOW)
    assert again.problems == first.problems
    cache._MEMORY.clear()
    put(content, b"other.md", story("Other", "other", "Another one."))
    third = build(make_config(tmp_path, content), now=NOW)  # read from the cache
    assert third.parsed == 1

    build(make_config(tmp_path, content, output_dir=tmp_path / "clean"), now=NOW, cache=False)
    assert tree(tmp_path / "site") == tree(tmp_path / "clean")


def test_a_static_file_named_so_is_copied_by_cached_builds(tmp_path: Path, content: Path) -> None:
    (tmp_path / "static").mkdir()
    put(tmp_path / "static", b"note-\xe9.txt", "static words")
    for _ in range(2):  # the second finds nothing to do
        build(make_config(tmp_path, content), now=NOW)
        copied = os.path.join(os.fsencode(tmp_path / "site" / "static"), b"note-\xe9.txt")
        assert Path(os.fsdecode(copied)).read_text() == "static words"


def digest_build(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "digest", "build", "--config", "digest.yaml"],
                          cwd=root, capture_output=True, text=True, timeout=120)


def test_the_command_names_the_file_readably_build_after_build(tmp_path: Path) -> None:
    shutil.copy(REPO / "digest.yaml", tmp_path / "digest.yaml")
    shutil.copytree(SEEDS, tmp_path / "seeds")
    put(tmp_path / "seeds", LATIN1, story("Café story", "cafe-story", "Latin-1 name."))
    put(tmp_path / "seeds", BAD_DATE, story("Bad date", "bad", "x", date="2023-02-30"))
    for _ in range(2):  # the second one reads the cache
        done = digest_build(tmp_path)
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
        assert "warning: seeds/bad-\\xe9.md:4: " in done.stderr
        assert (tmp_path / "site" / "articles" / "cafe-story" / "index.html").is_file()


def test_watch_rebuilds_a_file_named_so(tmp_path: Path) -> None:
    root = copy_site(tmp_path / "blog")
    path = put(root / "seeds", LATIN1, story("Café story", "cafe-story", "First words."))
    process = Process(root, "watch", "--debounce", "0.05")
    try:
        process.expect(r"Watching seeds/")
        since = process.mark()
        path.write_text(story("Café story", "cafe-story", "Second words."), encoding="utf-8")
        process.expect(r"seeds/latin1-\\xe9\.md: rebuilt in", since)
        page = root / "site" / "articles" / "cafe-story" / "index.html"
        assert "Second words." in page.read_text()
        since = process.mark()
        path.unlink()
        process.expect(r"seeds/latin1-\\xe9\.md: rebuilt in", since)
        assert not page.exists()
    finally:
        assert process.interrupt() == 0
    assert not any("Traceback" in line for line in process.lines), process.lines


def test_serve_shows_edits_of_a_file_named_so_and_its_problems(tmp_path: Path) -> None:
    root = copy_site(tmp_path / "blog")
    path = put(root / "seeds", LATIN1, story("Café story", "cafe-story", "First words."))
    server = Serve(root, "--strict")
    page = "/articles/cafe-story/"
    try:
        server.until(page, lambda s, t: s == 200 and "First words." in t)
        since = server.mark()
        path.write_text(story("Café story", "cafe-story", "Second words."), encoding="utf-8")
        server.until(page, lambda s, t: "Second words." in t)
        server.expect(r"seeds/latin1-\\xe9\.md: rebuilt in", since)

        put(root / "seeds", BAD_DATE, story("Bad date", "bad", "x", date="2023-02-30"))
        state = server.until_state(lambda state: state["error"] is not None)
        assert state["error"].startswith("--strict: 1 problem(s), the first: bad-\\xe9.md:4:")
        assert server.get(page)[0] == 200  # the last good site

        path.unlink()
        (root / "seeds" / os.fsdecode(BAD_DATE)).unlink()
        server.until(page, lambda s, t: s == 404)
    finally:
        assert server.interrupt() == 0
    traceback = next((i for i, line in enumerate(server.lines) if "Traceback" in line), None)
    assert traceback is None, "\n".join(server.lines[traceback:])  # the traceback, in full


def test_serve_shows_a_first_build_that_failed_over_such_a_name(tmp_path: Path) -> None:
    root = copy_site(tmp_path / "blog")
    put(root / "seeds", BAD_DATE, story("Bad date", "bad", "x", date="2023-02-30"))
    server = Serve(root, "--strict")
    try:
        status, text = server.get("/")
        assert status == 503 and "bad-\\xe9.md:4:" in text
    finally:
        assert server.interrupt() == 0
    assert not any("Traceback" in line for line in server.lines), server.lines


def test_the_preview_error_page_survives_a_message_with_such_a_name(tmp_path: Path) -> None:
    """Whatever a builder's message holds, the page that shows it is sent."""
    builder = FakeBuilder(Site(tmp_path))
    builder.error = BuildFailed(f"{os.fsdecode(b'/tmp/caf' + bytes([0xE9]))}: no such folder")
    preview = Preview(builder, log=lambda _: None)
    port = preview.bind("127.0.0.1", 0)
    preview.rebuild()
    thread = threading.Thread(target=preview.serve_forever, daemon=True)
    thread.start()
    try:
        status, _, body = Running(preview, port, builder).request("/")
        assert status == 503 and b"/tmp/caf?: no such folder" in body
    finally:
        preview.stop()
        thread.join(5)
