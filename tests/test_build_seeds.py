"""End to end: the real seeds become a complete, linked, deterministic site."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import BuildSite
from tests.sitecheck import broken_links, text

SLUG_001 = "mark-zuckerbergs-meta-setting-the-stage-for-an-ai-revolution-against-openai"
SLUG_004 = "meta-doubles-down-on-generative-ai-with-billion-dollar-investment"
TITLES = [
    "Mark Zuckerberg&#39;s Meta: Setting the Stage for an AI Revolution against OpenAI",
    "Mark Zuckerberg Was Early in AI. Now Meta Is Making an attempt to Catch Up.",
    "Mark Zuckerberg Takes Aim At Elon Musk, Sam Altman With Big AI Aspirations Through "
    "Meta&#39;s Latest Llama Model",
    "Meta Doubles down on Generative AI with Billion-Dollar Investment",
]


def test_front_page_has_all_four_published_articles(seeds: Path, build_site: BuildSite) -> None:
    result, site = build_site(seeds)
    assert (result.articles_read, result.articles_built, result.drafts_skipped) == (5, 4, 1)
    assert result.undated == 3
    home = text(site / "index.html")
    for title in TITLES:
        assert title in home
    assert "Facebook Execs Panicking" not in home  # the draft
    assert home.index('datetime="2023-09-11"') < home.index(">Undated</h2>")
    assert len(list((site / "articles").iterdir())) == 4


def test_article_pages(seeds: Path, build_site: BuildSite) -> None:
    _, site = build_site(seeds)
    page = text(site / "articles" / SLUG_001 / "index.html")
    assert ">" + TITLES[0] + "</h1>" in page and page.count("<h1") == 1
    assert '<time datetime="2023-09-11">' in page
    assert 'class="standfirst">Meta unveils' in page
    assert "3 min Read" not in page and "Also Read" not in page and "Huawei" not in page
    body = page.split("<body>", 1)[1]
    assert body.count(TITLES[0]) == 1  # the <h1>: the repeated line is gone
    faq = text(site / "articles" / SLUG_004 / "index.html")
    assert "<h2>Frequently Asked Questions</h2>" in faq
    assert "<li>What is generative AI?</li>" in faq
    assert "Table of Contents" not in faq


def test_topic_source_and_archive_pages(seeds: Path, build_site: BuildSite) -> None:
    _, site = build_site(seeds)
    topics = text(site / "topics" / "index.html")
    assert "Meta AI" in topics and "Uncategorized" not in topics
    meta_ai = text(site / "topics" / "meta-ai" / "index.html")
    assert all(t in meta_ai for t in TITLES)
    assert (site / "2023" / "09" / "11" / "index.html").is_file()
    assert (site / "2023" / "09" / "index.html").is_file()
    assert (site / "2023" / "index.html").is_file()
    archive = text(site / "archive" / "index.html")
    assert ">Undated</h2>" in archive and "undated/index.html" in archive
    undated = text(site / "archive" / "undated" / "index.html")
    assert TITLES[3] in undated and "3 stories carry no publication date" in undated
    assert (site / "sources" / "index.html").is_file()


def test_drafts_build_with_the_flag(seeds: Path, build_site: BuildSite) -> None:
    result, site = build_site(seeds, drafts=True)
    assert result.articles_built == 5
    draft = text(site / "articles" / "facebook-execs-panicking-as-they-try-to-catch-up-in-ai-race"
                 / "index.html")
    assert "Draft" in draft
    assert "In other words, Meta was already behind" in draft  # the excerpt stands in for a body
    assert 'href="https://futurism.com/the-byte/facebook-execs-panicking-ai-race"' in draft
    assert "Futurism" in draft and "Related reading" in draft
    assert (site / "sources" / "futurism" / "index.html").is_file()
    assert (site / "topics" / "meta-ai" / "index.html").is_file()  # Facebook AI alias
    assert (site / "topics" / "ai-chips" / "index.html").is_file()  # AI Hardware alias


def test_secrets_and_unknown_keys_never_reach_a_page(seeds: Path, build_site: BuildSite) -> None:
    _, site = build_site(seeds, drafts=True)
    for page in site.rglob("*"):
        if page.is_file():
            assert b"kb3cvdycREGW67szGbahRw1i" not in page.read_bytes(), page


def test_every_internal_link_resolves(seeds: Path, build_site: BuildSite) -> None:
    _, site = build_site(seeds, drafts=True)
    assert broken_links(site) == []


def test_links_work_under_a_subpath(seeds: Path, build_site: BuildSite) -> None:
    _, site = build_site(seeds, base_url="https://user.github.io/repo/")
    assert broken_links(site, base_path="/repo/") == []


def test_two_builds_are_byte_identical(tmp_path: Path, seeds: Path, build_site: BuildSite) -> None:
    _, first = build_site(seeds, output_dir=tmp_path / "one")
    _, second = build_site(seeds, output_dir=tmp_path / "two")
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for rel in files:
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel


def test_pages_have_one_h1_and_a_language(seeds: Path, build_site: BuildSite) -> None:
    _, site = build_site(seeds)
    for page in site.rglob("*.html"):
        html = text(page)
        assert len(re.findall(r"<h1\b", html)) == 1, page
        assert '<html lang="en"' in html


def test_topic_pages_paginate(tmp_path: Path, build_site: BuildSite) -> None:
    content = tmp_path / "many"
    content.mkdir()
    for i in range(5):
        (content / f"s{i}.md").write_text(
            f"---\ntitle: Story {i}\ndate: 2023-05-0{i + 1}\ntopics: [Chips]\n---\nText {i}.\n")
    _, site = build_site(content, page_size=2)
    first = text(site / "topics" / "chips" / "index.html")
    assert "Story 4" in first and "Story 3" in first and "Story 2" not in first
    assert 'href="../../topics/chips/page/2/index.html"' in first and "Page 1 of 3" in first
    third = text(site / "topics" / "chips" / "page" / "3" / "index.html")
    assert "Story 0" in third and 'rel="prev"' in third and 'rel="next"' not in third
    assert broken_links(site) == []


def test_future_policy(tmp_path: Path, build_site: BuildSite) -> None:
    content = tmp_path / "future"
    content.mkdir()
    (content / "f.md").write_text("---\ntitle: Tomorrow's news\ndate: 2999-01-01\n---\nx\n")
    (content / "n.md").write_text("---\ntitle: Today's news\ndate: 2023-01-01\n---\nx\n")
    hidden, site = build_site(content)  # by default, as Hugo and Jekyll
    assert (hidden.articles_built, hidden.future_skipped) == (1, 1)
    assert "Tomorrow" not in text(site / "index.html")
    shown, _ = build_site(content, future=True)
    assert (shown.articles_built, shown.future_skipped) == (2, 0)


def test_a_build_pauses_the_cycle_collector_but_renders_with_it(
        tmp_path: Path, seeds: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What a build keeps has no cycles, so the collector only slows it down (see
    parallel.collector); Jinja's pages leave cycles, so rendering runs with it."""
    import gc

    from digest import build as building
    from digest.output import assemble
    from tests.conftest import make_config

    seen: dict[str, bool] = {}
    real_group, real_render = building.group, assemble._RenderJob.render

    def group(*args: Any, **kwargs: Any) -> Any:
        seen["grouping"] = gc.isenabled()
        return real_group(*args, **kwargs)

    def render(job: Any, index: int) -> bytes:
        seen.setdefault("rendering", gc.isenabled())
        return real_render(job, index)

    monkeypatch.setattr(building, "group", group)
    monkeypatch.setattr(assemble._RenderJob, "render", render)
    assert gc.isenabled()
    building.build(make_config(tmp_path, seeds), cache=False, jobs=1)
    assert seen == {"grouping": False, "rendering": True}
    assert gc.isenabled()  # as it was
