"""Pure: story clustering kept from one build to the next (the live preview's), so that an
edit that moves no article redoes only what it touched; what cluster.cluster_pairs()
finds, exactly.

Which block an article is in, and where in it, depends on its path and date alone. So
when the changed articles keep both, every block is made of the same articles as last
time except the changed ones: only the blocks holding those are keyed (and scored)
again, and the undated pairs are looked for again only when one's text changed. When
every block found what it found last time, the pairs are the same, so the stories are:
the last ones, with the new objects put in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import compress, count
from operator import is_not

from ..model import Article, Story
from .blocks import (
    BLOCK_DAYS,
    Found,
    StoryMemo,
    _block_key,
    _score_block,
    block_pairs,
    items_of,
    near_pairs,
)
from .cluster import Checked, lead_order, stories_of
from .pairs import Item, item

FEW = 64  # changed articles: more, and the clustering runs whole


@dataclass
class ClusterMemo:
    """The last clustering's inputs and what it made of them, in this process."""

    memo: StoryMemo | None = None  # the story memo it updated
    window: float = -1.0
    articles: Sequence[Article] = ()
    items: list[Item] = field(default_factory=list)
    at: dict[str, int] = field(default_factory=dict)  # path -> index
    blocks: list[int] = field(default_factory=list)  # the blocks, in the order of `founds`
    founds: tuple[Found, ...] = ()  # each block's, then the undated pairs
    stories: dict[str, Story] = field(default_factory=dict)
    terms: list[frozenset[str]] = field(default_factory=list)
    # Whether the last run's stories are the run before's (`base`: its articles), made of
    # the same articles (paths) in the same order, the new objects put in.
    same: bool = False
    base: Sequence[Article] = ()


def cluster_kept(articles: Sequence[Article], window_days: int, memo: StoryMemo,
                 last: ClusterMemo) -> tuple[dict[str, Story], Checked]:
    """What cluster_pairs(articles, window_days, memo) gives, from what `last` kept of the
    last run (updated with this one)."""
    window = timedelta(days=window_days).total_seconds()
    changed = _changed(articles, last, memo, window)
    kept = _kept(articles, changed, last, memo, window) if changed is not None else None
    last.same, last.base = False, last.articles
    if kept is not None:
        items, founds, stories, last.same = kept
        at, blocks, terms = last.at, last.blocks, list(last.terms)
        for i in changed or ():
            terms[i] = items[i].terms
    else:
        items = items_of(articles, memo)
        at = {a.path: i for i, a in enumerate(articles)}
        founds = (*block_pairs(items, window, memo), near_pairs(items, memo))
        stories = stories_of(items, at, founds, window)
        blocks = [block for block, _, _ in memo.contexts]
        terms = [it.terms for it in items]
    last.memo, last.window, last.articles, last.items, last.at = memo, window, articles, \
        items, at
    last.blocks, last.founds, last.stories, last.terms = blocks, founds, stories, terms
    return stories, Checked(founds, at, terms)


def _changed(articles: Sequence[Article], last: ClusterMemo, memo: StoryMemo,
             window: float) -> list[int] | None:
    """The positions of the articles that changed since the last run, when they are few
    and each kept its path and date (so its place in every block); None otherwise."""
    if last.memo is not memo or last.window != window or len(articles) != len(last.articles):
        return None
    old = last.articles
    at = list(compress(count(), map(is_not, articles, old)))
    if len(at) > FEW or any(articles[i].path != old[i].path
                            or articles[i].published != old[i].published for i in at):
        return None
    return at


def _kept(articles: Sequence[Article], changed: list[int], last: ClusterMemo,
          memo: StoryMemo, window: float,
          ) -> tuple[list[Item], tuple[Found, ...], dict[str, Story], bool] | None:
    """The items, what each block found and the stories, the changed articles put into
    the last run's, and whether the stories are the last ones with the new objects put
    in; None when the last run's blocks are not the memo's."""
    size = BLOCK_DAYS * 86400.0
    touched: dict[int, None] = {}  # the blocks that read a changed article
    for i in changed:
        if (stamp := last.items[i].stamp) is not None:
            block = int(stamp // size)
            touched[block] = None
            if stamp - window < block * size:
                touched[block - 1] = None
    place = {block: k for k, block in enumerate(last.blocks)}
    if memo.near is None or len(last.founds) != len(last.blocks) + 1 or any(
            block not in place or (block, size, window) not in memo.contexts
            or memo.contexts[(block, size, window)][1] not in memo.blocks for block in touched):
        return None
    items = list(last.items)
    shared: dict[str, str] = {}
    for i in changed:
        items[i] = memo.items[articles[i].path] = item(i, articles[i], shared)
    at = last.at
    founds = list(last.founds[:-1])
    for block in touched:
        context_key = (block, size, window)
        old_key = memo.contexts[context_key][1]
        context = [items[at[a.path]] for a in memo.contexts[context_key][0]]
        key = _block_key(block, size, window, context)
        memo.contexts[context_key] = ([it.article for it in context], key)
        found = memo.blocks.get(key)
        if found is None:
            found = _score_block(context, (block + 1) * size, window)
            memo.changed = True
        if key != old_key:
            del memo.blocks[old_key]
            memo.blocks[key] = found
        founds[place[block]] = found
    for i in changed:
        it = items[i]
        if memo.texts.get(it.article.path) != ((it.text, it.stamp is None) if it.signature
                                               else None):
            near = near_pairs(items, memo)  # a text changed: look for its pairs again
            break
    else:
        near = memo.near
    done = (*founds, near)
    stories = None
    # the same pairs (a block scored again can find what it found): the same stories
    if all(a is b or a == b for a, b in zip(done, last.founds, strict=True)):
        stories = _put(last.stories, changed, articles, at)
    if stories is None:
        return items, done, stories_of(items, at, done, window), False
    return items, done, stories, True


def _put(stories: dict[str, Story], changed: list[int], articles: Sequence[Article],
         at: dict[str, int]) -> dict[str, Story] | None:
    """The last stories of the same articles, the changed ones put in; None if that
    changed a story's order (its lead)."""
    out = dict(stories)
    for i in changed:
        story = stories.get(articles[i].path)
        if story is None or out[articles[i].path] is not story:
            continue  # in no story, or its story is made already
        members = tuple(sorted((articles[at[a.path]] for a in story.articles), key=lead_order))
        if any(a.path != b.path for a, b in zip(members, story.articles, strict=True)):
            return None
        made = Story(members[0].slug, members)
        for a in members:
            out[a.path] = made
    return out
