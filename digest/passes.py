"""Pure: what a whole-site pass (duplicates, slugs, canonical topics and sources) keeps of
its last run, so that a rebuild after an edit redoes only the articles it changed.

An edit makes one new Article object; the others are the objects of the last build. A
pass that sees the same objects as last time, except at a few positions where the new
objects agree with the old ones in everything the pass reads (its `view`), gives what
it gave then, with the new objects put in at those positions.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import compress, count
from operator import is_not
from typing import Any, TypeVar

from .model import Article
from .stories.cluster_memo import ClusterMemo

T = TypeVar("T")

FEW = 64  # objects changed: more, and the pass runs whole


@dataclass
class Last:
    """One pass's last run: its input objects and whatever it needs to repeat its result."""

    inputs: Sequence[Any] | None = None
    kept: Any = None


@dataclass(frozen=True)
class Edit:
    """What group() made of an edit, when that was little: the digest is the last one's
    (whose articles were `before`) but for the articles at `places` in its order (new
    objects with the same paths, dates and places), in stories of the same articles as
    before, and with new related reading for the articles in `related` only."""

    before: tuple[Any, ...]
    places: list[int]
    related: frozenset[str]


@dataclass
class Passes:
    """The whole-site passes' last runs, kept by this process (the live preview's)."""

    duplicates: Last = field(default_factory=Last)
    slugs: Last = field(default_factory=Last)
    topics: Last = field(default_factory=Last)
    sources: Last = field(default_factory=Last)
    published: Last = field(default_factory=Last)  # build: drafts and future left out
    undated: tuple[Any, int] = ((), 0)  # build: the last digest's articles, how many undated
    order: Last = field(default_factory=Last)  # group(): the site's order and neighbours
    clusters: ClusterMemo = field(default_factory=ClusterMemo)  # group(): the stories
    shown: Last = field(default_factory=Last)  # group(): days, undated, topics, sources
    edit: Edit | None = None  # group(): what its last digest is of the one before
    days: dict[str, tuple[Any, Any, Any]] = field(default_factory=dict)  # path ->
    # (article, zone, its local day)
    editions: dict[Any, tuple[list[Any], Any]] = field(default_factory=dict)  # group():
    # local day -> (its articles, the Day made of them)


def changed_at(new: Sequence[T], last: Last | None, view: Callable[[T], object] | None
               ) -> list[int] | None:
    """The positions where `new` has other objects than the last run's inputs, when there
    are few and each agrees with the old one in `view` (if given); None when the pass must
    run whole (no last run, another length, many changes, or one that the pass reads)."""
    if last is None or last.inputs is None or len(new) != len(last.inputs):
        return None
    old = last.inputs
    at = list(compress(count(), map(is_not, new, old)))
    if len(at) > FEW or (view is not None and any(view(new[i]) != view(old[i]) for i in at)):
        return None
    return at


def positions(order: Sequence[int]) -> list[int]:
    """A sort's order (the input index of each output place) -> each input's place."""
    where = [0] * len(order)
    for place, i in enumerate(order):
        where[i] = place
    return where


def published(articles: Sequence[Article], drafts: bool, future: bool, now: datetime,
              last: Last | None) -> tuple[list[Article], int, int]:
    """Articles -> those shown (a draft only with `drafts`, one dated after `now` only with
    `future`), and how many drafts and future articles were left out. From `last` when the
    changed articles have the draft flag and date they had, and no date came to pass
    since the last run."""
    at = changed_at(articles, last, _publishing)
    stamp = now.timestamp()
    if last is not None and at is not None and last.kept[0] == (drafts, future) \
            and last.kept[1] <= stamp and (future or stamp < last.kept[2]):
        _, _, upcoming, shown, where, skipped, later = last.kept
        shown = list(shown)
        for i in at:  # (each is shown or left out as the article it replaces was)
            if where[i] is not None:
                shown[where[i]] = articles[i]
    else:
        shown, where, skipped, later, upcoming = [], [], 0, 0, math.inf
        for article in articles:
            if article.draft and not drafts:
                skipped += 1
                where.append(None)
            elif not future and _ahead(article, now):
                later += 1
                where.append(None)
                assert article.published is not None
                upcoming = min(upcoming, article.published.timestamp())
            else:
                where.append(len(shown))
                shown.append(article)
    if last is not None:
        last.inputs, last.kept = articles, ((drafts, future), stamp, upcoming, shown, where,
                                            skipped, later)
    return list(shown), skipped, later


def _publishing(article: Article) -> tuple[bool, datetime | None]:
    return article.draft, article.published


def _ahead(article: Article, now: datetime) -> bool:
    return bool(article.published and article.published > now)


def undated(articles: Sequence[Article], passes: Passes | None) -> int:
    """How many of a digest's articles are undated; from the last count when group() said
    the digest is the last one's with new objects of the same dates (Edit)."""
    edit = passes.edit if passes is not None else None
    if passes is not None and edit is not None and passes.undated[0] is edit.before:
        count = passes.undated[1]
    else:
        count = sum(1 for a in articles if a.published is None)
    if passes is not None:
        passes.undated = (articles, count)
    return count
