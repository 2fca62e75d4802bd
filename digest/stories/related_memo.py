"""Pure: related reading kept from one build to the next (the live preview's), so that an
edit ranks again only the leads it can change; what related.related() finds, exactly.

A lead's list depends on its candidates (the pairs clustering checked, its neighbours
in time on its first two topics) and on their key terms, topics and times, the terms
weighed by their rarity among all leads. So a lead is ranked again when it changed,
when its candidates did, when one of them changed, or when the weight of one of its or
its candidates' terms did (that term's count changed). A change in the number of leads
changes every weight: then every lead is ranked again, as related() does.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ..model import Article, Story
from .related import DAY, NEAREST, RELATED
from .terms import term_score, term_set, term_weights, weight_of

MANY = 500  # changed leads: more, and every lead is ranked again (a checkout, a new config)


@dataclass(frozen=True, eq=False)
class _Lead:
    """A story's lead as related reading sees it."""

    article: Article
    terms: frozenset[str]
    stamp: float | None
    topics: frozenset[str]  # slugs
    first: tuple[str, ...]  # the first two topics' slugs, where its neighbours are looked for

    def same(self, other: _Lead) -> bool:
        return (self.stamp == other.stamp and self.first == other.first
                and self.topics == other.topics and self.terms == other.terms)

    @property
    def when(self) -> float:
        return self.stamp if self.stamp is not None else math.inf


def _lead(article: Article, shared: dict[str, str]) -> _Lead:
    print_ = article.fingerprint
    return _Lead(article, frozenset(term_set(print_.terms, shared) if print_ else ()),
                 article.published.timestamp() if article.published else None,
                 frozenset(t.slug for t in article.topics),
                 tuple(t.slug for t in article.topics[:2]))


@dataclass
class RelatedMemo:
    """What the last build's related reading worked out, by lead path."""

    leads: dict[str, _Lead] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)  # term -> leads that have it
    weights: dict[str, float] = field(default_factory=dict)
    totals: dict[str, float] = field(default_factory=dict)  # lead -> its terms' weight
    pairs: set[tuple[str, str]] = field(default_factory=set)  # clustering's, as leads
    partners: dict[str, set[str]] = field(default_factory=dict)  # lead -> its pairs' others
    by_topic: dict[str, list[tuple[float, str]]] = field(default_factory=dict)  # in time
    near: dict[str, frozenset[str]] = field(default_factory=dict)  # lead -> candidates
    chosen: dict[str, tuple[str, ...]] = field(default_factory=dict)  # lead -> related leads
    chosen_by: dict[str, set[str]] = field(default_factory=dict)  # lead -> leads that chose it
    out: dict[str, tuple[Article, ...]] = field(default_factory=dict)  # what related() gives
    members: set[str] = field(default_factory=set)  # stories' articles other than the leads
    ranked: int = 0  # leads ranked by the last build (for tests)
    seen: Sequence[Article] | None = None  # the articles of the last call
    # The articles whose list may be another object than the call before's (None: any)
    touched: frozenset[str] | None = None


def related_kept(articles: Sequence[Article], stories: Mapping[str, Story],
                 pairs: Iterable[tuple[int, int]], memo: RelatedMemo,
                 edit: tuple[Sequence[Article], Sequence[int]] | None = None,
                 ) -> dict[str, tuple[Article, ...]]:
    """What related(articles, stories, pairs) gives, from what `memo` kept of the last
    build (updated with this one's). `edit`: the last call's articles and the places of
    the ones that changed, when the stories and pairs are the last call's with the new
    objects put in (group() knows): then only those are looked at."""
    seen, memo.seen, memo.touched = memo.seen, None, None  # (until this call is done)
    if edit is not None and edit[0] is seen and len(seen) == len(articles) and memo.leads:
        out = _edited(articles, stories, edit[1], memo)
    else:
        out = _whole(articles, stories, pairs, memo)
    memo.seen = articles
    return out


