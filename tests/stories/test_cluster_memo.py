"""Clustering kept from the last run (stories/cluster_memo.py): after any edit, the stories,
the pairs checked and the key terms are a clean clustering's."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from digest.model import Article
from digest.stories import blocks, cluster_memo
from digest.stories.blocks import StoryMemo
from digest.stories.cluster import cluster_pairs
from digest.stories.cluster_memo import ClusterMemo, cluster_kept
from digest.stories.fingerprint import fingerprint

from .test_blocks import edited, site
from .texts import LLAMA_APRIL, LLAMA_APRIL_REWRITE


def in_place(articles: list[Article], rng: random.Random) -> list[Article]:
    """An edit that keeps the article's path and date: its text, its title, its quality
    (which can make it its story's lead), or nothing but a new object."""
    out = list(articles)
    for i in rng.sample(range(len(out)), rng.choice([1, 1, 1, 2, 3])):
        a = out[i]
        kind = rng.choice(["text", "copy", "quality", "title", "same"])
        if kind == "text":
            text = rng.choice([a.body_html[3:-4] + " More words, 1234 of them.", LLAMA_APRIL])
            out[i] = replace(a, fingerprint=fingerprint(a.title, text))
        elif kind == "copy":  # a text that joins (or leaves) a story
            text = rng.choice([LLAMA_APRIL_REWRITE, a.body_html[3:-4]])
            out[i] = replace(a, fingerprint=fingerprint(a.title, text))
        elif kind == "quality":
            out[i] = replace(a, meta={**a.meta, "quality": rng.choice([1, 5, 9])})
        elif kind == "title":
            out[i] = replace(a, title=a.title + " (updated)")
        else:
            out[i] = replace(a)
    return out


def clustered(articles: list[Article], memo: StoryMemo | None, last: ClusterMemo | None
              ) -> object:
    ordered = tuple(sorted(articles, key=lambda a: a.sort_key))
    stories, pairs = cluster_kept(ordered, 3, memo, last) if memo is not None and \
        last is not None else cluster_pairs(ordered, 3)
    return (stories, list(stories), sorted(pairs), pairs.terms)


@pytest.mark.parametrize("seed", range(8))
def test_kept_clustering_finds_what_a_clean_one_finds(seed: int) -> None:
    rng = random.Random(seed)
    articles = site(rng)
    memo, last = StoryMemo(), ClusterMemo()
    assert clustered(articles, memo, last) == clustered(articles, None, None)
    for _ in range(16):
        articles = in_place(articles, rng) if rng.random() < 0.75 else edited(articles, rng)
        assert clustered(articles, memo, last) == clustered(articles, None, None)


def test_an_edit_in_place_keys_only_its_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    articles = site(random.Random(3))
    memo, last = StoryMemo(), ClusterMemo()
    clustered(articles, memo, last)
    keyed: list[int] = []
    real = blocks._block_key
    monkeypatch.setattr(cluster_memo, "_block_key",
                        lambda block, *rest: keyed.append(block) or real(block, *rest))
    at = next(i for i, a in enumerate(articles) if a.path == "s60a.md")
    articles[at] = replace(articles[at], title="Edited")
    assert clustered(articles, memo, last) == clustered(articles, None, None)
    assert 1 <= len(keyed) <= 2  # its block (and the one before, if it reads it)
