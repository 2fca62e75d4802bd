"""render.py: relative links, templates that override the built-in ones, escaping."""

from __future__ import annotations

from pathlib import Path

import pytest

from digest.config import SiteConfig
from digest.render import Links
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
