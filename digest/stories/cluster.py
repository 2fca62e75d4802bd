"""Pure: articles -> stories: the same event told by several sources, within a window.

Candidates come from MinHash LSH (datasketch), never from comparing every pair:
one index over the text's word 3-grams (near-duplicates, syndicated copies under
another headline) and one over the key terms (names, numbers, title words: what a
rewrite of the same report keeps). Each candidate pair is then checked exactly:

- both dated: within `window` days of each other, and either near-duplicate text
  (3-gram Jaccard >= NEAR_DUPLICATE, texts of MIN_WORDS at least) or enough key terms
  in common (MIN_SHARED_TERMS, and a weighted Jaccard of the term sets >= SAME_EVENT,
  the rarer terms counting more, see term_score);
- one undated: only a near-duplicate text joins (UNDATED_DUPLICATE).

Pairs join strongest first, and a story never spans more than `window` days, so a
chain of similar reports (a model release in April, another in July) is not one story.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from datasketch import MinHash, MinHashLSH

from ..model import Article, Story
from .fingerprint import from_bytes, index

NEAR_DUPLICATE = 0.5  # 3-gram Jaccard: a copy, however it is headlined
UNDATED_DUPLICATE = 0.7  # stricter when there is no date to agree on
SAME_EVENT = 0.3  # weighted Jaccard of the key terms
TERM_CANDIDATES = 0.2  # the term index's LSH threshold: generous, the check is exact
MIN_WORDS = 20  # a shorter text says too little to be anyone's copy
MIN_SHARED_TERMS = 4  # nor do fewer names and numbers in common make one event


@dataclass
class _Item:
    index: int
    article: Article
    shingles: MinHash | None
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
    items = [_item(i, a) for i, a in enumerate(articles)]
    window = timedelta(days=window_days).total_seconds()
    weights = term_weights([item.terms for item in items])
    for item in items:
        item.weight = weight_of(item.terms, weights)
    pairs = []
    for i, j in sorted(_candidates(items, window)):
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
    return stories


def _item(index: int, article: Article) -> _Item:
    print_ = article.fingerprint
    return _Item(index, article,
                 from_bytes(print_.shingles) if print_ and print_.shingles
                 and print_.words >= MIN_WORDS else None,
                 frozenset(print_.terms) if print_ else frozenset(),
                 article.published.timestamp() if article.published else None)


def _candidates(items: Sequence[_Item], window: float) -> set[tuple[int, int]]:
    """Pairs (i < j) that an LSH index puts in one bucket: the text's, over all articles,
    or the terms', over dated articles a window apart at most.

    The terms' index is one per `window` of time, each article in its own and the next
    (so two articles a window apart at most share one, where the later one looks):
    common names make many weak matches, and a pair further apart than the window is no
    story anyway, so the candidates grow with the site, not with its square.
    """
    near = index(NEAR_DUPLICATE)
    periods: dict[int, MinHashLSH] = {}
    sketches: dict[int, tuple[int, MinHash]] = {}
    with near.insertion_session() as session:
        for item in items:
            if item.shingles is not None:
                session.insert(item.index, item.shingles, check_duplication=False)
            fp = item.article.fingerprint
            if item.stamp is not None and fp is not None and fp.term_sketch:
                period = int(item.stamp // window)
                sketch = from_bytes(fp.term_sketch)
                sketches[item.index] = (period, sketch)
                for p in (period, period + 1):
                    if p not in periods:
                        periods[p] = index(TERM_CANDIDATES)
                    periods[p].insert(item.index, sketch, check_duplication=False)
    pairs: set[tuple[int, int]] = set()
    for item in items:
        found: list[int] = []
        if item.shingles is not None:
            found.extend(near.query(item.shingles))
        if item.index in sketches:
            period, sketch = sketches[item.index]
            found.extend(periods[period].query(sketch))
        i = item.index
        pairs.update((i, j) if i < j else (j, i) for j in found if j != i)
    return pairs


def term_weights(sets: Sequence[frozenset[str]]) -> dict[str, float]:
    """Term sets -> term -> its weight: log inverse document frequency (a name in every
    story of the site says little about which event one is)."""
    counts = Counter(term for terms in sets for term in terms)
    size = len(sets)
    return {term: math.log(1 + size / count) for term, count in counts.items()}


def term_score(a: frozenset[str], b: frozenset[str], weights: dict[str, float],
               total_a: float, total_b: float) -> float:
    """Weighted Jaccard of two term sets (`total_*`: each set's weight, see weight_of)."""
    if not a or not b:
        return 0.0
    shared = sum([weights[t] for t in a & b])
    union = total_a + total_b - shared
    return shared / union if union > 0 else 0.0


def weight_of(terms: frozenset[str], weights: dict[str, float]) -> float:
    return sum([weights[t] for t in terms])


def _pair_score(a: _Item, b: _Item, window: float, weights: dict[str, float]) -> float:
    """How surely two articles tell one event; 0 when they do not."""
    near = a.shingles.jaccard(b.shingles) if a.shingles is not None and \
        b.shingles is not None else 0.0
    if a.stamp is None or b.stamp is None:
        return near if near >= UNDATED_DUPLICATE else 0.0
    if abs(a.stamp - b.stamp) > window:
        return 0.0
    if near >= NEAR_DUPLICATE:
        return 1.0 + near
    if len(a.terms & b.terms) < MIN_SHARED_TERMS:
        return 0.0
    terms = term_score(a.terms, b.terms, weights, a.weight, b.weight)
    return terms if terms >= SAME_EVENT else 0.0


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
