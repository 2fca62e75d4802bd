"""The build cache: whatever changed, a cached build writes what a clean build writes."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digest import build as build_module
from digest.build import BuildError, BuildResult, build
from digest.incremental import cache, scan
from digest.incremental.cache import CACHE_DIR, CACHE_FILE
from digest.live.watch import Change, changed_files, classify, site_targets
from digest.output import assemble
from digest.output.manifest import MANIFEST
from tests.conftest import NOW, SEEDS, make_config, write
from tests.test_theme import png
from tests.test_write import corrupt


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


ARTICLE = """---
title: {title}
publishedDateTime: "2024-03-0{day}T10:00:00Z"
provider: {{name: Example News, domain: example.org}}
topics: [{topic}]
---

{body}
"""


def article(title: str, day: int = 1, topic: str = "Chips", body: str = "Some *text*.") -> str:
    return ARTICLE.format(title=title, day=day, topic=topic, body=body)


class Site:
    """A project folder (content, cache, output) and a clean build to compare with."""

    def __init__(self, root: Path, patch: bool = False) -> None:
        self.root = root
        self.patch = patch  # as the live preview writes: small changes patched in place
        self.content = root / "content"
        shutil.copytree(SEEDS, self.content)
        for i in range(3):
            write(self.content, f"story-{i}.md", article(f"Story {i}", day=i + 1))

    def build(self, **overrides: Any) -> BuildResult:
        return build(make_config(self.root, self.content, **overrides), now=NOW,
                     patch=self.patch)

    def clean(self, **overrides: Any) -> dict[str, bytes]:
        """What a build without any cache writes into a fresh output folder."""
        out = self.root / "clean"
        shutil.rmtree(out, ignore_errors=True)
        build(make_config(self.root, self.content, output_dir=out, **overrides), now=NOW,
              cache=False)
        return files(out)

    def check(self, **overrides: Any) -> BuildResult:
        result = self.build(**overrides)
        assert files(self.root / "site") == self.clean(**overrides)
        return result


@pytest.fixture(params=[False, True], ids=["swap", "patch"])
def site(tmp_path: Path, request: pytest.FixtureRequest) -> Site:
    site = Site(tmp_path, patch=request.param)
    site.build()
    return site


def test_an_edited_article(site: Site) -> None:
    write(site.content, "story-1.md", article("Story one, rewritten", day=2, body="New words."))
    result = site.check()
    assert result.parsed == 1


def test_an_added_article(site: Site) -> None:
    write(site.content, "story-9.md", article("A new story", day=9, topic="Open Models"))
    assert site.check().parsed == 1


def test_a_deleted_article(site: Site) -> None:
    (site.content / "story-0.md").unlink()
    assert site.check().parsed == 0


def test_a_deleted_article_once_a_replaced_site_is_kept(site: Site) -> None:
    """The third build stages in the site the second replaced: the deleted article's page
    is still there until it is removed, and the search index must not find it."""
    write(site.content, "story-1.md", article("Story one, rewritten", day=2))
    site.build()
    (site.content / "story-0.md").unlink()
    site.check()
    assert not any(path.startswith("articles/story-0") for path in files(site.root / "site"))


def test_a_renamed_article(site: Site) -> None:
    (site.content / "story-2.md").rename(site.content / "2024-05-05-story.md")
    site.check()


def test_a_changed_template(site: Site) -> None:
    templates = site.root / "templates"
    templates.mkdir()
    (templates / "article.html").write_text(
        '{% extends "!default/article.html" %}{% block title %}Read: {{ article.title }}'
        '{% endblock %}', encoding="utf-8")
    site.check()
    assert "Read: Story 1" in (site.root / "site/articles/story-1/index.html").read_text()
    (templates / "article.html").write_text(
        '{% extends "!default/article.html" %}{% block title %}Now: {{ article.title }}'
        '{% endblock %}', encoding="utf-8")
    site.check()


@pytest.mark.parametrize("change", [{"timezone": "Asia/Tokyo"}, {"page_size": 1},
                                    {"title": "Another name"}, {"excerpt_words": 3},
                                    {"clean_links": True}, {"drafts": True}])
def test_a_changed_config(site: Site, change: dict[str, Any]) -> None:
    site.check(**change)


def test_a_corrupted_cache_file(site: Site) -> None:
    (site.root / CACHE_DIR / CACHE_FILE).write_bytes(b"this is not a database" * 100)
    write(site.content, "story-1.md", article("Story one again", day=2))
    site.check()


def test_a_damaged_cache_entry(site: Site) -> None:
    with sqlite3.connect(site.root / CACHE_DIR / CACHE_FILE) as db:
        db.execute("UPDATE articles SET value = x'0042'")
    db.close()
    cache._MEMORY.clear()  # as in a new process: nothing in memory
    write(site.content, "story-1.md", article("Story one, once more", day=2))
    result = site.check()
    assert result.parsed == len(list(site.content.iterdir()))


def test_a_second_build_in_one_process_reads_nothing_again(site: Site) -> None:
    again = site.build()
    assert (again.parsed, again.rendered) == (0, 0)
    assert again.write is not None and again.write.written == 0


def test_a_new_process_uses_the_disk_cache(site: Site) -> None:
    cache._MEMORY.clear()
    write(site.content, "story-1.md", article("Story one, edited", day=2))
    result = site.check()
    assert result.parsed == 1
    assert 0 < result.rendered < result.pages - 10  # only pages that show the article


def test_no_cache_neither_reads_nor_writes_it(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(SEEDS, content)
    result = build(make_config(tmp_path, content), now=NOW, cache=False)
    assert result.articles_built > 0
    assert not (tmp_path / CACHE_DIR).exists()


def test_parallel_workers_write_what_one_process_writes(
        site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build_module, "PARALLEL_FILES", 1)
    monkeypatch.setattr(assemble, "PARALLEL_PAGES", 1)
    out = site.root / "parallel"
    result = build(make_config(site.root, site.content, output_dir=out), now=NOW,
                   cache=False, jobs=2)
    assert result.parsed == len(list(site.content.iterdir()))
    assert files(out) == site.clean()


edits = st.lists(st.tuples(
    st.sampled_from(["edit", "add", "delete", "rename", "template"]),
    st.integers(min_value=0, max_value=5),
    st.text(alphabet="abc XYZ\n*#-", max_size=40),
), min_size=1, max_size=3)


@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=edits)
def test_any_sequence_of_edits_builds_like_a_clean_build(
        tmp_path_factory: pytest.TempPathFactory, steps: list[tuple[str, int, str]]) -> None:
    site = Site(tmp_path_factory.mktemp("project"))
    site.build()
    for action, n, text in steps:
        names = sorted(p.name for p in site.content.iterdir())
        name = names[n % len(names)]
        if action == "edit":
            write(site.content, name, article(f"Edited {text.strip()[:10]}", day=n % 9 + 1,
                                               body=text or "x"))
        elif action == "add":
            write(site.content, f"new-{n}-{len(names)}.md", article(f"New {n}", body=text))
        elif action == "delete" and len(names) > 1:
            (site.content / name).unlink()
        elif action == "rename":
            (site.content / name).rename(site.content / f"renamed-{n}-{name}")
        elif action == "template":
            templates = site.root / "templates"
            templates.mkdir(exist_ok=True)
            (templates / "day.html").write_text(
                f'{{% extends "!default/day.html" %}}{{% block title %}}{text!r} '
                '{{ super() }}{% endblock %}', encoding="utf-8")
        site.check()


def test_files_unchanged_since_they_were_hashed_are_not_read_again(
        site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    later = cache.time.time_ns() + 10_000_000_000
    monkeypatch.setattr(cache.time, "time_ns", lambda: later)  # every file looks settled
    cache._MEMORY.clear()
    site.build()  # remembers size, inode, mtime and ctime with each hash
    cache._MEMORY.clear()
    reads: list[str] = []
    real_read = build_module.read_file
    asked: list[str] = []  # of the disk, ahead of reading
    real_prefetch = build_module.prefetch
    for module in (scan, build_module):  # the scan hashes a file, the build parses it
        monkeypatch.setattr(module, "read_file",
                            lambda path, root: reads.append(path.name) or real_read(path, root))
        monkeypatch.setattr(module, "prefetch", lambda paths: real_prefetch(
            [asked.append(path.name) or path for path in paths]))
    write(site.content, "story-1.md", article("Story 2", day=2))  # same size, new bytes
    result = site.build()
    assert reads == ["story-1.md", "story-1.md"]  # hashed, then parsed
    assert asked == reads
    assert result.parsed == 1
    assert files(site.root / "site") == site.clean()


def test_nothing_changed_nothing_done_in_a_new_process(site: Site) -> None:
    before = files(site.root / "site")
    cache._MEMORY.clear()
    result = site.build()
    assert result.digest is None  # not even parsed articles were loaded
    assert files(site.root / "site") == before
    clean = build(make_config(site.root, site.content, output_dir=site.root / "clean"),
                  now=NOW, cache=False)
    for name in ("articles_read", "articles_built", "drafts_skipped", "undated", "pages",
                 "problems", "link_problems"):
        assert getattr(result, name) == getattr(clean, name), name


def test_a_deleted_output_file_is_written_again(site: Site) -> None:
    (site.root / "site" / "articles" / "story-1" / "index.html").unlink()
    site.check()


def test_the_clock_passing_an_article_date_rebuilds(tmp_path: Path) -> None:
    site = Site(tmp_path)
    write(site.content, "later.md", article("Later", day=5).replace("2024-03-05",
                                                                     "2026-01-05"))
    build(make_config(site.root, site.content, future=False), now=NOW)
    later = NOW.replace(month=2)
    result = build(make_config(site.root, site.content, future=False), now=later)
    assert result.digest is not None and result.future_skipped == 0
    out = site.root / "clean"
    build(make_config(site.root, site.content, output_dir=out, future=False), now=later,
          cache=False)
    assert files(site.root / "site") == files(out)


# --- the live preview: the watcher names what changed, and only that is looked at -------

def _report(site: Site, *events: tuple[Path, bool]) -> frozenset[Path] | None:
    """What the watcher hands a rebuild for these (path, is folder) events."""
    targets = site_targets(make_config(site.root, site.content))
    return changed_files([Change(classify(path, targets, is_dir), path, is_dir)
                          for path, is_dir in events])


watched_edits = st.lists(st.tuples(
    st.sampled_from(["edit", "add", "delete", "rename", "nested", "drop folder", "image",
                     "hidden", "unreadable"]),
    st.integers(min_value=0, max_value=7),
    st.text(alphabet="abc XYZ\n*#-", max_size=30),
), min_size=1, max_size=4)


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=watched_edits)
def test_rebuilds_told_what_changed_build_like_a_clean_build(
        tmp_path_factory: pytest.TempPathFactory, steps: list[tuple[str, int, str]]) -> None:
    site = Site(tmp_path_factory.mktemp("project"), patch=True)
    site.build()  # the preview's first build walks the folder
    for action, n, text in steps:
        names = sorted(p.name for p in site.content.iterdir() if p.is_file())
        name = names[n % len(names)]
        path = site.content / name
        events: list[tuple[Path, bool]] = []
        if action == "edit":
            write(site.content, name, article(f"Edited {text.strip()[:10]}", body=text or "x"))
            events = [(path, False)]
        elif action == "add":
            new = write(site.content, f"new-{n}-{len(names)}.md", article(f"New {n}", body=text))
            events = [(new, False)]
        elif action == "delete" and len(names) > 1:
            path.unlink()
            events = [(path, False)]
        elif action == "rename":
            moved = site.content / f"renamed-{n}-{name}"
            path.rename(moved)
            events = [(path, False), (moved, False)]
        elif action == "nested":  # a new folder with an article in it
            folder = site.content / f"folder-{n}"
            new = write(folder, "inside.md", article(f"Nested {n}", day=n % 9 + 1))
            events = [(folder, True), (new, False)]
        elif action == "drop folder":
            folders = sorted(p for p in site.content.iterdir() if p.is_dir())
            if folders:
                shutil.rmtree(folders[0])
                events = [(folders[0], True)]
        elif action == "image":  # the article's own name with an image suffix: its lead
            image = write(site.content, f"{Path(name).stem}.png", png(40 + n, 30))
            events = [(image, False)]
        elif action == "hidden":  # never an article, wherever the watcher sees it
            events = [(write(site.content, f"node_modules/x-{n}.md", article("Hidden")), False)]
        elif action == "unreadable":
            events = [(write(site.content, f"bad-{n}.md", b"\xff\xfe\x00bad" * 3), False)]
        result = build(make_config(site.root, site.content), now=NOW, patch=True,
                       changed=_report(site, *events))
        clean = site.root / "clean"
        shutil.rmtree(clean, ignore_errors=True)
        expected = build(make_config(site.root, site.content, output_dir=clean), now=NOW,
                         cache=False)
        assert files(site.root / "site") == files(clean)
        assert result.problems == expected.problems
        assert result.articles_read == expected.articles_read


def test_a_rebuild_told_what_changed_reads_only_that(
        site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    edited = write(site.content, "story-1.md", article("Story one, edited", day=2))
    walks: list[Path] = []
    real_walk = scan.find_sources
    monkeypatch.setattr(scan, "find_sources",
                        lambda content, **kw: walks.append(content) or real_walk(content, **kw))
    result = build(make_config(site.root, site.content), now=NOW, patch=site.patch,
                   changed=_report(site, (edited, False)))
    assert walks == [] and result.parsed == 1
    # a folder event: the watcher cannot say what is inside, so the folder is walked
    build(make_config(site.root, site.content), now=NOW, patch=site.patch,
          changed=_report(site, (site.content / "new-folder", True)))
    assert walks == [site.content]
    assert files(site.root / "site") == site.clean()


def test_a_failed_rebuild_leaves_no_scan_behind(site: Site) -> None:
    edited = write(site.content, "story-1.md", article("Story one, edited", day=2))
    content = site.content
    site.content = site.root / "moved"
    content.rename(site.content)
    with pytest.raises(BuildError):
        build(make_config(site.root, content), now=NOW, patch=True,
              changed=_report(site, (edited, False)))
    site.content.rename(content)
    site.content = content
    other = write(site.content, "story-2.md", article("Story two, edited", day=3))
    build(make_config(site.root, site.content), now=NOW, patch=True,
          changed=_report(site, (other, False)))
    assert files(site.root / "site") == site.clean()  # story-1's edit is there too


def test_a_template_saved_during_a_rebuild_is_not_taken_as_built(
        site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    """The preview rebuilds for an article; a template is saved while it runs. The rebuild
    the template's folder event asks for must render it, not find the site up to date."""
    edited = write(site.content, "story-1.md", article("Story one, edited", day=2))
    templates = site.root / "templates"
    real_write = build_module.write_output

    def write_and_save_a_template(*args: Any, **kwargs: Any) -> Any:
        written = real_write(*args, **kwargs)
        write(templates, "article.html", '{% extends "!default/article.html" %}\n'
              '{% block title %}Saved mid-build{% endblock %}\n')
        return written

    monkeypatch.setattr(build_module, "write_output", write_and_save_a_template)
    build(make_config(site.root, site.content), now=NOW, patch=True,
          changed=_report(site, (edited, False)))
    monkeypatch.setattr(build_module, "write_output", real_write)
    page = site.root / "site" / "articles" / "story-one-edited" / "index.html"
    assert "Saved mid-build" not in page.read_text()
    build(make_config(site.root, site.content), now=NOW, patch=True,
          changed=_report(site, (templates, True)))
    assert "<title>Saved mid-build" in page.read_text()


