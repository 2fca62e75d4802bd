"""The front page reads like news: newest first, a lead, a zone on every time, freshness
and trends from the articles' own dates (never the build clock), honest prev/next."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from lxml import html

from digest.build import build
from digest.config import SiteConfig
from digest.model import Article, Topic
from digest.site.dates import zone_label
from digest.site.front import latest, newest_first, top_topics, trending
from digest.site.group import group
from tests.conftest import BuildSite, make_config, write

AI, CHIPS, POLICY = Topic("AI", "ai"), Topic("Chips", "chips"), Topic("Policy", "policy")
T0 = datetime(2026, 12, 1, 13, 5, tzinfo=UTC)


def art(path: str, when: datetime | None, *topics: Topic) -> Article:
    return Article(path=path, slug=path, title=path, published=when, topics=topics)


def days_before(n: float) -> datetime:
    return T0 - timedelta(days=n)


def test_trending_counts_the_last_week_against_the_one_before_from_content_dates() -> None:
    articles = [
        art("a", T0, AI), art("b", days_before(1), AI, CHIPS), art("c", days_before(6.9), AI),
        art("d", days_before(7), CHIPS),  # exactly 7 days before the newest: the week before
        art("e", days_before(8), CHIPS), art("f", days_before(13), CHIPS, POLICY),
        art("g", days_before(14), POLICY),  # 14 days back: in neither week
        art("h", days_before(20), AI), art("u", None, POLICY),  # old, and undated: ignored
    ]
    trends = trending(group(articles, SiteConfig()))
    assert [(t.topic.name, t.recent, t.before, t.change) for t in trends] == [
        ("AI", 3, 0, 3), ("Chips", 1, 3, -2)]  # Policy: nothing new in the last week


def test_trending_counts_a_story_once_from_its_first_report() -> None:
    """Three outlets on one event are one new story, dated by its first report (in the
    week before here), on every topic one of them has."""
    from digest.stories.fingerprint import fingerprint
    from tests.stories.texts import LLAMA_APRIL

    def report(path: str, when: datetime, *topics: Topic) -> Article:
        return replace(art(path, when, *topics), body=f"<p>{LLAMA_APRIL}</p>".encode(),
                       fingerprint=fingerprint(path, LLAMA_APRIL))

    articles = [report("wire", days_before(8), AI), report("daily", days_before(6.5), AI),
                report("paper", days_before(6), AI, CHIPS), art("other", T0, AI),
                art("chip", days_before(1), CHIPS), art("chip2", days_before(2), CHIPS)]
    digest = group(articles, SiteConfig())
    assert len(digest.stories["wire"].articles) == 3
    assert [(t.topic.name, t.recent, t.before) for t in trending(digest)] == [
        ("Chips", 2, 1), ("AI", 1, 1)]


def test_trending_ranks_by_new_stories_then_rise_then_name_and_is_capped() -> None:
    articles = [art("a", T0, CHIPS), art("b", T0, AI), art("c", days_before(9), CHIPS)]
    digest = group(articles, SiteConfig())
    assert [t.topic.name for t in trending(digest)] == ["AI", "Chips"]  # AI rose more
    assert [t.topic.name for t in trending(digest, limit=1)] == ["AI"]
    assert trending(group([art("u", None, AI)], SiteConfig())) == ()
    lonely = Topic("Uncategorized", "uncategorized")
    digest = group([art("a", T0, lonely), art("b", T0, lonely, AI)], SiteConfig())
    assert [t.topic for t in trending(digest, ignore="uncategorized")] == [AI]


def test_latest_and_newest_first_and_top_topics() -> None:
    morning, evening = T0.replace(hour=7), T0.replace(hour=20)
    articles = [art("m", morning, AI), art("e", evening, CHIPS), art("n", T0, CHIPS)]
    digest = group(articles, SiteConfig())
    assert latest(digest) == evening
    assert latest(group([art("u", None)], SiteConfig())) is None
    # the day's groups are by topic; the front page reads them newest first
    assert [a.path for a in newest_first(digest.days[0])] == ["e", "n", "m"]
    assert [(g.topic, len(g.articles)) for g in top_topics(digest, 5)] == [(CHIPS, 2), (AI, 1)]
    assert [g.topic for g in top_topics(digest, 1)] == [CHIPS]


@pytest.mark.parametrize(("zone", "when", "expected"), [
    ("Europe/Paris", datetime(2026, 12, 1, 13, 5, tzinfo=UTC), "CET"),
    ("Europe/Paris", datetime(2026, 7, 1, 13, 5, tzinfo=UTC), "CEST"),
    ("UTC", datetime(2026, 12, 1, 13, 5, tzinfo=UTC), "UTC"),
    ("America/Sao_Paulo", datetime(2026, 12, 1, 13, 5, tzinfo=UTC), "UTC\N{MINUS SIGN}03"),
])
def test_zone_label(zone: str, when: datetime, expected: str) -> None:
    assert zone_label(when.astimezone(ZoneInfo(zone))) == expected


def news(folder: Path, name: str, title: str, when: str, topics: str = "AI") -> None:
    write(folder, name, f"---\ntitle: {title}\ndate: {when}\ntopics: [{topics}]\n"
                        f"source: Example News\n---\n\nWhat happened in {title.lower()}.\n")


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    news(folder, "early.md", "Early story", "2026-12-01T07:30:00Z", "Chips")
    news(folder, "late.md", "Late story", "2026-12-01T13:05:00Z", "Chips")
    news(folder, "middle.md", "Middle story", "2026-12-01T10:00:00Z", "AI")
    news(folder, "before.md", "Story of the day before", "2026-11-30T09:00:00Z", "AI")
    news(folder, "old.md", "Old story", "2026-11-21T09:00:00Z", "Chips")
    write(folder, "undated-a.txt", "First undated note\n\nNo date in here.\n")
    write(folder, "undated-b.txt", "Second undated note\n\nNo date in here either.\n")
    return folder


def test_front_page_is_newest_first_with_a_lead_and_zoned_times(
        content: Path, build_site: BuildSite) -> None:
    _, out = build_site(content, timezone="Europe/Paris", future=True)  # (NOW is earlier)
    page = html.fromstring((out / "index.html").read_bytes())
    day = page.xpath("//section[@aria-labelledby='day-2026-12-01']")[0]
    cards = day.xpath(".//article")
    # newest first, whatever the topic; the newest is the day's lead
    assert [c.xpath("string(.//h3)") for c in cards] == [
        "Late story", "Middle story", "Early story"]
    assert [c.get("class") for c in cards] == ["card card-lead", "card", "card"]
    # the page's structured data lists them in the same order
    data = json.loads(page.xpath("//script[@type='application/ld+json']/text()")[0])
    assert [i["name"] for i in data["mainEntity"]["itemListElement"]][:3] == [
        "Late story", "Middle story", "Early story"]
    assert cards[0].xpath("string(.//time)") == "1 Dec 2026, 14:05 CET"
    assert cards[0].xpath(".//time/@datetime") == ["2026-12-01T14:05:00+01:00"]
    # the day heading is the date itself, for a script to relabel in the reader's zone
    heading = day.xpath("./h2//time")[0]
    assert (heading.text, heading.get("datetime")) == ("Tuesday 1 December 2026", "2026-12-01")
    assert heading.get("data-day") is not None
    assert "Today" not in (out / "index.html").read_text(encoding="utf-8")
    assert page.xpath("//script/@src")[0].startswith("static/days.")
    freshness = page.xpath("//p[@class='freshness']")[0]
    assert freshness.text_content() == "Latest story 1 Dec 2026, 14:05 CET"


def test_front_page_trends_and_freshness_come_from_content_not_the_clock(
        content: Path, tmp_path: Path) -> None:
    built = []
    for n, now in enumerate([datetime(2026, 12, 2, tzinfo=UTC), datetime(2031, 6, 1, tzinfo=UTC)]):
        config = make_config(tmp_path, content, output_dir=tmp_path / f"site{n}",
                             timezone="Europe/Paris", base_url="https://example.org/")
        build(config, now=now, cache=False)
        built.append({p.relative_to(config.output_dir).as_posix(): p.read_bytes()
                      for p in sorted(config.output_dir.rglob("*")) if p.is_file()})
    assert built[0] == built[1]  # two builds of the same input, years apart: identical
    page = html.fromstring(built[0]["index.html"])
    items = page.xpath("//ol[@class='trend-list']/li")
    trends = [" ".join(li.text_content().split()) for li in items]
    # in the 7 days to 1 Dec 14:05: AI 2 (none before), Chips 2 (the 21 Nov one before)
    assert trends == ["AI 2 stories, +2", "Chips 2 stories, +1"]


def test_topic_bar_shows_the_top_topics_and_links_to_all(tmp_path: Path,
                                                         build_site: BuildSite) -> None:
    folder = tmp_path / "content"
    for n in range(12):
        # topic Tn is on 12 - n stories, so the top eight are T0..T7
        names = ", ".join(f"T{k:02d}" for k in range(12) if k <= 11 - n)
        news(folder, f"s{n}.md", f"Story {n}", f"2026-12-01T{n:02d}:00:00Z", names)
    _, out = build_site(folder, future=True)
    page = html.fromstring((out / "index.html").read_bytes())
    chips = page.xpath("//nav[@class='topic-bar']//a")
    assert [a.text_content() for a in chips] == [f"T{k:02d} {12 - k}" for k in range(8)] + [
        "All 12 topics →"]
    assert chips[-1].get("href") == "topics/index.html"


def test_prev_next_between_undated_stories_say_so(content: Path,
                                                  build_site: BuildSite) -> None:
    _, out = build_site(content, future=True)

    def labels(slug: str) -> list[str]:
        page = html.fromstring((out / "articles" / slug / "index.html").read_bytes())
        return [a.xpath("string(span)") for a in page.xpath("//nav[@class='prev-next']/a")]

    assert labels("middle-story") == ["Newer", "Older"]
    assert labels("old-story") == ["Newer", "Next undated"]
    assert labels("first-undated-note") == ["Previous", "Next undated"]
    assert labels("second-undated-note") == ["Previous undated"]
