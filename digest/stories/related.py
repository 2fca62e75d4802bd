"""Pure: articles and their stories -> each article's related stories (up to five).

Candidates: the stories that share rare key terms with the article within a few days
(the pairs story clustering checked, or terms.term_pairs within PERIOD days), and the
stories nearest in time on the article's first two topics. They are ranked by the
weighted Jaccard of the key terms, the topics they share and how close in time they
are; the article's own story is never one of them. Every article of a story gets the story's list.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from ..model import Article, Story
from .cluster import Checked
from .duplicates import url_key as _url_key
from .terms import term_pairs, term_score, term_set, term_weights, weight_of

RELATED = 5
PERIOD = 7  # days: candidates share rare key terms within a week or two
NEAREST = 3  # stories nearest in time taken from each of an article's first two topics
DAY = 86400.0


def related(articles: Sequence[Article], stories: Mapping[str, Story],
            pairs: Iterable[tuple[int, int]] | None = None) -> dict[str, tuple[Article, ...]]:
    """Articles, {path: story} (as cluster gives) -> {path: leads of related stories}.

    `pairs`: cluster.candidates() for these articles (pairs of indexes into them), when
    the caller has them; else candidates within PERIOD days are looked up here.
    """
    leads = [a for a in articles if a.path not in stories or stories[a.path].lead is a]
    if isinstance(pairs, Checked) and len(pairs.terms) == len(articles):
        # the term sets clustering made of these very articles
        made = pairs.terms
        terms = [made[i] for i, a in enumerate(articles)
                 if a.path not in stories or stories[a.path].lead is a]
    else:
        shared: dict[str, str] = {}
        terms = [frozenset(term_set(a.fingerprint.terms, shared) if a.fingerprint else ())
                 for a in leads]
    weights = term_weights(terms)
    totals = [weight_of(t, weights) for t in terms]
    stamps = [a.published.timestamp() if a.published else None for a in leads]
    topics = [frozenset(t.slug for t in a.topics) for a in leads]
    # each lead's candidates, repeats and all: a list of ints is a quarter of a set's
    # memory, and each becomes a set only while its lead is ranked
    found: list[list[int]] = [[] for _ in leads]
    if pairs is None:
        lead_pairs: Iterable[tuple[int, int]] = term_pairs(terms, stamps, PERIOD * DAY)
    else:  # article indexes -> their stories' leads' indexes
        at = {a.path: i for i, a in enumerate(leads)}
        lead_of = [at[stories[a.path].lead.path] if a.path in stories else at[a.path]
                   for a in articles]
        lead_pairs = ((lead_of[i], lead_of[j]) for i, j in pairs if lead_of[i] != lead_of[j])
    for i, j in lead_pairs:
        found[i].append(j)
        found[j].append(i)
    nearest = _nearest(leads, stamps)
    paths = [a.path for a in leads]
    # Each pair is scored once, by whichever of its leads comes first, which keeps the
    # other lead's score in `back` until that lead's turn (pairs are a week apart, mostly,
    # so few wait at a time).
    back: list[dict[int, float] | None] = [None] * len(leads)
    out: dict[str, tuple[Article, ...]] = {}
    for i, a in enumerate(leads):
        partners = set(found[i])
        found[i] = []
        near = partners.union(nearest[i])
        near.discard(i)
        known = back[i] or {}
        back[i] = None
        ranked = []
        for j in near:
            if j in known:
                score = known[j]
            elif j < i:  # (i is not among j's candidates)
                score = _score(i, j, terms, weights, totals, topics, stamps)
            else:
                score, other = _scores(i, j, terms, weights, totals, topics, stamps)
                if j in partners or i in nearest[j]:
                    if back[j] is None:
                        back[j] = {}
                    back[j][i] = other  # type: ignore[index]
            ranked.append((-score, paths[j], j))
        nearest[i] = []
        ranked.sort()
        chosen = tuple(leads[j] for _, _, j in ranked[:RELATED])
        story = stories.get(a.path)
        for member in story.articles if story is not None else (a,):
            out[member.path] = chosen
    return out


def _nearest(leads: Sequence[Article], stamps: Sequence[float | None]) -> list[list[int]]:
    """Each lead's NEAREST stories before and after it in time on its first two topics
    (itself among them)."""
    by_topic: dict[str, list[tuple[float, int]]] = {}
    for i, a in enumerate(leads):
        for topic in a.topics[:2]:
            by_topic.setdefault(topic.slug, []).append(
                (stamps[i] if stamps[i] is not None else math.inf, i))
    nearest: list[list[int]] = [[] for _ in leads]
    for entries in by_topic.values():
        entries.sort()
        for at, (_, i) in enumerate(entries):
            nearest[i].extend(j for _, j in entries[max(0, at - NEAREST): at + NEAREST + 1])
    return nearest


def _scores(i: int, j: int, terms: Sequence[frozenset[str]], weights: dict[str, float],
            totals: Sequence[float], topics: Sequence[frozenset[str]],
            stamps: Sequence[float | None]) -> tuple[float, float]:
    """(_score(i, j, ...), _score(j, i, ...)), the one worked out once where it is
    provably the other: `a & b` and `b & a` walk the smaller set, so they make the same
    set in the same order and sum the same weights in the same order, unless the two
    sets are of one size (then each walks the other, and the sums may differ in the
    last bit: both are worked out)."""
    # (as _score adds them: text, then topics, then time)
    shared = 0.3 * (len(topics[i] & topics[j]) / max(1, len(topics[i] | topics[j])))
    si, sj = stamps[i], stamps[j]
    recency = 0.2 * math.exp(-abs(si - sj) / (30 * DAY)) if si is not None and sj is not None \
        else 0.0
    a, b = terms[i], terms[j]
    score = term_score(a, b, weights, totals[i], totals[j]) + shared + recency
    if len(a) != len(b):
        return score, score
    return score, term_score(b, a, weights, totals[j], totals[i]) + shared + recency


def _score(i: int, j: int, terms: Sequence[frozenset[str]], weights: dict[str, float],
           totals: Sequence[float], topics: Sequence[frozenset[str]],
           stamps: Sequence[float | None]) -> float:
    """Text similarity first, then shared topics, then closeness in time."""
    text = term_score(terms[i], terms[j], weights, totals[i], totals[j])
    shared = len(topics[i] & topics[j]) / max(1, len(topics[i] | topics[j]))
    si, sj = stamps[i], stamps[j]
    recency = math.exp(-abs(si - sj) / (30 * DAY)) if si is not None and sj is not None \
        else 0.0
    return text + 0.3 * shared + 0.2 * recency


@dataclass(frozen=True)
class Reading:
    """One entry of an article page's related reading."""

    title: str
    url: str  # a site path for a story on this site, else the absolute link
    here: bool
    source: str = ""
    published: datetime | None = None
    excerpt: str = ""


def reading_list(article: Article, leads: Sequence[Article],
                 coverage: Sequence[Article] = ()) -> list[Reading]:
    """An article, its related stories' leads and its story's other articles -> the
    related reading: those stories, then the front matter's `related` links that are not
    one of them (by original link or title) nor other coverage of this story."""
    out = [Reading(a.title, a.url, True, a.source.name if a.source else "", a.published)
           for a in leads]
    urls = {_url_key(a.original_url) for a in (*leads, *coverage, article) if a.original_url}
    titles = {a.title.casefold() for a in (*leads, *coverage, article)}
    for link in article.related:
        url, title = _url_key(link.url), link.title.casefold()
        if url in urls or title in titles:
            continue
        urls.add(url)
        titles.add(title)
        out.append(Reading(link.title, link.url, False, link.source, link.published,
                           link.excerpt))
    return out
