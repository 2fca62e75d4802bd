"""Stories end to end: a built site shows one story with its sources, in pages and feeds,
and a cached rebuild after a new report of the story writes what a clean build writes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import NOW, BuildSite, make_config, write

from .texts import LLAMA_APRIL, LLAMA_APRIL_REWRITE, STRIKE

BASE = "https://news.example/"


def front(title: str, when: str, source: str, url: str, quality: float | None = None) -> str:
    lines = ["---", f"title: {json.dumps(title)}", f"date: {when}", f"source: {source}",
             f"originalUrl: {url}", "topics: [AI]"]
    if quality is not None:
        lines.append(f"quality: {quality}")
    return "\n".join([*lines, "---", ""])


def content(folder: Path) -> None:
    write(folder, "wire.md", front("Meta releases Llama 2, free for commercial use",
                                   "2023-04-18T09:00:00Z", "Wire", "https://wire.example/a")
          + LLAMA_APRIL)
    write(folder, "daily.md", front("Facebook owner gives away Llama 2 with Microsoft",
                                    "2023-04-18T20:00:00Z", "Daily", "https://daily.example/b")
          + LLAMA_APRIL_REWRITE)
    write(folder, "paper.md", front("Zuckerberg gives away his AI", "2023-04-19T07:00:00Z",
                                    "Paper", "https://paper.example/c") + LLAMA_APRIL)
    write(folder, "strike.md", front("German train drivers strike", "2023-04-18T10:00:00Z",
                                     "Rail News", "https://rail.example/strike") + STRIKE)
    write(folder, "strike-again.md", front("German train drivers strike",
                                           "2023-04-18T10:00:00Z", "Rail News",
                                           "https://rail.example/strike/") + STRIKE)


def story_ids(html: str) -> list[str]:
    return re.findall(r'<article class="[^"]*" data-story="([^"]+)"', html)


def test_one_story_many_sources(tmp_path: Path, build_site: BuildSite) -> None:
    folder = tmp_path / "content"
    content(folder)
    result, site = build_site(folder, base_url=BASE)

    pages = {name: (site / "articles" / slug / "index.html").read_text()
             for name, slug in [("wire", "meta-releases-llama-2-free-for-commercial-use"),
                                ("daily", "facebook-owner-gives-away-llama-2-with-microsoft"),
                                ("paper", "zuckerberg-gives-away-his-ai"),
                                ("strike", "german-train-drivers-strike")]}
    ids = {name: story_ids(html) for name, html in pages.items()}
    lead = "meta-releases-llama-2-free-for-commercial-use"  # the earliest: no quality given
    assert ids["wire"] == ids["daily"] == ids["paper"] == [lead]
    assert ids["strike"] == ["german-train-drivers-strike"]
    assert "Other coverage" in pages["daily"] and "Other coverage" not in pages["strike"]
    assert 'href="../../articles/zuckerberg-gives-away-his-ai/index.html"' in pages["daily"]
    assert f'href="../../articles/{lead}/index.html"' in pages["daily"]

    home = (site / "index.html").read_text()
    assert story_ids(home).count(lead) == 1  # one card for the story, not three
    card = home[home.index(f'data-story="{lead}"'):]
    card = card[: card.index("</article>")]
    assert re.search(r"Also covered by <a [^>]*>Daily</a>, <a [^>]*>Paper</a>", card), card
    assert "Facebook owner gives away" not in home  # the others' cards are not there
    topic = (site / "topics" / "ai" / "index.html").read_text()
    assert story_ids(topic).count(lead) == 1 and "Also covered by" in topic
    source = (site / "sources" / "daily" / "index.html").read_text()
    assert story_ids(source) == [lead] and "Also covered by" in source  # its own card

    feed = json.loads((site / "feed.json").read_text())
    urls = [item["url"] for item in feed["items"]]
    assert urls.count(f"{BASE}articles/{lead}/") == 1
    assert not any("facebook-owner" in u or "zuckerberg-gives" in u for u in urls)
    entry = next(i for i in feed["items"] if i["url"].endswith(f"{lead}/"))
    assert "Also covered by" in entry["content_html"]
    assert f'{BASE}articles/zuckerberg-gives-away-his-ai/' in entry["content_html"]
    atom = (site / "feed.xml").read_text()
    assert atom.count("<entry>") == len(urls) == 2  # the story and the strike
    rss = (site / "rss.xml").read_text()
    assert rss.count("<item>") == 2 and "Also covered by" in rss

    merged = [str(p) for p in result.problems if "exact duplicates" in p.message]
    assert merged == ["strike-again.md: exact duplicates merged into this article: strike.md"] \
        or merged == ["strike.md: exact duplicates merged into this article: strike-again.md"]
    assert not (site / "articles" / "german-train-drivers-strike-2").exists()


def rebuilt_like_clean(tmp_path: Path, name: str, text: str) -> Path:
    """Build, add an article, build again with the cache -> the output, once every page
    was checked against a clean build's."""
    from digest.build import build

    folder = tmp_path / "content"
    content(folder)
    config = make_config(tmp_path, folder, base_url=BASE)
    build(config, now=NOW)
    write(folder, name, text)
    build(config, now=NOW)
    clean = make_config(tmp_path, folder, base_url=BASE, output_dir=tmp_path / "clean")
    build(clean, now=NOW, cache=False)
    cached, fresh = tmp_path / "site", tmp_path / "clean"
    for page in fresh.rglob("*.html"):
        rel = page.relative_to(fresh)
        assert (cached / rel).read_bytes() == page.read_bytes(), rel
    return cached