# What a build keeps from the last one is checked, not trusted (write.Stamps).

@pytest.mark.parametrize("how", ["truncated", "replaced", "edited in place"])
def test_an_output_file_changed_by_hand_is_written_again(site: Site, how: str) -> None:
    """Nothing the build reads changed, but a page it wrote did: that is no 'nothing to do'."""
    site.build()  # the spare now holds the same pages: hard links of the site's
    corrupt(site.root / "site" / "articles" / "story-1" / "index.html", how)
    corrupt(site.root / "site" / "robots.txt", how)
    cache._MEMORY.clear()
    site.check()


@pytest.mark.parametrize("how", ["deleted", "truncated", "replaced", "edited in place"])
def test_a_damaged_spare_is_never_published(tmp_path: Path, how: str) -> None:
    """Every file of the site the last build replaced, kept to start the next one from, is
    gone or changed: the next builds publish the right bytes, and keep doing so."""
    site = Site(tmp_path)
    site.build()
    write(site.content, "story-1.md", article("Story one, edited", day=2))
    site.build()
    spare = site.root / CACHE_DIR / assemble.SPARE
    damaged = [p for p in spare.rglob("*") if p.is_file() and p.name != MANIFEST
               and p.stat().st_size]
    assert len(damaged) > 20
    for path in damaged:
        if how == "deleted":
            path.unlink()
        else:
            corrupt(path, how)
    write(site.content, "story-2.md", article("Story two, edited", day=3))
    site.check()
    write(site.content, "story-2.md", article("Story two, again", day=3))
    site.check()


