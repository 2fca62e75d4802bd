"""Pure: exact duplicates (the same original URL, or the same text) -> one article.

A story told twice in the content folder (a feed fetched into two files, a clipping
saved again) is one article: the one the lead rule picks (cluster.lead_order) stays,
and a problem line on it names the files merged into it. The same text counts with
its headline and source: a wire story another outlet ran verbatim under its own name
or headline is that outlet's coverage, one more source of the story (cluster.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from ..model import Article, Problem
from ..passes import Last, changed_at
from .cluster import lead_order


def url_key(url: str) -> str:
    """An original URL as compared: scheme, 'www.', a trailing slash and the fragment
    do not count."""
    url = url.strip().split("#", 1)[0]
    for prefix in ("https://", "http://"):
        if url.startswith(prefix):
            url = url[len(prefix):]
    url = url.removeprefix("www.")
    return url.rstrip("/").casefold()


def collapse_duplicates(articles: Sequence[Article], last: Last | None = None,
                        ) -> tuple[list[Article], list[Problem]]:
    """Articles -> the articles with each set of exact duplicates as one, and a problem
    naming what was merged. Order is kept. `last`: the last call's (passes.py), updated."""
    if (at := changed_at(articles, last, None)) is not None:
        assert last is not None
        dropped, problems, counts = last.kept
        if _alone(articles, last.inputs, at, counts):
            last.inputs = list(articles)
            return ([a for i, a in enumerate(articles) if i not in dropped] if dropped
                    else list(articles)), list(problems)
    out, dropped, problems = _collapse(articles)
    if last is not None:
        counts = Counter([key for article in articles for key in _keys(article)])
        last.inputs, last.kept = list(articles), (dropped, problems, counts)
    return out, list(problems)


def _alone(articles: Sequence[Article], before: Sequence[Article], at: list[int],
           counts: Counter[str]) -> bool:
    """Were the articles at these positions, and are they now, duplicates of none (then
    the others' duplicates are as they were)? `counts`: articles a key had, updated."""
    old = [key for i in at for key in _keys(before[i])]
    new = [key for i in at for key in _keys(articles[i])]
    if any(counts[key] != 1 for key in old):
        return False
    counts.subtract(old)
    if len(set(new)) != len(new) or any(counts[key] > 0 for key in new):
        counts.update(old)
        return False
    counts.update(new)
    return True


def _keys(article: Article) -> list[str]:
    keys = []
    if article.original_url.startswith(("http://", "https://")):
        keys.append("u:" + url_key(article.original_url))
    fp = article.fingerprint
    if fp is not None and fp.text_hash and fp.words >= 20:  # a few words say too little
        source = article.source.name.casefold() if article.source else ""
        keys.append(f"t:{fp.text_hash}\0{article.title.casefold()}\0{source}")
    return keys


def _collapse(articles: Sequence[Article]) -> tuple[list[Article], set[int], list[Problem]]:
    parent = list(range(len(articles)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[str, int] = {}
    for i, article in enumerate(articles):
        for key in _keys(article):
            if key in first:
                a, b = root(first[key]), root(i)
                parent[max(a, b)] = min(a, b)
            else:
                first[key] = i
    groups: dict[int, list[int]] = {}
    for i in range(len(articles)):
        groups.setdefault(root(i), []).append(i)
    dropped: set[int] = set()
    problems = []
    for members in groups.values():
        if len(members) < 2:
            continue
        ordered = sorted(members, key=lambda m: lead_order(articles[m]))
        kept, merged = articles[ordered[0]], [articles[m] for m in ordered[1:]]
        dropped.update(ordered[1:])
        problems.append(Problem(kept.path, "exact duplicates merged into this article: "
                                + ", ".join(sorted(m.path for m in merged))))
    return [a for i, a in enumerate(articles) if i not in dropped], dropped, problems
