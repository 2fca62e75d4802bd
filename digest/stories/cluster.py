"""Pure: articles -> stories: the same event told by several sources, within a window.

Candidates never come from comparing every pair: an inverted index of the rarer key
terms (names, numbers, title words: what a rewrite of the same report keeps, and a
copy keeps them all) finds dated articles a window apart at most that share some
(terms.py), and MinHash LSH (datasketch) over the texts' word 3-grams finds the
near-duplicates of undated articles, which no time narrows down. Each candidate pair
is then checked exactly (pairs.py); blocks.py does both in parts an edit leaves alone.

Pairs join strongest first, and a story never spans more than `window` days, so a
chain of similar reports (a model release in April, another in July) is not one story.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta

from ..model import Article, Story
from .blocks import Found, StoryMemo, block_pairs, items_of, near_pairs
from .pairs import Item


def lead_order(article: Article) -> tuple[int, float, float, str]:
    """The lead of a story sorts first: highest `quality` (front matter) where present,
    else the earliest date, else the file path."""
    quality = quality_of(article)
    stamp = article.published.timestamp() if article.published else math.inf
    return (0 if quality is not None else 1, -(quality or 0.0), stamp, article.path)


def quality_of(article: Article) -> float | None:
    value = article.meta.get("quality")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def cluster(articles: Sequence[Article], window_days: int) -> dict[str, Story]:
    """Articles (slugs assigned) -> {path: its story}, for the articles in a story of two
    or more; every other article is a story of its own (Digest.story)."""
    return cluster_pairs(articles, window_days)[0]


def cluster_pairs(articles: Sequence[Article], window_days: int,
                  memo: StoryMemo | None = None,
                  ) -> tuple[dict[str, Story], Checked]:
    """What cluster() gives, and the candidate pairs of article indexes (i < j) it
    checked: related reading ranks among them too. `memo`: what the last clustering
    found (blocks.StoryMemo), updated with what this one found."""
    memo = memo if memo is not None else StoryMemo()
    items = items_of(articles, memo)
    at = {a.path: i for i, a in enumerate(articles)}
    window = timedelta(days=window_days).total_seconds()
    founds = (*block_pairs(items, window, memo), near_pairs(items, memo))
    return stories_of(items, at, founds, window), Checked(founds, at, [it.terms for it in items])


def stories_of(items: Sequence[Item], at: dict[str, int], founds: Sequence[Found],
               window: float) -> dict[str, Story]:
    """Items, {path: index} and what the blocks found -> {path: its story}, for the
    articles in a story of two or more."""
    pairs = []
    for found in founds:
        for score, a, b in found.scored:
            i, j = at[a], at[b]
            pairs.append((-score, *((i, j) if i < j else (j, i))))
    pairs.sort()
    groups = _join(items, pairs, window)
    stories: dict[str, Story] = {}
    for members in groups:
        if len(members) < 2:
            continue
        ordered = tuple(sorted((items[m].article for m in members), key=lead_order))
        story = Story(ordered[0].slug, ordered)
        for article in ordered:
            stories[article.path] = story
    return stories


@dataclass(frozen=True)
class Checked:
    """The candidate pairs a clustering checked, as pairs of article indexes (i < j),
    read from what each block found rather than copied into a set of their own (a
    million pairs at 100,000 articles: a hundred megabytes)."""

    found: tuple[Found, ...]
    at: dict[str, int]  # article path -> its index
    terms: list[frozenset[str]]  # each article's key terms (related reading reads them too)

    def __iter__(self) -> Iterator[tuple[int, int]]:
        at = self.at
        for found in self.found:
            for a, b in found.checked:
                i, j = at[a], at[b]
                yield (i, j) if i < j else (j, i)


def _join(items: Sequence[Item], pairs: list[tuple[float, int, int]],
          window: float) -> list[list[int]]:
    """Scored pairs, strongest first -> groups of indexes (union-find), keeping every
    dated group within `window` seconds from its earliest to its latest article."""
    parent = list(range(len(items)))
    span: list[tuple[float, float] | None] = [
        (it.stamp, it.stamp) if it.stamp is not None else None for it in items]

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for _, i, j in pairs:
        ri, rj = root(i), root(j)
        if ri == rj:
            continue
        si, sj = span[ri], span[rj]
        if si is not None and sj is not None:
            low, high = min(si[0], sj[0]), max(si[1], sj[1])
            if high - low > window:
                continue
            merged: tuple[float, float] | None = (low, high)
        else:
            merged = si or sj
        parent[max(ri, rj)] = min(ri, rj)
        span[min(ri, rj)] = merged
    groups: dict[int, list[int]] = {}
    for i in range(len(items)):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())
