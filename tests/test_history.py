"""Undated stories in Atom: the time their file entered the digest, from git, or not at all.

Real git in temporary repositories (skipped where git is missing); never the build time
nor a file's mtime.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest
import yaml
from lxml import etree

from digest.incremental.history import SHALLOW, first_added, read_history
from tests.conftest import REPO, BuildSite, write

ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "https://example.org/news/"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(repo: Path, *args: str, when: str = "2024-01-01T00:00:00+00:00") -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull,
           "GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@example.org",
           "GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "a@example.org",
           "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    done = subprocess.run(["git", "-C", str(repo), *args], env=env, capture_output=True,
                          text=True, timeout=60, check=True)
    return done.stdout


def commit(repo: Path, message: str, when: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, when=when)


def story(title: str, date: str = "", extra: str = "") -> str:
    dated = f"date: {date}\n" if date else ""
    return f"---\ntitle: {title}\n{dated}topics: [Chips]\n{extra}---\nText of {title}.\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose `news/` folder holds the articles, in three commits."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    news = root / "news"
    write(news, "dated.md", story("A dated story", "2023-05-01"))
    write(news, "first.md", story("An undated note"))
    write(root, "README.md", "not content")
    commit(root, "first", "2024-02-03T10:00:00+01:00")
    write(news, "sub/renamed-later.md", story("Moved about"))
    write(news, "draft.md", story("A draft", extra="draft: true\n"))
    commit(root, "second", "2024-03-01T08:00:00+00:00")
    git(root, "mv", "news/sub/renamed-later.md", "news/moved.md")
    commit(root, "rename", "2024-04-01T08:00:00+00:00")
    write(news, "uncommitted.md", story("Not committed yet"))
    return root


def atom_entries(site: Path) -> dict[str, etree._Element]:
    root = etree.parse(str(site / "feed.xml")).getroot()
    return {e.findtext(f"{ATOM}title"): e for e in root.findall(f"{ATOM}entry")}


def test_first_added_reads_every_file_in_one_log_and_follows_renames(repo: Path) -> None:
    history = read_history(repo / "news", None)
    assert history.commit == git(repo, "rev-parse", "HEAD").strip() and not history.warning
    assert history.entered == {
        "dated.md": datetime(2024, 2, 3, 9, 0, tzinfo=UTC),
        "first.md": datetime(2024, 2, 3, 9, 0, tzinfo=UTC),
        "draft.md": datetime(2024, 3, 1, 8, 0, tzinfo=UTC),
        "moved.md": datetime(2024, 3, 1, 8, 0, tzinfo=UTC),  # added before its move
    }


def test_a_log_it_cannot_read_gives_no_times() -> None:
    assert first_added("") == {}
    assert first_added("\0not a date\0\nA\0x.md\0") == {}


def test_in_git_an_undated_story_enters_atom_at_its_first_commit(
        repo: Path, build_site: BuildSite) -> None:
    result, site = build_site(repo / "news", base_url=BASE, search=False)
    entries = atom_entries(site)
    assert list(entries) == ["A dated story", "An undated note", "Moved about"]  # (by path)
    note = entries["An undated note"]
    assert note.findtext(f"{ATOM}updated") == "2024-02-03T09:00:00Z"
    assert note.find(f"{ATOM}published") is None
    assert entries["Moved about"].findtext(f"{ATOM}updated") == "2024-03-01T08:00:00Z"
    # the dated story keeps its own date, not its commit's
    assert entries["A dated story"].findtext(f"{ATOM}published") == "2023-05-01T00:00:00Z"
    parsed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not parsed.bozo and all(e.updated_parsed for e in parsed.entries)
    # RSS and JSON Feed carry every published story; the uncommitted one is only not in Atom
    rss = [e.title for e in feedparser.parse((site / "rss.xml").read_bytes()).entries]
    assert rss[0] == "A dated story" and set(rss) == {
        "A dated story", "An undated note", "Moved about", "Not committed yet"}
    assert result.feed_undated == 1
    for name in ("feed.xml", "rss.xml", "feed.json"):
        assert "A draft" not in (site / name).read_text(encoding="utf-8")


def test_without_git_atom_leaves_the_undated_out(tmp_path: Path,
                                                 build_site: BuildSite) -> None:
    content = tmp_path / "plain"
    write(content, "dated.md", story("A dated story", "2023-05-01"))
    write(content, "undated.md", story("An undated note"))
    result, site = build_site(content, base_url=BASE, search=False)
    assert list(atom_entries(site)) == ["A dated story"]
    assert result.feed_undated == 1 and not result.warnings


def test_a_new_commit_is_seen_by_the_next_build(repo: Path, build_site: BuildSite) -> None:
    """The times are cached by commit: committing the new file changes Atom, though no
    article file changed (the build is not 'already built')."""
    build_site(repo / "news", base_url=BASE, search=False)
    commit(repo, "add it", "2024-05-05T05:05:05+00:00")
    result, site = build_site(repo / "news", base_url=BASE, search=False)
    assert result.digest is not None
    assert atom_entries(site)["Not committed yet"].findtext(f"{ATOM}updated") == \
        "2024-05-05T05:05:05Z"
    assert result.feed_undated == 0


def test_a_shallow_clone_dates_nothing_and_says_why(repo: Path, tmp_path: Path,
                                                    build_site: BuildSite) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    history = read_history(clone / "news", None)
    assert history.entered == {} and history.warning == SHALLOW
    result, site = build_site(clone / "news", base_url=BASE, search=False)
    assert list(atom_entries(site)) == ["A dated story"]
    assert SHALLOW in result.warnings and "fetch-depth: 0" in SHALLOW


def test_the_pages_workflow_checks_out_the_whole_history() -> None:
    """A shallow checkout dates nothing (above): the workflow that builds fetches it all."""
    workflow = yaml.safe_load((REPO / ".github/workflows/pages.yml").read_text())
    checkouts = [step for job in workflow["jobs"].values() for step in job.get("steps", ())
                 if step.get("uses", "").startswith("actions/checkout@")]
    assert checkouts and all(step["with"]["fetch-depth"] == 0 for step in checkouts)
