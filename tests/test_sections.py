"""Slug clashes in migrated sites: an article from a Hugo, Jekyll or Pelican site whose slug
another article has too keeps the folders of its old URL (`articles/<section>/<slug>/`);
plain digest folders keep the -2 rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from digest.build import build
from digest.config import load_config
from digest.model import Article
from digest.output.search import searchable
from digest.read.slugs import assign_slugs, old_section
from tests.conftest import NOW, write


def art(path: str, slug: str, *old: str) -> Article:
    return Article(path=path, slug=slug, title=slug, published=None, old_paths=old)


def urls(articles: list[Article]) -> dict[str, str]:
    return {a.path: a.url for a in assign_slugs(articles)[0]}


def test_clashing_migrated_articles_keep_their_sections() -> None:
    assert urls([
        art("content/functions/introduction.md", "introduction", "/functions/introduction/"),
        art("content/methods/introduction.md", "introduction", "/methods/introduction/"),
        art("content/posts/markdown-syntax.md", "markdown-syntax", "/posts/markdown-syntax/"),
        art("content/posts/markdown-syntax.fr.md", "markdown-syntax",
            "/fr/posts/markdown-syntax/"),
        art("content/posts/alone.md", "alone", "/posts/alone/"),
    ]) == {
        "content/functions/introduction.md": "articles/functions/introduction/",
        "content/methods/introduction.md": "articles/methods/introduction/",
        "content/posts/markdown-syntax.md": "articles/posts/markdown-syntax/",
        "content/posts/markdown-syntax.fr.md": "articles/fr/posts/markdown-syntax/",
        "content/posts/alone.md": "articles/alone/",  # no clash: as before
    }


def test_digests_own_names_keep_the_section_too() -> None:
    assert urls([art("docs/search.md", "search", "/docs/search/"),
                 art("search.md", "search", "/search.html"),  # no folder to keep
                 art("page.txt", "page")]) == {
        "docs/search.md": "articles/docs/search/",
        "search.md": "articles/search-article/",
        "page.txt": "articles/page-article/"}


def test_without_a_folder_to_keep_the_clash_rule_stays() -> None:
    # a plain digest folder (no old paths) and Pelican's {slug}.html at the root
    assert urls([art("a.md", "same"), art("b.md", "same"), art("c.md", "same", "/same.html")]) \
        == {"a.md": "articles/same/", "b.md": "articles/same-2/", "c.md": "articles/same-3/"}
    # the same old folder twice (two files, one old URL): -2 inside the section
    assert urls([art("a.md", "x", "/posts/x/"), art("b.md", "x", "/posts/x/")]) == {
        "a.md": "articles/posts/x/", "b.md": "articles/posts/x-2/"}


def test_slugs_differing_only_in_case_clash() -> None:
    """Two folders `Name` and `name` are one on macOS and Windows."""
    assert urls([art("a.md", "Name", "/a/Name/"), art("b.md", "name", "/b/name/")]) == {
        "a.md": "articles/a/Name/", "b.md": "articles/b/name/"}


@pytest.mark.parametrize(("old", "section"), [
    ("/fr/posts/x/", "fr/posts"),
    ("/x/", ""),
    ("/x.html", ""),
    ("/a/b/index.html", "a"),
    ("/travel news/2024/03/05/x.html", "travel-news/2024/03/05"),
    ("/con/x/", "con-1"),
    ("/Été/x/", "ete"),
    ("/../x/", ""),
    ("/a/./../b/x/", "a/b"),
])
def test_old_section(old: str, section: str) -> None:
    assert old_section(old) == section


def test_a_hugo_site_with_one_name_in_two_sections(tmp_path: Path) -> None:
    write(tmp_path, "hugo.toml", 'title = "Docs"\n')
    content = tmp_path / "content"
    for section in ("functions", "methods"):
        write(content, f"{section}/introduction.md",
              f"---\ntitle: Introduction to {section}\ndate: 2024-03-05\n---\nText.\n")
    write(content, "posts/other.md", "---\ntitle: Other\ndate: 2024-03-06\n---\n"
          "See [functions](../functions/introduction/).\n")
    config = load_config(None, {"content_dir": content, "output_dir": tmp_path / "out",
                                "base_url": "https://example.org/docs/"}, root=tmp_path)
    result = build(config, now=NOW)
    out = tmp_path / "out"
    assert not [p for p in result.problems if "already taken" in p.message]
    assert result.link_problems == []  # deeper pages still link to the root correctly
    for section in ("functions", "methods"):
        page = (out / "articles" / section / "introduction" / "index.html").read_text("utf-8")
        assert f"Introduction to {section}" in page
        assert 'href="../../../' in page  # three folders down to the root
        redirect = (out / section / "introduction" / "index.html").read_text("utf-8")
        assert f"url=../../articles/{section}/introduction/" in redirect
    sitemap = (out / "sitemap.xml").read_text("utf-8")
    assert "https://example.org/docs/articles/functions/introduction/" in sitemap
    assert (out / "articles" / "other" / "index.html").is_file()
    # search indexes the pages a folder deeper too
    entry = json.loads((out / "pagefind" / "pagefind-entry.json").read_bytes())
    assert entry["languages"]["en"]["page_count"] == result.articles_built == 3
    assert sorted(searchable(dict.fromkeys(manifest(out), b""))) == [
        "articles/functions/introduction/index.html", "articles/methods/introduction/index.html",
        "articles/other/index.html"]


def manifest(out: Path) -> list[str]:
    return [p.relative_to(out).as_posix() for p in out.rglob("*.html")]
