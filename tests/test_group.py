"""group.py: days, months, years, topics and sources."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

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


ONE_OUTLET = [
    # (source name, domain) of each file -> the source pages: (name, domain, stories)
    ([("The Verge", "theverge.com"), ("The Verge", "")], [("The Verge", "theverge.com", 2)]),
    ([("the verge", ""), ("The Verge", "theverge.com"), ("The Verge", "")],
     [("The Verge", "theverge.com", 3)]),
    ([("theverge.com", "theverge.com"), ("The Verge", "")],  # a URL only, a name only
     [("The Verge", "", 1), ("theverge.com", "theverge.com", 1)]),
    ([("theverge.com", "theverge.com"), ("The Verge", "theverge.com")],
     [("The Verge", "theverge.com", 2)]),
    # a name joins its domains: the commonest is shown
    ([("Reuters", "reuters.com"), ("Reuters", "reuters.com"), ("Reuters", "reuters.co.uk")],
     [("Reuters", "reuters.com", 3)]),
    ([("Wired", "wired.com"), ("Wired UK", "wired.co.uk")],
     [("Wired", "wired.com", 1), ("Wired UK", "wired.co.uk", 1)]),
]


@pytest.mark.parametrize(("given", "pages"), ONE_OUTLET)
def test_one_outlet_is_one_source(given: list[tuple[str, str]],
                                  pages: list[tuple[str, str, int]]) -> None:
    when = datetime(2023, 1, 1, tzinfo=UTC)
    digest = group([art(f"a{i}", when, source=name, domain=domain)
                    for i, (name, domain) in enumerate(given)], SiteConfig())
    assert [(g.source.name, g.source.domain, len(g.articles)) for g in digest.sources] == pages
    for g in digest.sources:
        assert all(a.source == g.source for a in g.articles)
