"""group.py: days, months, years, topics and sources."""

from __future__ import annotations

from datetime import UTC, date, datetime

from digest.config import SiteConfig
from digest.model import Article, Source, Topic
from digest.site.group import group


def art(path: str, when: datetime | None, topics: tuple[str, ...] = (), source: str = "",
        domain: str = "") -> Article:
    return Article(path=path, slug=path, title=path.upper(), published=when,
                   topics=tuple(Topic(t, t.strip().lower()) for t in topics),
                   source=Source(source or domain, domain, (source or domain).lower())
                   if source or domain else None)


def test_days_newest_first_grouped_by_primary_topic_in_the_site_timezone() -> None:
    config = SiteConfig(timezone="America/New_York")
    digest = group([
        art("a", datetime(2023, 9, 11, 2, tzinfo=UTC), ("AI",)),  # 10 Sep in New York
        art("b", datetime(2023, 9, 11, 15, tzinfo=UTC), ("Chips", "AI")),
        art("c", datetime(2023, 9, 11, 16, tzinfo=UTC), ("AI",)),
        art("d", None, ("AI",)),
    ], config)
    assert [d.day for d in digest.days] == [date(2023, 9, 11), date(2023, 9, 10)]
    groups = digest.days[0].groups
    assert [(t.name, [a.path for a in arts]) for t, arts in groups] == [("AI", ["c"]),
                                                                        ("Chips", ["b"])]
    assert [a.path for a in digest.undated] == ["d"]
    assert [a.path for a in digest.articles] == ["c", "b", "a", "d"]
    assert digest.neighbours["b"] == (digest.articles[0], digest.articles[2])
    assert [(y.year, [(m.month, m.count) for m in y.months]) for y in digest.years] == [
        (2023, [(9, 3)])]


def test_topic_spellings_merge_with_the_commonest_or_the_alias() -> None:
    when = datetime(2023, 1, 1, tzinfo=UTC)
    digest = group([art("a", when, ("AI",)), art("b", when, ("ai",)), art("c", when, (" Ai ",)),
                    art("d", when, ("AI",)), art("e", when, ("Facebook AI",))],
                   SiteConfig(topic_aliases={"facebook ai": "Meta AI"}))
    assert [(g.topic.name, g.topic.slug, len(g.articles)) for g in digest.topics] == [
        ("AI", "ai", 4), ("Meta AI", "meta-ai", 1)]
    assert all(a.topics[0].name in {"AI", "Meta AI"} for a in digest.articles)


def test_distinct_topics_with_the_same_slug_get_distinct_urls() -> None:
    when = datetime(2023, 1, 1, tzinfo=UTC)
    digest = group([art("a", when, ("C++",)), art("b", when, ("C",))], SiteConfig())
    assert sorted(g.topic.slug for g in digest.topics) == ["c", "c-2"]


def test_sources_merge_by_domain() -> None:
    when = datetime(2023, 1, 1, tzinfo=UTC)
    digest = group([art("a", when, source="Forbes", domain="forbes.com"),
                    art("b", when, source="Forbes Magazine", domain="forbes.com"),
                    art("c", when, source="Forbes", domain="forbes.com"),
                    art("d", when)], SiteConfig())
    assert [(g.source.name, len(g.articles)) for g in digest.sources] == [("Forbes", 3)]
