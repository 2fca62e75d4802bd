"""render.py: relative links, templates that override the built-in ones, escaping."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from pathlib import Path

import pytest

from digest.config import SiteConfig
from digest.site.render import Links
from tests.conftest import BuildSite, write


@pytest.mark.parametrize(
    ("page", "target", "expected"),
    [
        ("", "", "index.html"),
        ("", "articles/a/", "articles/a/index.html"),
        ("articles/a/", "", "../../index.html"),
        ("articles/a/", "topics/t/", "../../topics/t/index.html"),
        ("topics/t/page/2/", "static/style.css", "../../../../static/style.css"),
        ("2023/09/11/", "2023/", "../../../2023/index.html"),
        ("404.html", "articles/a/", "articles/a/index.html"),
        ("feeds/x.xml", "", "../index.html"),
    ],
)
def test_relative_links(page: str, target: str, expected: str) -> None:
    assert Links(page, SiteConfig()).url(target) == expected


def test_clean_links_and_rooted_links() -> None:
    config = SiteConfig(clean_links=True, base_url="https://u.github.io/repo/")
    assert Links("articles/a/", config).url("topics/t/") == "../../topics/t/"
    assert Links("articles/a/", config).url("") == "../../"
    assert Links("404.html", config, rooted=True).url("topics/t/") == "/repo/topics/t/"
    assert Links("x/", config).absolute("articles/a/") == "https://u.github.io/repo/articles/a/"


def test_a_site_template_overrides_and_extends_the_default(tmp_path: Path, seeds: Path) -> None:
    from digest.build import build
    from tests.conftest import make_config

    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "base.html").write_text(
        '{% extends "!default/base.html" %}{% block head %}<meta name="x-custom" content="1">'
        "{% endblock %}", encoding="utf-8")
    config = make_config(tmp_path, seeds)
    build(config)
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert '<meta name="x-custom" content="1">' in html
    assert "Meta and the AI race" in html


def test_undated_stories_are_paginated_and_the_front_page_shows_one_page(
        tmp_path: Path, build_site: BuildSite) -> None:
    for i in range(5):
        write(tmp_path / "content", f"note-{i}.txt", f"Undated note {i}\n\nNo date here.\n")
    _, site = build_site(tmp_path / "content", page_size=2)
    front = (site / "index.html").read_text()
    assert front.count('class="card-title"') == 2
    assert "All 5 undated stories" in front
    first = (site / "archive/undated/index.html").read_text()
    assert "page 1 of 3" in first and 'href="../../archive/undated/page/2/index.html"' in first
    last = (site / "archive/undated/page/3/index.html").read_text()
    assert "Undated note 4" in last and 'rel="prev"' in last
    assert "Stories without a date" in (site / "archive/index.html").read_text()


def test_memo_renders_a_block_once_per_key_for_every_depth(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from digest.site import render

    config = SiteConfig(clean_links=True)
    calls: list[str] = []

    def block(links: Links, text: str) -> Callable[[], str]:
        return lambda: calls.append(text) or f'<a href="{links.url("articles/a/")}">{text}</a>'

    fragments: dict[tuple[Hashable, ...], str] = {}
    two, three, home = Links("topics/x/", config), Links("2024/01/02/", config), Links("", config)
    memo = render._memo
    assert memo(fragments, two, "card", "a", caller=block(two, "a")) == \
        '<a href="../../articles/a/">a</a>'
    assert memo(fragments, two, "card", "a", caller=block(two, "again")) == \
        '<a href="../../articles/a/">a</a>'
    assert memo(fragments, three, "card", "a", caller=block(three, "a at 3")) == \
        '<a href="../../../articles/a/">a</a>'  # the one rendering, its links from depth 3
    assert memo(fragments, home, "card", "a", caller=block(home, "a at 0")) == \
        '<a href="articles/a/">a at 0</a>'  # the home page renders its own
    assert memo(fragments, three, "card", "b", caller=block(three, "b")) == \
        '<a href="../../../articles/a/">b</a>'
    assert calls == ["a", "a at 0", "b"]
    assert (two.to_root, three.to_root) == ("../../", "../../../")  # as they were

    def shouted(links: Links, text: str) -> Callable[[], str]:  # a filter changes the link
        return lambda: calls.append(text) or links.url("articles/c/").upper()

    assert memo(fragments, two, "card", "c", caller=shouted(two, "c at 2")) == "../../ARTICLES/C/"
    assert memo(fragments, three, "card", "c", caller=shouted(three, "c at 3")) == \
        "../../../ARTICLES/C/"  # then each depth renders its own
    monkeypatch.setattr(render, "MEMO_MAX", 3)
    memo(fragments, home, "card", "d", caller=block(home, "d at 0"))
    assert list(fragments) == [("", "card", "d")]  # full: emptied, never unbounded


def test_a_card_links_right_from_every_page_it_is_on(tmp_path: Path,
                                                      build_site: BuildSite) -> None:
    """One story's card on a topic's first page, on its later pages, on a day's page and
    on a source's page: each copy's links lead to the story from where it is."""
    for i in range(3):
        write(tmp_path / "content", f"{i}.md", f"---\ntitle: Story {i}\ndate: 2024-03-0{i + 1}\n"
              f"topics: [Chips]\nsource: Wire\n---\nBody {i}.\n")
    _, site = build_site(tmp_path / "content", page_size=1)
    for page, story, to_root in [
            ("topics/chips/index.html", 2, "../../"),
            ("sources/wire/index.html", 2, "../../"),
            ("topics/chips/page/3/index.html", 0, "../../../../"),
            ("2024/03/01/index.html", 0, "../../../"),
            ("sources/wire/page/3/index.html", 0, "../../../../")]:
        html = (site / page).read_text()
        assert f'href="{to_root}articles/story-{story}/index.html"' in html, page
        assert f'href="{to_root}topics/chips/index.html"' in html, page


def _story(title: str, day: str, source: str = "") -> str:
    extra = f"source: {source}\n" if source else ""
    return f"---\ntitle: {title}\ndate: {day}\ntopics: [Rail]\n{extra}---\nText.\n"


def test_archive_counts_say_what_they_count(tmp_path: Path, build_site: BuildSite) -> None:
    from lxml import html

    content = tmp_path / "content"
    write(content, "a.md", _story("One", "2023-09-11"))
    write(content, "b.md", _story("Two", "2024-03-01"))
    write(content, "c.md", _story("Three", "2024-03-01"))
    _, site = build_site(content)

    def texts(page: str, xpath: str) -> list[str]:
        tree = html.fromstring((site / page).read_bytes())
        return [" ".join(e.text_content().split()) for e in tree.xpath(xpath)]

    assert texts("archive/index.html", "//section[@class='archive-year']/h2") == [
        "2024 — 2 stories", "2023 — 1 story"]
    assert texts("2024/index.html", "//h2") == ["March — 2 stories"]
    assert texts("2024/index.html", "//main//li") == ["Friday 1 March 2024 2 stories"]
    assert texts("2024/03/index.html", "//h2[@class='day-heading']") == [
        "Friday 1 March 2024 — 2 stories"]


def test_the_sources_link_is_there_only_when_there_are_sources(
        tmp_path: Path, build_site: BuildSite) -> None:
    content = tmp_path / "content"
    write(content, "a.md", _story("One", "2023-09-11"))
    write(content, "b.md", _story("Two", "2023-09-12"))
    pages = ("index.html", "articles/one/index.html", "topics/index.html")
    _, site = build_site(content)
    for page in pages:
        text = (site / page).read_text(encoding="utf-8")
        assert ">Latest<" in text and ">Sources<" not in text, page
    write(content, "b.md", _story("Two", "2023-09-12", source="Rail Weekly"))
    _, site = build_site(content)  # a rebuild: pages an edit did not touch follow too
    for page in pages:
        assert ">Sources</a>" in (site / page).read_text(encoding="utf-8"), page


@pytest.mark.parametrize(("body", "expected"), [
    ("<p>no table</p>", "<p>no table</p>"),
    ("<p>a</p><table><tr><td>1</td></tr></table>",
     '<p>a</p><div class="table-scroll" role="region" tabindex="0" aria-label="Table">'
     "<table><tr><td>1</td></tr></table></div>"),
    ("<table><tr><td><table><tr><td>in</td></tr></table></td></tr></table><table></table>",
     '<div class="table-scroll" role="region" tabindex="0" aria-label="Table"><table><tr><td>'
     "<table><tr><td>in</td></tr></table></td></tr></table></div>"
     '<div class="table-scroll" role="region" tabindex="0" aria-label="Table"><table></table>'
     "</div>"),
])
def test_each_outermost_table_scrolls_in_a_box_of_its_own(body: str, expected: str) -> None:
    from digest.site.render import scrolling_tables

    assert str(scrolling_tables(body)) == expected


def test_a_markdown_table_in_a_story_is_boxed(tmp_path: Path, build_site: BuildSite) -> None:
    content = tmp_path / "content"
    write(content, "t.md", "---\ntitle: Timetable\ndate: 2024-01-01\n---\n\n"
          "| Train | Leaves | Arrives |\n|---|---|---|\n| TGV 6201 | 07:00 | 09:01 |\n")
    _, site = build_site(content)
    text = (site / "articles" / "timetable" / "index.html").read_text(encoding="utf-8")
    assert '<div class="table-scroll" role="region" tabindex="0" aria-label="Table"><table>' \
        in text
