"""Pure: articles -> Digest (by day, month, year, topic and source), rebuilt every build."""

from __future__ import annotations

import operator
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from ..config import SiteConfig
from ..passes import Edit, Last, Passes, changed_at, positions
from ..model import Article, Day, Digest, Month, Source, Topic, Year
from ..read.slugs import slugify
from ..stories.blocks import StoryMemo
from ..stories.cluster import cluster_pairs
from ..stories.cluster_memo import cluster_kept
from ..stories.related import related
from ..stories.related_memo import RelatedMemo, related_kept
from .shown import bucket, shown, shown_kept, sort_key


def group(articles: Iterable[Article], config: SiteConfig,
          memo: StoryMemo | None = None, reading: RelatedMemo | None = None,
          passes: Passes | None = None) -> Digest:
    """Articles -> Digest with canonical topics and sources, newest first. `memo`: what
    the last build's story clustering found (updated: see stories.blocks); `reading`:
    its related reading (stories.related_memo), kept by the live preview; `passes`: the
    last canonical topics and sources (passes.py)."""
    articles = _canonical_sources(
        _canonical_topics(list(articles), config, passes.topics if passes else None),
        passes.sources if passes else None)
    before = passes.order.kept[0] if passes is not None and passes.order.kept else ()
    ordered, neighbours, places = _order(articles, passes.order if passes else None)
    stories, pairs = cluster_pairs(ordered, config.story_window_days, memo) \
        if passes is None or memo is None \
        else cluster_kept(ordered, config.story_window_days, memo, passes.clusters)
    # After a small edit, the stories can be the last build's with the new objects (at
    # `places`) put in: then the lists and related reading put them into their last run.
    same = passes is not None and memo is not None and places is not None \
        and passes.clusters.same and passes.clusters.base is before
    kept = shown_kept(before, ordered, places, stories, config, passes) \
        if same and passes is not None and places is not None else None
    by_day, undated, topic_groups, source_groups = \
        kept or shown(ordered, stories, config, passes)
    if passes is not None:
        passes.shown.inputs = ordered
        passes.shown.kept = (config.zone, by_day, undated, topic_groups, source_groups)
    days = _known_days(by_day, passes) if passes is not None else \
        tuple(_day(day, arts) for day, arts in sorted(by_day.items(), reverse=True))
    by_month = bucket(days, lambda d: (d.day.year, d.day.month))
    months = [Month(y, m, tuple(ds)) for (y, m), ds in sorted(by_month.items(), reverse=True)]
    by_year = bucket(months, lambda m: m.year)
    years = tuple(Year(y, tuple(ms)) for y, ms in sorted(by_year.items(), reverse=True))
    edit = (before, places) if same and places is not None else None
    reading_of = related(ordered, stories, pairs) if reading is None \
        else related_kept(ordered, stories, pairs, reading, edit)
    if passes is not None:  # (what the article pages need to know of it)
        passes.edit = Edit(before, edit[1], reading.touched) if edit is not None \
            and reading is not None and reading.touched is not None else None
    return Digest(
        articles=ordered,
        days=days,
        years=years,
        undated=undated,
        topics=topic_groups,
        sources=source_groups,
        neighbours=neighbours,
        stories=stories,
        related=reading_of,
    )


def _order(articles: list[Article], last: Last | None,
           ) -> tuple[tuple[Article, ...], dict[str, tuple[Article | None, Article | None]],
                      list[int] | None]:
    """Articles -> them newest first, {path: (the one before, the one after)}, and the
    places in that order of the articles that changed; from `last` (passes.py) when the
    articles that changed did not move (else the places are None)."""
    if (at := changed_at(articles, last, sort_key)) is not None:
        assert last is not None
        done, where, neighbours = last.kept
        out = list(done)
        for i in at:
            out[where[i]] = articles[i]
        ordered = tuple(out)
        neighbours = dict(neighbours)
        for i in at:
            for j in range(max(0, where[i] - 1), min(len(out), where[i] + 2)):
                neighbours[out[j].path] = _around(ordered, j)
        places: list[int] | None = sorted(where[i] for i in at)
    else:
        places = None
        order = sorted(range(len(articles)), key=lambda i: articles[i].sort_key)
        ordered = tuple(articles[i] for i in order)
        neighbours = {a.path: _around(ordered, i) for i, a in enumerate(ordered)}
        where = positions(order) if last is not None else []
    if last is not None:
        last.inputs, last.kept = articles, (ordered, where, neighbours)
    return ordered, neighbours, places


def _around(ordered: tuple[Article, ...], i: int) -> tuple[Article | None, Article | None]:
    return (ordered[i - 1] if i > 0 else None,
            ordered[i + 1] if i + 1 < len(ordered) else None)


def _day(day: date, articles: list[Article]) -> Day:
    """One day's articles grouped by primary topic: biggest group first, then by name."""
    by_topic: dict[str, tuple[Topic, list[Article]]] = {}
    for article in articles:
        topic = article.topics[0] if article.topics else _NO_TOPIC
        by_topic.setdefault(topic.slug, (topic, []))[1].append(article)
    groups = sorted(by_topic.values(), key=lambda ta: (-len(ta[1]), ta[0].name.casefold()))
    return Day(day, tuple((topic, tuple(arts)) for topic, arts in groups))


def _known_days(by_day: dict[date, list[Article]], passes: Passes) -> tuple[Day, ...]:
    """What _day makes of each day, the last build's Day where its articles are the same
    objects (most days, after an edit)."""
    made = {}
    out = []
    for day, arts in sorted(by_day.items(), reverse=True):
        was = passes.editions.get(day)
        if was is None or len(was[0]) != len(arts) or not all(map(operator.is_, was[0], arts)):
            was = (arts, _day(day, arts))
        made[day] = was
        out.append(was[1])
    passes.editions = made
    return tuple(out)


