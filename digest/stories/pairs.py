"""Pure: how surely two articles tell one event, and the MinHash helpers it needs.

Each candidate pair is checked exactly, with the MinHash Jaccard estimate of the texts'
word 3-grams:

- both dated: within `window` days of each other, and either near-duplicate text
  (3-gram Jaccard >= NEAR_DUPLICATE, or the shorter text's 3-grams CONTAINED in the
  longer's; texts of MIN_WORDS at least) or enough key terms in common
  (MIN_SHARED_TERMS, and a weighted Jaccard of the term sets >= SAME_EVENT, the rarer
  terms counting more, see terms.term_score);
- one undated: only a near-duplicate text joins (UNDATED_DUPLICATE).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from ..model import Article
from .fingerprint import MAX_WORDS, NUM_PERM
from .terms import term_score, term_set

NEAR_DUPLICATE = 0.5  # 3-gram Jaccard: a copy, however it is headlined
UNDATED_DUPLICATE = 0.7  # stricter when there is no date to agree on
SAME_EVENT = 0.3  # weighted Jaccard of the key terms
MIN_WORDS = 20  # a shorter text says too little to be anyone's copy
MIN_SHARED_TERMS = 4  # nor do fewer names and numbers in common make one event
CONTAINED = 0.8  # of the shorter text's 3-grams in the longer: a brief cut from a report
# The bands and rows datasketch's MinHashLSH chooses for NEAR_DUPLICATE and NUM_PERM
# (tests/stories/test_fingerprint.py checks it still does): choosing them integrates,
# and importing its LSH imports scipy, which a rebuild that needs no index is spared.
NEAR_BANDS = (14, 4)


@dataclass(eq=False)  # (hashed by identity: one an article)
class Item:
    """One article as clustering sees it."""

    index: int
    article: Article
    signature: bytes  # of the 3-grams; b'' for a text too short to compare
    terms: frozenset[str]
    stamp: float | None  # seconds since the epoch; None: undated
    text: bytes = b""  # a hash of the signature (b'' with none): has the text changed?


def item(index: int, article: Article, shared: dict[str, str]) -> Item:
    print_ = article.fingerprint
    signature = print_.shingles if print_ and print_.words >= MIN_WORDS else b""
    return Item(index, article, signature,
                frozenset(term_set(print_.terms, shared) if print_ else ()),
                article.published.timestamp() if article.published else None,
                hashlib.blake2b(signature, digest_size=16).digest() if signature else b"")


def pair_score(a: Item, b: Item, window: float, weights: dict[str, float],
               total_a: float, total_b: float) -> float:
    """How surely two articles tell one event; 0 when they do not (`weights`: of the
    key terms, `total_*`: each one's terms' weight, terms.weight_of)."""
    near = jaccard(a.signature, b.signature)
    if a.stamp is None or b.stamp is None:
        return near if near >= UNDATED_DUPLICATE else 0.0
    if abs(a.stamp - b.stamp) > window:
        return 0.0
    if near >= NEAR_DUPLICATE or _contained(near, a, b) >= CONTAINED:
        return 1.0 + near
    if len(a.terms & b.terms) < MIN_SHARED_TERMS:
        return 0.0
    terms = term_score(a.terms, b.terms, weights, total_a, total_b)
    return terms if terms >= SAME_EVENT else 0.0


def jaccard(a: bytes, b: bytes) -> float:
    """Two signatures -> the MinHash estimate of their sets' Jaccard (the share of equal
    values, as datasketch's MinHash.jaccard, without making MinHash objects)."""
    if not a or not b:
        return 0.0
    return float(np.count_nonzero(np.frombuffer(a, np.uint32) == np.frombuffer(b, np.uint32))
                 ) / (len(a) // 4)


def _contained(near: float, a: Item, b: Item) -> float:
    """The share of the shorter text's 3-grams in the longer's, from their Jaccard: a
    brief that is the start of a longer report is a copy of it."""
    if near <= 0:
        return 0.0
    size_a, size_b = _shingle_count(a), _shingle_count(b)
    shared = near / (1 + near) * (size_a + size_b)
    return shared / max(1, min(size_a, size_b))


def _shingle_count(it: Item) -> int:
    words = it.article.fingerprint.words if it.article.fingerprint else 0
    return max(1, min(words, MAX_WORDS) - 2)


@lru_cache(maxsize=8)
def bands(threshold: float) -> tuple[int, int]:
    """An LSH threshold -> (bands, rows) as datasketch chooses them (it integrates to
    choose: milliseconds an index, so once a process)."""
    from datasketch import MinHashLSH
    made = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    return made.b, made.r


def index(threshold: float) -> Any:
    """An empty datasketch MinHashLSH for these signatures, for Jaccard >= threshold.

    (Imported here, when a site has undated articles: datasketch imports scipy.)"""
    from datasketch import MinHashLSH
    params = NEAR_BANDS if threshold == NEAR_DUPLICATE else bands(threshold)
    return MinHashLSH(threshold=threshold, num_perm=NUM_PERM, params=params)


def lean(data: bytes) -> Any:
    """A signature -> a datasketch LeanMinHash of it, for the LSH index (a lean one: a
    full MinHash parses its permutations, 50 µs each)."""
    from datasketch import LeanMinHash
    return LeanMinHash(seed=1, hashvalues=np.frombuffer(data, dtype=np.uint32),
                       scheme="affine32")


def band_candidates(inserted: Sequence[bytes], queried: Sequence[bytes],
                    ) -> list[tuple[int, int]]:
    """(position in `queried`, position in `inserted`) for every two signatures that share
    a band: the candidates datasketch's LSH index (NEAR_BANDS) of `inserted` gives each of
    `queried`, without building it (and importing scipy, 0.46 s): the undated pairs of a
    cold build at 10,000 (1,906 undated) took 0.69-0.98 s of CPU, now 0.12-0.14 s with
    their scores. A band's bucket is its values: the same bytes."""
    b, r = NEAR_BANDS
    cuts = [(band * 4 * r, (band + 1) * 4 * r) for band in range(b)]
    tables: list[dict[bytes, list[int]]] = [{} for _ in cuts]
    for k, signature in enumerate(inserted):
        for (start, end), table in zip(cuts, tables, strict=True):
            table.setdefault(signature[start:end], []).append(k)
    found = []
    for q, signature in enumerate(queried):
        mates: set[int] = set()
        for (start, end), table in zip(cuts, tables, strict=True):
            mates.update(table.get(signature[start:end], ()))
        found.extend((q, k) for k in mates)
    return found


def band_mates(one: bytes, others: Sequence[bytes]) -> list[int]:
    """The indexes of the signatures that share a band with `one`: the pairs the LSH
    index (NEAR_BANDS) would put in one bucket, found for a few changed articles
    without building the index (a band's bucket is the band's values, byte-swapped)."""
    if not others:
        return []
    b, r = NEAR_BANDS
    table = np.frombuffer(b"".join(others), np.uint32).reshape(len(others), -1)[:, :b * r]
    mine = np.frombuffer(one, np.uint32)[:b * r].reshape(b, r)
    same = (table.reshape(len(others), b, r) == mine).all(axis=2).any(axis=1)
    return [int(i) for i in np.flatnonzero(same)]
