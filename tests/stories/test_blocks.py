"""Clustering in parts: a rebuild with the last build's memo finds what a clean one finds,
and scores again only the blocks an edit touched."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from digest.model import Article
from digest.stories import blocks
from digest.stories.blocks import StoryMemo
from digest.stories.cluster import cluster_pairs
from digest.stories.fingerprint import NUM_PERM, fingerprint
from digest.stories.pairs import (
    NEAR_BANDS,
    NEAR_DUPLICATE,
    band_candidates,
    band_mates,
    bands,
    index,
    lean,
)

from .test_cluster import article
from .texts import CHATBOT_LAUNCH, LLAMA_APRIL, LLAMA_APRIL_REWRITE, LLAMA_JULY, STRIKE

START = datetime(2023, 1, 2, 9, 0, tzinfo=UTC)
NAMES = ("Acme", "Borealis", "Corvid", "Dunmore", "Eastgate", "Fenwick", "Galloway",
         "Harrow", "Ilford", "Jarrow", "Kelso", "Lanark", "Moray", "Nairn", "Oban")


def filler(i: int, rng: random.Random, when: datetime | None) -> Article:
    """An article of its own: other names and numbers than any other's."""
    names = rng.sample(NAMES, 4)
    text = (f"{names[0]} Holdings said on the day that {names[1]} would buy {rng.randint(10, 99)}"
            f" per cent of {names[2]} for {rng.randint(100, 999)} million, after talks in "
            f"{names[3]} that lasted {rng.randint(2, 40)} weeks. Report {i} of {i * 7}.")
    return article(f"f{i:03d}.md", f"{names[0]} and {names[1]} deal {i}", text, when)


def site(rng: random.Random) -> list[Article]:
    """Dated and undated articles over a few blocks, with stories among them."""
    out = [filler(i, rng, START + timedelta(hours=rng.randint(0, 24 * 120))
                  if i % 5 else None) for i in range(120)]
    for day, text, rewrite in ((3, LLAMA_APRIL, LLAMA_APRIL_REWRITE),
                               (27, LLAMA_JULY, LLAMA_JULY),  # across a block's end
                               (60, CHATBOT_LAUNCH, CHATBOT_LAUNCH)):
        when = START + timedelta(days=day, hours=20)
        out.append(article(f"s{day}a.md", f"Story on day {day}", text, when))
        out.append(article(f"s{day}b.md", f"Another headline, day {day}", rewrite,
                           when + timedelta(hours=10)))
    out.append(article("copy.md", "An undated copy", LLAMA_APRIL, None))
    out.append(article("strike.md", "Strike", STRIKE, START + timedelta(days=90)))
    return out


def stories_of(articles: list[Article], memo: StoryMemo | None = None
               ) -> tuple[dict[str, list[str]], set[tuple[str, str]]]:
    ordered = sorted(articles, key=lambda a: a.sort_key)
    stories, pairs = cluster_pairs(ordered, 3, memo)
    return ({p: [a.path for a in s.articles] for p, s in stories.items()},
            {(ordered[i].path, ordered[j].path) for i, j in pairs})


def edited(articles: list[Article], rng: random.Random) -> list[Article]:
    """One edit: a new text, a move in time (undated too), a new article or one gone."""
    out = list(articles)
    i = rng.randrange(len(out))
    kind = rng.choice(["text", "move", "undate", "add", "delete"])
    if kind == "delete":
        del out[i]
    elif kind == "add":
        when = START + timedelta(days=rng.randint(0, 120))
        out.append(article(f"new{rng.randint(0, 10**6)}.md", "Llama 2 is out again",
                           LLAMA_APRIL_REWRITE, when))
    else:
        a = out[i]
        when = a.published
        if kind == "move":
            when = START + timedelta(hours=rng.randint(0, 24 * 120))
        elif kind == "undate":
            when = None
        title = a.title + " (updated)" if kind == "text" else a.title
        text = (LLAMA_APRIL if kind == "text" and rng.random() < 0.5 else a.body_html[3:-4])
        out[i] = replace(a, title=title, published=when, fingerprint=fingerprint(title, text))
    return out


