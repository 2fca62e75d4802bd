"""Pure: articles -> stories: the same event told by several sources, within a window.

Candidates never come from comparing every pair: an inverted index of the rarer key
terms (names, numbers, title words: what a rewrite of the same report keeps, and a
copy keeps them all) finds dated articles a window apart at most that share some
(terms.py), and MinHash LSH (datasketch) over the texts' word 3-grams finds the
near-duplicates of undated articles, which no time narrows down. Each candidate pair
is then checked exactly, with the MinHash Jaccard estimate of the 3-grams:

- both dated: within `window` days of each other, and either near-duplicate text
  (3-gram Jaccard >= NEAR_DUPLICATE, or the shorter text's 3-grams CONTAINED in the
  longer's; texts of MIN_WORDS at least) or enough key terms
  in common (MIN_SHARED_TERMS, and a weighted Jaccard of the term sets >= SAME_EVENT,
  the rarer terms counting more, see term_score);
- one undated: only a near-duplicate text joins (UNDATED_DUPLICATE).

Pairs join strongest first, and a story never spans more than `window` days, so a
chain of similar reports (a model release in April, another in July) is not one story.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import Any

import numpy as np

from ..model import Article, Story
from .fingerprint import MAX_WORDS, NUM_PERM
from .terms import term_pairs, term_score, term_set, term_weights, weight_of

NEAR_DUPLICATE = 0.5  # 3-gram Jaccard: a copy, however it is headlined
UNDATED_DUPLICATE = 0.7  # stricter when there is no date to agree on
SAME_EVENT = 0.3  # weighted Jaccard of the key terms
MIN_WORDS = 20  # a shorter text says too little to be anyone's copy
MIN_SHARED_TERMS = 4  # nor do fewer names and numbers in common make one event
CONTAINED = 0.8  # of the shorter text's 3-grams in the longer: a brief cut from a report


@dataclass
class _Item:
    index: int
    article: Article
    signature: bytes  # of the 3-grams; b'' for a text too short to compare
    terms: frozenset[str]
    stamp: float | None  # seconds since the epoch; None: undated
    weight: float = 0.0  # of its terms (weight_of)


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
                  ) -> tuple[dict[str, Story], set[tuple[int, int]]]:
    """What cluster() gives, and the candidate pairs of article indexes (i < j) it
    checked: related reading ranks among them too."""
    shared: dict[str, str] = {}  # one string object a term, not one an article
    items = [_item(i, a, shared) for i, a in enumerate(articles)]
    window = timedelta(days=window_days).total_seconds()
    weights = term_weights([item.terms for item in items])
    for item in items:
        item.weight = weight_of(item.terms, weights)
    pairs_to_check = _candidates(items, window)
    pairs = []
    for i, j in sorted(pairs_to_check):
        score = _pair_score(items[i], items[j], window, weights)
        if score > 0:
            pairs.append((-score, i, j))
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
    return stories, pairs_to_check


def _item(index: int, article: Article, shared: dict[str, str]) -> _Item:
    print_ = article.fingerprint
    return _Item(index, article,
                 print_.shingles if print_ and print_.words >= MIN_WORDS else b"",
                 frozenset(term_set(print_.terms, shared) if print_ else ()),
                 article.published.timestamp() if article.published else None)


def _candidates(items: Sequence[_Item], window: float) -> set[tuple[int, int]]:
    """Pairs (i < j): dated ones a window apart or less that share rare key terms
    (terms.term_pairs: a copy shares them all), and those with an undated article that
    the text's LSH index puts in one bucket (no time to narrow them down by)."""
    pairs = term_pairs([item.terms for item in items], [item.stamp for item in items],
                       window)
    undated = [item for item in items if item.stamp is None and item.signature]
    if not undated:
        return pairs
    near = index(NEAR_DUPLICATE)
    with near.insertion_session() as session:
        for item in undated:
            session.insert(item.index, lean(item.signature), check_duplication=False)
    for item in items:
        if item.signature:
            i = item.index
            pairs.update((i, j) if i < j else (j, i) for j in near.query(lean(item.signature))
                         if j != i)
    return pairs


def _pair_score(a: _Item, b: _Item, window: float, weights: dict[str, float]) -> float:
    """How surely two articles tell one event; 0 when they do not."""
    near = _jaccard(a.signature, b.signature)
    if a.stamp is None or b.stamp is None:
        return near if near >= UNDATED_DUPLICATE else 0.0
    if abs(a.stamp - b.stamp) > window:
        return 0.0
    if near >= NEAR_DUPLICATE or _contained(near, a, b) >= CONTAINED:
        return 1.0 + near
    if len(a.terms & b.terms) < MIN_SHARED_TERMS:
        return 0.0
    terms = term_score(a.terms, b.terms, weights, a.weight, b.weight)
    return terms if terms >= SAME_EVENT else 0.0


@lru_cache(maxsize=8)
def _bands(threshold: float) -> tuple[int, int]:
    """An LSH threshold -> (bands, rows) as datasketch chooses them (it integrates to
    choose: milliseconds an index, so once a process)."""
    from datasketch import MinHashLSH
    made = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    return made.b, made.r


def index(threshold: float) -> Any:
    """An empty datasketch MinHashLSH for these signatures, for Jaccard >= threshold.

    (Imported here, when a site has undated articles: datasketch imports scipy.)"""
    from datasketch import MinHashLSH
    return MinHashLSH(threshold=threshold, num_perm=NUM_PERM, params=_bands(threshold))


def lean(data: bytes) -> Any:
    """A signature -> a datasketch LeanMinHash of it, for the LSH index (a lean one: a
    full MinHash parses its permutations, 50 µs each)."""
    from datasketch import LeanMinHash
    return LeanMinHash(seed=1, hashvalues=np.frombuffer(data, dtype=np.uint32),
                       scheme="affine32")


def _jaccard(a: bytes, b: bytes) -> float:
    """Two signatures -> the MinHash estimate of their sets' Jaccard (the share of equal
    values, as datasketch's MinHash.jaccard, without making MinHash objects)."""
    if not a or not b:
        return 0.0
    return float(np.count_nonzero(np.frombuffer(a, np.uint32) == np.frombuffer(b, np.uint32))
                 ) / (len(a) // 4)


def _contained(near: float, a: _Item, b: _Item) -> float:
    """The share of the shorter text's 3-grams in the longer's, from their Jaccard: a
    brief that is the start of a longer report is a copy of it."""
    if near <= 0:
        return 0.0
    size_a, size_b = _shingle_count(a), _shingle_count(b)
    shared = near / (1 + near) * (size_a + size_b)
    return shared / max(1, min(size_a, size_b))


def _shingle_count(item: _Item) -> int:
    words = item.article.fingerprint.words if item.article.fingerprint else 0
    return max(1, min(words, MAX_WORDS) - 2)


def _join(items: Sequence[_Item], pairs: list[tuple[float, int, int]],
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