def test_a_preview_rebuild_after_another_build_builds_the_site_whole(tmp_path: Path) -> None:
    """The preview patches an edit into the site its last rebuild left; a `digest build`
    since then wrote another one, and the preview's memory of it is out of date."""
    site = Site(tmp_path, patch=True)
    site.build()
    output = site.root / "site"
    build(make_config(site.root, site.content, drafts=True), now=NOW, cache=False)
    inode = output.stat().st_ino
    edited = write(site.content, "story-1.md", article("Story one, edited", day=2))
    build(make_config(site.root, site.content), now=NOW, patch=True,
          changed=_report(site, (edited, False)))
    assert output.stat().st_ino != inode  # swapped in whole, not patched
    assert files(output) == site.clean()
    edited = write(site.content, "story-1.md", article("Story one, edited again", day=2))
    build(make_config(site.root, site.content), now=NOW, patch=True,
          changed=_report(site, (edited, False)))
    assert output.stat().st_ino != inode  # and patched again from there
    assert files(output) == site.clean()


def test_a_damaged_search_index_is_built_again(tmp_path: Path) -> None:
    site = Site(tmp_path)
    site.build()
    bundle = sorted(p for p in (tmp_path / "site" / "pagefind").rglob("*") if p.is_file())
    if not bundle:
        pytest.skip("Pagefind is not installed")
    corrupt(bundle[len(bundle) // 2], "edited in place")
    site.check()  # nothing else changed: the index is the only thing to write
