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


def test_memo_renders_a_block_once_per_key_and_way_to_the_root(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from digest.site import render

    calls: list[str] = []

    def block(text: str) -> Callable[[], str]:
        return lambda: calls.append(text) or text

    fragments: dict[tuple[Hashable, ...], str] = {}
    assert render._memo(fragments, "../../", "card", "a", caller=block("a at 2")) == "a at 2"
    assert render._memo(fragments, "../../", "card", "a", caller=block("again")) == "a at 2"
    assert render._memo(fragments, "../../../", "card", "a", caller=block("a at 3")) == "a at 3"
    assert render._memo(fragments, "../../", "card", "b", caller=block("b at 2")) == "b at 2"
    assert calls == ["a at 2", "a at 3", "b at 2"]
    monkeypatch.setattr(render, "MEMO_MAX", 3)
    render._memo(fragments, "", "card", "c", caller=block("c at 0"))
    assert list(fragments) == [("", "card", "c")]  # full: emptied, never unbounded


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
