"""Pure: candidate pairs and their scores, worked out in parts an edit leaves alone.

- Dated articles fall in blocks of BLOCK_DAYS. A block reads its own articles and those
  of the next `window` (the later halves of pairs that cross into the next block), and
  owns the pairs whose earlier article is its own. Its key terms are weighed by their
  rarity among the articles it reads, not in the whole site, so what it finds depends
  on those articles only: StoryMemo keeps its pairs under the key of what it read, and a
  rebuild scores again only the blocks an edit touched.
- Pairs with an undated article come from the texts' LSH buckets (those of datasketch's
  index, NEAR_BANDS): on a cold build, every text's bands are looked up in a table of
  the undated ones' (pairs.band_candidates); after a few changes, the changed articles'
  buckets are looked up directly (pairs.band_mates) and the other pairs are kept.
"""

from __future__ import annotations

import hashlib
import operator
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..model import Article
from .pairs import Item, band_candidates, band_mates, item, pair_score
from .terms import term_pairs, term_weights, weight_of

BLOCK_DAYS = 28
FLOOR = 20  # a term in more of a block's articles (and 1/20 of them) is not looked up,
# unless they are one event's (terms.CONCENTRATED)
FEW = 64  # changed articles looked up one by one; more, and the index is built again

Pair = tuple[str, str]  # paths, in the site's order
Scored = tuple[float, str, str]


@dataclass(frozen=True)
class Found:
    """What one block (or the undated part) found: every pair it checked, and those
    that scored (score > 0)."""

    checked: tuple[Pair, ...]
    scored: tuple[Scored, ...]


@dataclass
class StoryMemo:
    """What the last clustering found, for the next (the build cache keeps it)."""

    blocks: dict[str, Found] = field(default_factory=dict)  # block key -> its pairs
    # path -> (hash of its signature, undated)
    texts: dict[str, tuple[bytes, bool]] = field(default_factory=dict)
    near: Found | None = None  # the pairs with an undated article
    changed: bool = False  # since it was made or read: worth storing again
    # This process's last items (path -> item) and blocks (block -> (its articles, its
    # key)): an article object seen last time needs neither its item nor its part of the
    # block's key worked out again. Never stored: objects are this process's.
    items: dict[str, Item] = field(default_factory=dict, repr=False)
    contexts: dict[tuple[int, float, float], tuple[list[Article], str]] = field(
        default_factory=dict, repr=False)

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "items": {}, "contexts": {}}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update({"items": {}, "contexts": {}, **state})


def items_of(articles: Sequence[Article], memo: StoryMemo) -> list[Item]:
    """Articles -> their items (pairs.item), the last build's where the article object is
    the one it saw."""
    shared: dict[str, str] = {}  # one string object a term, not one an article
    last = memo.items
    items = []
    for i, a in enumerate(articles):
        was = last.get(a.path)
        if was is None or was.article is not a:
            items.append(item(i, a, shared))
        elif was.index == i:
            items.append(was)
        else:
            items.append(Item(i, a, was.signature, was.terms, was.stamp, was.text))
    memo.items = {it.article.path: it for it in items}
    return items