def test_a_later_report_of_a_story_is_on_every_cached_card(tmp_path: Path) -> None:
    """The Wire's source page shows the same card as before but one source more: its
    key must change although its own article did not."""
    cached = rebuilt_like_clean(tmp_path, "late.md", front(
        "Llama 2 arrives", "2023-04-19T12:00:00Z", "Late Post", "https://late.example/d")
        + LLAMA_APRIL_REWRITE.replace("Tuesday", "Wednesday"))
    wire = (cached / "sources" / "wire" / "index.html").read_text()
    assert re.search(r"Also covered by .*>Late Post</a>", wire)


def test_a_better_report_of_a_story_leads_it(tmp_path: Path) -> None:
    cached = rebuilt_like_clean(tmp_path, "late.md", front(
        "Llama 2 arrives", "2023-04-19T12:00:00Z", "Late Post", "https://late.example/d",
        quality=0.9) + LLAMA_APRIL)
    home = (cached / "index.html").read_text()
    assert story_ids(home).count("llama-2-arrives") == 1  # the best quality leads now
    also = home.split('data-story="llama-2-arrives"')[1].split("Also covered by")[1]
    also = also[: also.index("</p>")]
    assert ">Wire<" in also and ">Daily<" in also and ">Paper<" in also
    assert "Late Post" not in also
    old = (cached / "articles" / "meta-releases-llama-2-free-for-commercial-use" /
           "index.html").read_text()
    assert 'data-story="llama-2-arrives"' in old and "Llama 2 arrives" in old


def test_a_new_process_reclusters_only_the_block_an_edit_touched(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The clustering's memo is in the build cache on disk: a `digest build` after an
    edit scores again only the block of time the edit is in."""
    from digest.build import build
    from digest.incremental import cache
    from digest.stories import blocks

    folder = tmp_path / "content"
    content(folder)
    write(folder, "later.md", front("German rail strike ends", "2023-07-02T10:00:00Z",
                                    "Rail News", "https://rail.example/ends") + STRIKE)
    config = make_config(tmp_path, folder, base_url=BASE)
    build(config, now=NOW)
    cache._MEMORY.clear()  # as a new process finds it
    scored: list[int] = []
    real = blocks._score_block
    monkeypatch.setattr(blocks, "_score_block", lambda context, end, window:
                        scored.append(len(context)) or real(context, end, window))
    write(folder, "late.md", front("Llama 2 arrives", "2023-04-19T12:00:00Z", "Late Post",
                                   "https://late.example/d") + LLAMA_APRIL_REWRITE)
    build(config, now=NOW)
    assert scored == [5]  # April's block, not July's
    home = (tmp_path / "site" / "index.html").read_text()
    assert re.search(r"Also covered by .*>Late Post</a>", home)