@pytest.mark.parametrize("seed", range(6))
def test_a_rebuild_with_the_memo_finds_what_a_clean_one_finds(seed: int) -> None:
    rng = random.Random(seed)
    articles = site(rng)
    memo = StoryMemo()
    assert stories_of(articles, memo) == stories_of(articles)
    for _ in range(8):
        articles = edited(articles, rng)
        assert stories_of(articles, memo) == stories_of(articles)
    assert stories_of(articles)[0]  # (there are stories to find)


def test_an_edit_scores_again_only_the_blocks_it_touches(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    articles = site(random.Random(1))
    memo = StoryMemo()
    stories_of(articles, memo)
    scored: list[int] = []
    real = blocks._score_block
    monkeypatch.setattr(blocks, "_score_block",
                        lambda context, end, window: scored.append(len(context))
                        or real(context, end, window))
    stories_of(articles, memo)
    assert scored == []  # nothing changed: every block from the memo
    at = next(i for i, a in enumerate(articles) if a.path == "s60a.md")
    articles[at] = replace(articles[at], title="Meta AI, launched",
                           fingerprint=fingerprint("Meta AI, launched", CHATBOT_LAUNCH))
    again = stories_of(articles, memo)
    assert len(scored) == 1  # day 60's block …
    assert scored[0] < len([a for a in articles if a.published]) / 3  # … not the site
    assert again == stories_of(articles)


def test_many_outlets_on_one_event_are_one_story_in_a_busy_block() -> None:
    """Thirty outlets in two days: their shared names are in more than 1/20 of the block's
    articles, but in two periods only, so they are still looked up."""
    rng = random.Random(3)
    articles = [filler(i, rng, START + timedelta(hours=rng.randint(0, 24 * 27)))
                for i in range(300)]
    sentences = LLAMA_APRIL_REWRITE.split(". ")
    for n in range(30):
        rng.shuffle(sentences)
        articles.append(article(f"outlet{n:02d}.md", f"Llama 2, take {n}",
                                ". ".join(sentences[:4]),
                                START + timedelta(days=10, hours=n)))
    found, _ = stories_of(articles)
    assert len(found["outlet00.md"]) == 30


def test_band_mates_are_the_lsh_index_candidates() -> None:
    """The changed articles' buckets looked up directly: the pairs datasketch's index
    gives for the same signatures."""
    rng = np.random.default_rng(5)
    base = rng.integers(0, 1 << 32, size=(40, NUM_PERM), dtype=np.uint32)
    signatures = []
    for i in range(400):  # near copies of a few texts, with some values changed
        sig = base[i % 40].copy()
        changed = rng.random(NUM_PERM) < rng.random() * 0.8
        sig[changed] = rng.integers(0, 1 << 32, size=int(changed.sum()), dtype=np.uint32)
        signatures.append(sig.tobytes())
    lsh = index(NEAR_DUPLICATE)
    for i, sig in enumerate(signatures):
        lsh.insert(i, lean(sig))
    for i in range(0, 400, 7):
        assert sorted(band_mates(signatures[i], signatures)) == sorted(
            lsh.query(lean(signatures[i])))


def test_band_candidates_are_the_lsh_index_candidates() -> None:
    """A cold build's undated pairs, found without building the index: datasketch's
    candidates for every signature queried, from an index of some of them."""
    rng = np.random.default_rng(7)
    base = rng.integers(0, 1 << 32, size=(40, NUM_PERM), dtype=np.uint32)
    signatures = []
    for i in range(400):
        sig = base[i % 40].copy()
        changed = rng.random(NUM_PERM) < rng.random() * 0.8
        sig[changed] = rng.integers(0, 1 << 32, size=int(changed.sum()), dtype=np.uint32)
        signatures.append(sig.tobytes())
    inserted = signatures[::3]
    lsh = index(NEAR_DUPLICATE)
    for k, sig in enumerate(inserted):
        lsh.insert(k, lean(sig))
    expected = sorted((q, k) for q, sig in enumerate(signatures) for k in lsh.query(lean(sig)))
    assert sorted(band_candidates(inserted, signatures)) == expected
    assert len(expected) > len(signatures)  # (copies were found)


def test_the_bands_are_datasketchs_choice() -> None:
    assert bands(NEAR_DUPLICATE) == NEAR_BANDS