def block_pairs(items: Sequence[Item], window: float, memo: StoryMemo) -> list[Found]:
    """Dated items -> what each block found, from the memo where it read the same."""
    size = BLOCK_DAYS * 86400.0
    dated = sorted((it for it in items if it.stamp is not None),
                   key=lambda it: (it.stamp, it.article.path))
    blocks: dict[int, list[Item]] = {}
    for it in dated:
        assert it.stamp is not None
        block = int(it.stamp // size)
        blocks.setdefault(block, []).append(it)
        # the next `window` is read by the block before too (no block is longer)
        if it.stamp - window < block * size:
            blocks.setdefault(block - 1, []).append(it)
    kept: dict[str, Found] = {}
    contexts: dict[tuple[int, float, float], tuple[list[Article], str]] = {}
    out = []
    for block, context in sorted(blocks.items()):
        # (in order already: its own articles, then the next block's, each in `dated` order)
        articles = [it.article for it in context]
        seen = memo.contexts.get((block, size, window))
        if seen is not None and len(seen[0]) == len(articles) \
                and all(map(operator.is_, seen[0], articles)):
            key = seen[1]
        else:
            key = _block_key(block, size, window, context)
        contexts[(block, size, window)] = (articles, key)
        found = memo.blocks.get(key)
        if found is None:
            found = _score_block(context, (block + 1) * size, window)
            memo.changed = True
        kept[key] = found
        out.append(found)
    memo.changed |= len(kept) != len(memo.blocks)
    memo.blocks, memo.contexts = kept, contexts
    return out


def _block_key(block: int, size: float, window: float, context: Sequence[Item]) -> str:
    digest = hashlib.blake2b(f"{block}|{size}|{window}".encode(), digest_size=20)
    for it in context:
        print_ = it.article.fingerprint
        digest.update(f"|{it.article.path}|{it.stamp}|{print_.words if print_ else 0}|"
                      .encode(errors="surrogateescape"))
        digest.update(it.signature)
        digest.update(" ".join(sorted(it.terms)).encode(errors="surrogateescape"))
    return digest.hexdigest()


def _score_block(context: Sequence[Item], end: float, window: float) -> Found:
    """A block's items (its own, then the next `window`'s) -> the pairs it owns: those
    whose earlier article is before `end`."""
    sets = [it.terms for it in context]
    weights = term_weights(sets)
    totals = [weight_of(terms, weights) for terms in sets]
    checked: list[Pair] = []
    scored: list[Scored] = []
    for i, j in sorted(term_pairs(sets, [it.stamp for it in context], window, FLOOR)):
        a, b = context[i], context[j]
        assert a.stamp is not None and b.stamp is not None
        if min(a.stamp, b.stamp) >= end:
            continue  # the next block's
        pair = (a.article.path, b.article.path)
        checked.append(pair)
        score = pair_score(a, b, window, weights, totals[i], totals[j])
        if score > 0:
            scored.append((score, *pair))
    return Found(tuple(checked), tuple(scored))


def near_pairs(items: Sequence[Item], memo: StoryMemo) -> Found:
    """Pairs of near-duplicate texts with an undated article in them (the LSH index's
    candidates, scored), from the memo's for the articles whose text has not changed."""
    texts = {it.article.path: (it.text, it.stamp is None) for it in items if it.signature}
    changed = {p for p in texts.keys() | memo.texts.keys() if texts.get(p) != memo.texts.get(p)}
    if memo.near is not None and not changed:
        found = memo.near
    elif memo.near is not None and len(changed) <= FEW:
        found = _patched(memo.near, changed, {it.article.path: it for it in items
                                              if it.signature})
    else:
        found = _indexed([it for it in items if it.signature])
    memo.changed |= bool(changed) or memo.near is None
    memo.texts, memo.near = texts, found
    return found


def _indexed(items: Sequence[Item]) -> Found:
    undated = [it for it in items if it.stamp is None]
    if not undated:
        return Found((), ())
    found = band_candidates([it.signature for it in undated], [it.signature for it in items])
    pairs = {_ordered(items[q], undated[k]) for q, k in found if items[q] is not undated[k]}
    return _scored(pairs)


def _patched(old: Found, changed: set[str], by_path: dict[str, Item]) -> Found:
    """The last pairs without the changed articles' (and their scores: a pair with an
    undated article is scored by the two texts alone), and the changed articles' band
    mates, scored."""
    keep = tuple(pair for pair in old.checked if pair[0] not in changed
                 and pair[1] not in changed)
    kept = tuple(s for s in old.scored if s[1] not in changed and s[2] not in changed)
    pairs = set()
    others = list(by_path.values())
    signatures = [it.signature for it in others]
    for path in sorted(changed & by_path.keys()):
        mine = by_path[path]
        for j in band_mates(mine.signature, signatures):
            other = others[j]
            if other is not mine and (mine.stamp is None or other.stamp is None):
                pairs.add(_ordered(mine, other))
    found = _scored(pairs)
    return Found(keep + found.checked, kept + found.scored)


def _ordered(a: Item, b: Item) -> tuple[Item, Item]:
    return (a, b) if a.index < b.index else (b, a)


def _scored(pairs: set[tuple[Item, Item]]) -> Found:
    ordered = sorted(pairs, key=lambda ab: (ab[0].index, ab[1].index))
    checked = tuple((a.article.path, b.article.path) for a, b in ordered)
    scored = []
    for a, b in ordered:
        if (score := pair_score(a, b, 0.0, {}, 0.0, 0.0)) > 0:
            scored.append((score, a.article.path, b.article.path))
    return Found(checked, tuple(scored))