def _whole(articles: Sequence[Article], stories: Mapping[str, Story],
           pairs: Iterable[tuple[int, int]], memo: RelatedMemo,
           ) -> dict[str, tuple[Article, ...]]:
    """related_kept, looking at every lead."""
    others = {path for path, story in stories.items() if story.lead.path != path}
    leads = [a for a in articles if a.path not in others] if others else list(articles)
    old = memo.leads
    new: dict[str, _Lead] = {}
    changed: set[str] = set()
    renamed: list[str] = []  # new objects, changed or not: who lists them lists them anew
    shared: dict[str, str] = {}
    for a in leads:
        was = old.get(a.path)
        if was is not None and was.article is a:
            new[a.path] = was
            continue
        new[a.path] = lead = _lead(a, shared)
        renamed.append(a.path)
        if was is None or not lead.same(was):
            changed.add(a.path)
    removed = old.keys() - new.keys()
    lead_of = [stories[a.path].lead.path if a.path in stories else a.path for a in articles]
    lead_pairs = set()
    for i, j in pairs:
        p, q = lead_of[i], lead_of[j]
        if p != q:
            lead_pairs.add((p, q) if p < q else (q, p))
    if not old or len(new) != len(old) or len(changed) + len(removed) > MANY:
        _start(memo, new, lead_pairs)
        dirty: set[str] = set(new)
    else:
        dirty = _follow(memo, new, changed, removed, lead_pairs)
    memo.leads = new
    out = _ranked(memo, new, dirty, renamed, removed)
    members = set()  # (few: a story's articles take its lead's list)
    for path, story in stories.items():
        if story.lead.path != path:
            members.add(path)
            out[path] = out[story.lead.path]
    for path in memo.members - members - new.keys():
        out.pop(path, None)
    memo.members = members
    return dict(out)


def _edited(articles: Sequence[Article], stories: Mapping[str, Story], places: Sequence[int],
            memo: RelatedMemo) -> dict[str, tuple[Article, ...]]:
    """related_kept, when the leads and their pairs are the last call's and only the
    articles at `places` are new objects."""
    old = memo.leads
    new = dict(old)
    changed: set[str] = set()
    renamed: list[str] = []
    shared: dict[str, str] = {}
    for place in places:
        a = articles[place]
        was = old.get(a.path)
        if was is None or was.article is a:
            continue  # a story's other article (its lead's list is its own), or the same
        new[a.path] = lead = _lead(a, shared)
        renamed.append(a.path)
        if not lead.same(was):
            changed.add(a.path)
    dirty = _follow(memo, new, changed, set(), memo.pairs)
    memo.leads = new
    out = _ranked(memo, new, dirty, renamed, set())
    touched = dirty.union(*(memo.chosen_by.get(q, ()) for q in renamed))
    for path in list(touched):
        story = stories.get(path)
        if story is not None and story.lead.path == path:
            for member in story.articles[1:]:
                out[member.path] = out[path]
                touched.add(member.path)
    memo.touched = frozenset(touched)
    return dict(out)


def _ranked(memo: RelatedMemo, leads: dict[str, _Lead], dirty: set[str], renamed: list[str],
            removed: set[str]) -> dict[str, tuple[Article, ...]]:
    """Rank the dirty leads again -> memo.out, the lists of those whose list (or a lead in
    it) changed made again."""
    chosen_by = memo.chosen_by
    for path in dirty:
        for q in memo.chosen.get(path, ()):
            chosen_by[q].discard(path)
        memo.chosen[path] = chosen = _rank(path, memo)
        for q in chosen:
            chosen_by.setdefault(q, set()).add(path)
    for path in removed:
        chosen_by.pop(path, None)
    memo.ranked = len(dirty)
    out = memo.out
    for path in removed:
        out.pop(path, None)
    for path in dirty.union(*(chosen_by.get(q, ()) for q in renamed)):
        out[path] = tuple([leads[q].article for q in memo.chosen[path]])
    return out


def _start(memo: RelatedMemo, leads: dict[str, _Lead], pairs: set[tuple[str, str]]) -> None:
    """Work out everything again, for these leads."""
    memo.counts = Counter(t for lead in leads.values() for t in lead.terms)
    memo.weights = term_weights([lead.terms for lead in leads.values()])
    memo.totals = {p: weight_of(lead.terms, memo.weights) for p, lead in leads.items()}
    memo.pairs = pairs
    memo.partners = {}
    for p, q in pairs:
        memo.partners.setdefault(p, set()).add(q)
        memo.partners.setdefault(q, set()).add(p)
    memo.by_topic = {}
    for p, lead in leads.items():
        for slug in lead.first:
            memo.by_topic.setdefault(slug, []).append((lead.when, p))
    for entries in memo.by_topic.values():
        entries.sort()
    memo.near = {p: _near(p, lead, memo) for p, lead in leads.items()}
    memo.chosen, memo.chosen_by, memo.out = {}, {}, {}