_NO_TOPIC = Topic("", "")  # (no canonical topic has an empty slug)


def _canonical_topics(articles: list[Article], config: SiteConfig, last: Last | None = None
                      ) -> list[Article]:
    """'AI', 'ai' and ' Ai ' become one topic named by config's alias or the commonest spelling.

    A site has few topics named many times over, so the work is done once per name, and
    every article then takes the one Topic object of each of its topics.
    """
    if (at := changed_at(articles, last, _topic_view)) is not None and \
            last is not None and last.kept[0] == config.topic_aliases:
        out, topic_of = list(last.kept[1]), last.kept[2]
        for i in at:
            out[i] = _with_topics(articles[i], topic_of)
        last.inputs, last.kept = articles, (config.topic_aliases, out, topic_of)
        return out
    counts = Counter([topic.name for article in articles for topic in article.topics])
    spelt = {}
    for name in counts:
        tidy = " ".join(name.split())
        spelt[name] = config.topic_aliases.get(tidy.casefold(), tidy)
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for name, count in counts.items():
        spellings[spelt[name].casefold()][spelt[name]] += count
    canonical = _unique_slugs(
        {k: min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] for k, c in spellings.items()})
    made = {key: Topic(name, slug) for key, (name, slug) in canonical.items()}
    topic_of = {name: made[spelt[name].casefold()] for name in counts}
    out = [_with_topics(article, topic_of) for article in articles]
    if last is not None:
        last.inputs, last.kept = articles, (config.topic_aliases, out, topic_of)
    return out


def _topic_view(article: Article) -> tuple[tuple[str, str], ...]:
    return tuple((topic.name, topic.slug) for topic in article.topics)


def _with_topics(article: Article, topic_of: dict[str, Topic]) -> Article:
    """An article with its canonical topics (`topic_of`: name -> its canonical topic)."""
    topics = article.topics
    for topic in topics:  # most articles name their topics as the site does
        fixed = topic_of[topic.name]
        if fixed.slug != topic.slug or fixed.name != topic.name:
            break
    else:
        if len(topics) < 2 or len({topic.slug for topic in topics}) == len(topics):
            return article
    # one object per canonical topic: the same object is the same slug
    unique = {id(t): t for t in (topic_of[topic.name] for topic in topics)}
    return replace(article, topics=tuple(unique.values()))


def _canonical_sources(articles: list[Article], last: Last | None = None) -> list[Article]:
    """One Source per outlet: sources sharing a name (case-insensitively) or a domain are
    one, named as most files name it, with the domain most files give."""
    if (at := changed_at(articles, last, _source_view)) is not None:
        assert last is not None
        out, source_of = list(last.kept[0]), last.kept[1]
        for i in at:
            out[i] = _with_source(articles[i], source_of)
        last.inputs, last.kept = articles, (out, source_of)
        return out
    counts = Counter([(s.name, s.domain) for a in articles if (s := a.source) is not None])
    outlets = _outlets(counts)
    names: dict[str, Counter[str]] = defaultdict(Counter)
    domains: dict[str, Counter[str]] = defaultdict(Counter)
    for (name, domain), count in counts.items():
        outlet = outlets[name.casefold()]
        if domain:
            domains[outlet][domain] += count
        names[outlet][name] += count
    chosen: dict[str, tuple[str, str]] = {}
    for outlet, spellings in names.items():
        domain = _most(domains[outlet]) if domains[outlet] else ""
        # a name that is only the domain ('theverge.com') gives way to a real one
        real = Counter({n: c for n, c in spellings.items()
                        if n.casefold() not in {d.casefold() for d in domains[outlet]}})
        name = _most(real or spellings)
        chosen[outlet] = (name, domain)
    # keyed as before (domain, else name) so the slugs of unmerged sources do not move
    keys = {outlet: domain or name.casefold() for outlet, (name, domain) in chosen.items()}
    canonical = _unique_slugs({keys[o]: name for o, (name, _) in chosen.items()})
    made = {o: Source(canonical[keys[o]][0], d, canonical[keys[o]][1])
            for o, (_, d) in chosen.items()}
    source_of = {name: made[outlet] for name, outlet in outlets.items()}
    out = [_with_source(article, source_of) for article in articles]
    if last is not None:
        last.inputs, last.kept = articles, (out, source_of)
    return out


def _source_view(article: Article) -> Source | None:
    return article.source


def _with_source(article: Article, source_of: dict[str, Source]) -> Article:
    """An article with its canonical source (`source_of`: casefolded name -> it)."""
    source = article.source
    if source is not None:
        fixed = source_of[source.name.casefold()]
        if fixed != source:
            return replace(article, source=fixed)
    return article


def _outlets(counts: Counter[tuple[str, str]]) -> dict[str, str]:
    """(name, domain) pairs -> casefolded name -> one key per outlet, joining names that
    share a domain (union-find)."""
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for name, domain in sorted(counts):
        a = root("n:" + name.casefold())
        if domain:
            b = root("d:" + domain)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {name.casefold(): root("n:" + name.casefold()) for name, _ in counts}


def _most(counter: Counter[str]) -> str:
    """The most common value; on a tie the first in sort order."""
    return min(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def _unique_slugs(names: dict[str, str]) -> dict[str, tuple[str, str]]:
    """key -> display name  =>  key -> (display name, slug unique among them)."""
    taken: set[str] = set()
    out: dict[str, tuple[str, str]] = {}
    for key in sorted(names):
        base = slugify(names[key])
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        out[key] = (names[key], slug)
    return out
