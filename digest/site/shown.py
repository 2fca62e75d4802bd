"""Pure: the site's articles in order and their stories -> what the listing pages show of
them (the dated stories by day, the undated ones, each topic's and source's articles),
and the same from its last run (passes.py) after an edit that moved nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from functools import partial
from typing import Any, TypeVar

from ..config import SiteConfig
from ..model import Article, Source, SourceGroup, Story, Topic, TopicGroup
from ..passes import Passes

K = TypeVar("K")
V = TypeVar("V")


Shown = tuple[dict[date, list[Article]], tuple[Article, ...], tuple[TopicGroup, ...],
              tuple[SourceGroup, ...]]

def shown(ordered: tuple[Article, ...], stories: dict[str, Story], config: SiteConfig,
           passes: Passes | None) -> Shown:
    """The site's articles in order, and their stories -> the dated stories by day, the
    undated ones, and each topic's and source's articles."""
    # A story is shown once on the front page, the day's, the topics' and the undated
    # pages, by its lead's card (the others are "Also covered by" on it); each source's
    # page lists every article of its own.
    members = {path for path, story in stories.items() if story.lead.path != path}
    leads = [a for a in ordered if a.path not in members] if members else list(ordered)
    dated = [a for a in leads if a.published is not None]
    undated = tuple(a for a in leads if a.published is None)
    by_day = bucket(dated, lambda a: local_day(a, config)) if passes is None \
        else bucket(dated, partial(known_day, passes.days, config))

    # Keyed by slug, which is unique among canonical topics (and sources), because a
    # string hashes faster than a dataclass.
    topics: dict[str, tuple[Topic, list[Article]]] = {}
    sources: dict[str, tuple[Source, list[Article]]] = {}
    listed: set[tuple[str, str]] = set()
    unsorted: set[str] = set()  # topics a story's lead joined out of the site's order
    for article in ordered:
        story = stories.get(article.path)
        if story is None:  # its own lead, met once, in order (its topics are unique)
            for topic in article.topics:
                topics.setdefault(topic.slug, (topic, []))[1].append(article)
        else:
            lead = story.lead
            for topic in article.topics:  # a story is on the pages of every topic it has
                if (topic.slug, lead.path) not in listed:
                    listed.add((topic.slug, lead.path))
                    topics.setdefault(topic.slug, (topic, []))[1].append(lead)
                    unsorted.add(topic.slug)
        if (source := article.source) is not None:
            sources.setdefault(source.slug, (source, []))[1].append(article)
    return (by_day, undated,
            tuple(TopicGroup(t, tuple(sorted(a, key=sort_key) if t.slug in unsorted else a))
                  for t, a in sorted(topics.values(),
                                     key=lambda ta: (ta[0].name.casefold(), ta[0].slug))),
            tuple(SourceGroup(s, tuple(a)) for s, a in
                  sorted(sources.values(), key=lambda sa: (sa[0].name.casefold(), sa[0].slug))))

def shown_kept(before: tuple[Article, ...], ordered: tuple[Article, ...], places: list[int],
                stories: dict[str, Story], config: SiteConfig, passes: Passes) -> Shown | None:
    """What shown() gives, from its last run, when the stories are the last ones (made of
    the same articles, led by the same) and the articles that changed (at `places` in
    the order) kept their topics, source and date: the new objects put in where the
    old ones were; None otherwise."""
    if passes.shown.kept is None or passes.shown.inputs is not before \
            or len(before) != len(ordered):
        return None
    zone, by_day, undated, topic_groups, source_groups = passes.shown.kept
    if zone != config.zone:
        return None
    new: dict[int, Article] = {}  # id(old object) -> the new one
    topic_slugs: set[str] = set()
    source_slugs: set[str] = set()
    days: set[date] = set()
    for place in places:
        old, article = before[place], ordered[place]
        if old.path != article.path or old.topics != article.topics or \
                old.source != article.source or old.published != article.published:
            return None
        new[id(old)] = article
        story = stories.get(article.path)
        for member in story.articles if story is not None else (article,):
            topic_slugs.update(topic.slug for topic in member.topics)
        if article.source is not None:
            source_slugs.add(article.source.slug)
        if article.published is not None:
            days.add(local_day(article, config))

    def put(articles: tuple[Article, ...] | list[Article]) -> tuple[Article, ...]:
        return tuple([new.get(id(a), a) for a in articles])

    by_day = dict(by_day)
    for day in days:
        if day in by_day:
            by_day[day] = list(put(by_day[day]))
    return (by_day, put(undated) if undated else undated,
            tuple(TopicGroup(g.topic, put(g.articles)) if g.topic.slug in topic_slugs else g
                  for g in topic_groups),
            tuple(SourceGroup(g.source, put(g.articles)) if g.source.slug in source_slugs
                  else g for g in source_groups))

def known_day(days: dict[str, tuple[Any, Any, Any]], config: SiteConfig,
               article: Article) -> date:
    """local_day, kept for an article object (and zone) seen before."""
    was = days.get(article.path)
    if was is not None and was[0] is article and was[1] == config.zone:
        return was[2]
    day = local_day(article, config)
    days[article.path] = (article, config.zone, day)
    return day

def local_day(article: Article, config: SiteConfig) -> date:
    assert article.published is not None
    return article.published.astimezone(config.zone).date()

def sort_key(article: Article) -> tuple[float, str]:
    return article.sort_key

def bucket(items: Iterable[V], key: Callable[[V], K]) -> dict[K, list[V]]:
    buckets: dict[K, list[V]] = {}
    for item in items:
        k = key(item)
        if k in buckets:
            buckets[k].append(item)
        else:
            buckets[k] = [item]
    return buckets
