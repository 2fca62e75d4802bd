"""Pure: what a whole-site pass (duplicates, slugs, canonical topics and sources) keeps of
its last run, so that a rebuild after an edit redoes only the articles it changed.

An edit makes one new Article object; the others are the objects of the last build. A
pass that sees the same objects as last time, except at a few positions where the new
objects agree with the old ones in everything the pass reads (its `view`), gives what
it gave then, with the new objects put in at those positions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import compress, count
from operator import is_not
from typing import Any, TypeVar

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