def _follow(memo: RelatedMemo, leads: dict[str, _Lead], changed: set[str],
            removed: set[str], pairs: set[tuple[str, str]]) -> set[str]:
    """Update the memo for a few changed (and removed) leads -> the leads to rank again."""
    old = memo.leads
    delta: Counter[str] = Counter()
    for p in changed | removed:
        if p in old:
            delta.subtract(old[p].terms)
    for p in changed:
        delta.update(leads[p].terms)
    size = len(leads)
    reweighed = {t for t, d in delta.items() if d}
    for t in reweighed:
        count = memo.counts[t] + delta[t]
        if count > 0:
            memo.counts[t] = count
            memo.weights[t] = math.log(1 + size / count)  # as terms.term_weights
        else:
            del memo.counts[t], memo.weights[t]
    weighed = {p for p, lead in leads.items() if not lead.terms.isdisjoint(reweighed)} \
        if reweighed else set()
    for p in weighed | changed:
        memo.totals[p] = weight_of(leads[p].terms, memo.weights)
    for p in removed:
        del memo.totals[p]

    moved: set[str] = set()  # leads whose candidates may have changed
    if pairs is not memo.pairs:
        for p, q in memo.pairs - pairs:
            memo.partners[p].discard(q)
            memo.partners[q].discard(p)
            moved.update((p, q))
        for p, q in pairs - memo.pairs:
            memo.partners.setdefault(p, set()).add(q)
            memo.partners.setdefault(q, set()).add(p)
            moved.update((p, q))
        memo.pairs = pairs
    for p in changed | removed:
        was, now = old.get(p), leads.get(p)
        for slug in was.first if was is not None else ():
            entries = memo.by_topic[slug]
            at = bisect.bisect_left(entries, (was.when, p))
            del entries[at]
            moved.update(q for _, q in entries[max(0, at - NEAREST - 1): at + NEAREST + 1])
        for slug in now.first if now is not None else ():
            entries = memo.by_topic.setdefault(slug, [])
            at = bisect.bisect_left(entries, (now.when, p))
            entries.insert(at, (now.when, p))
            moved.update(q for _, q in entries[max(0, at - NEAREST - 1): at + NEAREST + 2])
    for p in removed:
        del memo.near[p]
        memo.partners.pop(p, None)
        memo.chosen.pop(p, None)
    renewed = set()
    for p in (moved | changed) & leads.keys():
        near = _near(p, leads[p], memo)
        if near != memo.near.get(p):
            memo.near[p] = near
            renewed.add(p)
    touched = changed | weighed | removed  # their scores with any other may differ
    return changed | weighed | renewed | ({p for p, near in memo.near.items()
                                           if not near.isdisjoint(touched)} if touched
                                          else set())


def _near(path: str, lead: _Lead, memo: RelatedMemo) -> frozenset[str]:
    """A lead's candidates: its pairs' other leads and its nearest in time on its first
    two topics (related.related's `near`)."""
    near = set(memo.partners.get(path, ()))
    for slug in lead.first:
        entries = memo.by_topic[slug]
        at = bisect.bisect_left(entries, (lead.when, path))
        near.update(q for _, q in entries[max(0, at - NEAREST): at + NEAREST + 1])
    near.discard(path)
    return frozenset(near)


def _rank(path: str, memo: RelatedMemo) -> tuple[str, ...]:
    """A lead -> its related leads, best first (as related.related ranks them)."""
    leads, weights, totals = memo.leads, memo.weights, memo.totals
    a, total = leads[path], totals[path]
    scored = []
    for q in memo.near[path]:
        b = leads[q]
        text = term_score(a.terms, b.terms, weights, total, totals[q])
        shared = len(a.topics & b.topics) / max(1, len(a.topics | b.topics))
        recency = math.exp(-abs(a.stamp - b.stamp) / (30 * DAY)) \
            if a.stamp is not None and b.stamp is not None else 0.0
        scored.append((-(text + 0.3 * shared + 0.2 * recency), q))
    scored.sort()
    return tuple(q for _, q in scored[:RELATED])
