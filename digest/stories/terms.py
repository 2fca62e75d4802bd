"""Pure: key-term sets -> weights, weighted Jaccard, and candidate pairs near in time.

Candidates come from an inverted index of (term, period of time): two articles are a
candidate pair when they share MIN_SHARED terms in periods next to each other. A term
that many articles of those periods have (CAP) is left out of the index, as is a term
of more than one in COMMON of all articles: it tells no event from another, and it
would make the pairs grow with the square of the site.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

CAP = 50  # articles a term may be in within one period and still be looked up: a big
# event told by dozens of outlets in a few days keeps its own terms usable
COMMON = 20  # a term in more than 1/COMMON of all articles is not looked up
MIN_SHARED = 2
CONCENTRATED = 2  # periods: a common term in no more is one event's


def term_set(terms: str, shared: dict[str, str]) -> list[str]:
    """A Fingerprint's terms -> the terms, each the one string `shared` keeps for it."""
    return [shared.setdefault(t, t) for t in terms.split()]


def term_weights(sets: Sequence[frozenset[str]]) -> dict[str, float]:
    """Term sets -> term -> its weight: log inverse document frequency (a name in every
    story of the site says little about which event one is)."""
    counts = Counter(term for terms in sets for term in terms)
    size = len(sets)
    return {term: math.log(1 + size / count) for term, count in counts.items()}


def weight_of(terms: frozenset[str], weights: dict[str, float]) -> float:
    return sum([weights[t] for t in terms])


def term_score(a: frozenset[str], b: frozenset[str], weights: dict[str, float],
               total_a: float, total_b: float) -> float:
    """Weighted Jaccard of two term sets (`total_*`: each set's weight, see weight_of)."""
    if not a or not b:
        return 0.0
    shared = sum([weights[t] for t in a & b])
    union = total_a + total_b - shared
    return shared / union if union > 0 else 0.0


def term_pairs(sets: Sequence[frozenset[str]], stamps: Sequence[float | None],
               period: float, floor: int = CAP) -> set[tuple[int, int]]:
    """Term sets and times (None: undated, left out) -> pairs (i < j) sharing MIN_SHARED
    looked-up terms, at most two periods apart; so any pair `period` apart or less.
    A term of more than 1/COMMON of the sets, and more than `floor`, is not looked up,
    unless it is in at most CONCENTRATED periods: one event's names, told by many."""
    counts = Counter(term for terms in sets for term in terms)
    common = max(floor, len(sets) // COMMON)
    periods = [int(stamp // period) if stamp is not None else None for stamp in stamps]
    # (a term of one article pairs it with none)
    wanted = [[t for t in terms if counts[t] > 1] if p is not None else []
              for terms, p in zip(sets, periods, strict=True)]
    spread = Counter(t for t, _ in {(t, p) for terms, p in zip(wanted, periods, strict=True)
                                    for t in terms if counts[t] > common})
    # period -> term -> articles (one dict a period: no tuple key for every posting)
    postings: dict[int, dict[str, list[int]]] = {}
    looked_up: list[list[str]] = []
    for i, (terms, p) in enumerate(zip(wanted, periods, strict=True)):
        kept = [t for t in terms if counts[t] <= common or spread[t] <= CONCENTRATED]
        looked_up.append(kept)
        if p is None:
            continue
        own = postings.setdefault(p, {})
        for term in kept:
            own.setdefault(term, []).append(i)
    pairs: set[tuple[int, int]] = set()
    for i, p in enumerate(periods):
        if p is None:
            continue
        hits: list[int] = []  # (counted once, at the end: a Counter.update a term cost
        for near in (postings[p], postings.get(p - 1)):  # a third of the time)
            if near is None:
                continue
            for term in looked_up[i]:
                found = near.get(term)
                if found is not None and len(found) <= CAP:
                    hits += found
        if len(hits) >= MIN_SHARED:
            pairs.update((j, i) if j < i else (i, j) for j, n in Counter(hits).items()
                         if n >= MIN_SHARED and j != i and (periods[j] != p or j < i))
    return pairs
