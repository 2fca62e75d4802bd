"""Whole-site passes kept from their last run (digest/passes.py): after any edit, the
duplicates, slugs, canonical topics and sources, and the grouped digest are a clean
build's, and an article no edit touched is the object it was."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from digest.config import SiteConfig
from digest.model import Article, Digest, Source, Topic
from digest.passes import Passes
from digest.read.slugs import assign_slugs
from digest.site.group import group
from digest.stories.blocks import StoryMemo
from digest.stories.duplicates import collapse_duplicates
from digest.stories.related_memo import RelatedMemo

from .stories.test_blocks import edited, site

TOPICS = [Topic(n, n.lower()) for n in ("AI", "ai", " Ai ", "Chips", "Rail")]
SOURCES = [Source("Wire", "wire.example", "wire"), Source("wire", "", "wire"),
           Source("Daily", "daily.example", "daily"), Source("wire.example", "wire.example",
                                                                   "wire-example")]


def dressed(articles: list[Article], rng: random.Random) -> list[Article]:
    """The test site with topics spelt several ways, sources merged by name or domain,
    clashing slugs and a few copies of one original story."""
    return [replace(a, topics=tuple(rng.sample(TOPICS, rng.randint(0, 3))),
                    source=rng.choice(SOURCES), slug=rng.choice([a.slug, "same", "page"]),
                    original_url=rng.choice(["", "", "https://x.example/a", "http://www.x.example/a/"]))
            for a in articles]


def touched(articles: list[Article], rng: random.Random) -> list[Article]:
    kind = rng.choice(["blocks", "topics", "source", "slug", "url", "same"])
    if kind == "blocks":
        return edited(articles, rng)
    out = list(articles)
    i = rng.randrange(len(out))
    a = out[i]
    out[i] = {"topics": lambda: replace(a, topics=tuple(rng.sample(TOPICS, 2))),
              "source": lambda: replace(a, source=rng.choice(SOURCES)),
              "slug": lambda: replace(a, slug=rng.choice(["same", "other", a.slug])),
              "url": lambda: replace(a, original_url="https://x.example/a"),
              "same": lambda: replace(a, body=a.body + b" ")}[kind]()
    return out


def built(articles: list[Article], passes: Passes | None,
          memos: tuple[StoryMemo, RelatedMemo] | None = None) -> tuple[Digest, list[str]]:
    """What build() makes of the articles: with `passes` (and `memos`, the story memos),
    as the live preview does."""
    kept, problems = collapse_duplicates(articles, passes.duplicates if passes else None)
    kept, more = assign_slugs(kept, passes.slugs if passes else None)
    config = SiteConfig(story_window_days=3, topic_aliases={"chips": "Semiconductors"})
    return group(kept, config, *(memos or (None, None)), passes), \
        [str(p) for p in problems + more]


def shown(digest: Digest) -> object:
    """What the pages show of a digest, by value."""
    return (digest.articles, [(d.day, d.groups) for d in digest.days], digest.undated,
            digest.topics, digest.sources, digest.neighbours,
            {p: s.articles for p, s in digest.stories.items()}, list(digest.stories),
            digest.related)


@pytest.mark.parametrize("seed", range(10))
def test_passes_kept_give_what_clean_ones_give(seed: int) -> None:
    rng = random.Random(seed)
    articles = dressed(site(rng), rng)
    passes, memos = Passes(), (StoryMemo(), RelatedMemo())
    for _ in range(16):
        (digest, problems), (clean, clean_problems) = built(articles, passes, memos), \
            built(articles, None)
        assert shown(digest) == shown(clean)
        assert [(a.slug, a.section, a.topics, a.source) for a in digest.articles] == \
            [(a.slug, a.section, a.topics, a.source) for a in clean.articles]
        assert problems == clean_problems
        articles = touched(articles, rng)


def test_an_untouched_article_is_the_object_it_was() -> None:
    rng = random.Random(9)
    articles = dressed(site(rng), rng)
    passes = Passes()
    first = {a.path: a for a in built(articles, passes)[0].articles}
    at = next(i for i, a in enumerate(articles) if a.slug == "same" and a.path in first)
    articles[at] = replace(articles[at], body=b"<p>Edited.</p>")
    again = built(articles, passes)[0].articles
    assert sum(1 for a in again if first[a.path] is not a) == 1


def test_article_pages_kept_are_a_clean_builds() -> None:
    from digest.site.article_pages import Made, article_pages
    from digest.site.render import Page
    rng = random.Random(3)
    articles = dressed(site(rng), rng)
    passes, memos, last = Passes(), (StoryMemo(), RelatedMemo()), Made()
    edits = 0
    for _ in range(30):
        digest = built(articles, passes, memos)[0]
        edits += passes.edit is not None
        kept = [(p.path, p.template, p.context)
                for p in article_pages(digest, Page, last, passes.edit)]
        assert kept == [(p.path, p.template, p.context) for p in article_pages(digest, Page)]
        assert all(context["article"] is digest.articles[i]
                   for i, (context, _) in enumerate(last.pages))
        articles = touched(articles, rng)
    assert edits > 5  # (the edits group() could say were small were many)


def test_published_kept_are_a_clean_runs() -> None:
    from datetime import timedelta

    from digest.passes import Last, published
    rng = random.Random(5)
    articles = site(rng)
    now = max(a.published for a in articles if a.published) - timedelta(days=20)
    last, kept = Last(), 0
    for _ in range(80):
        out = list(articles)
        for i in rng.sample(range(len(out)), rng.choice([1, 1, 2])):
            kind = rng.choice(["body", "body", "draft", "date"])
            a = out[i]
            out[i] = replace(a, body=a.body + b" ") if kind == "body" else \
                replace(a, draft=not a.draft) if kind == "draft" else \
                replace(a, published=now + timedelta(days=rng.randint(-5, 5)))
        articles = out
        now += timedelta(days=rng.choice([0, 0, 0, 1, 3]))
        drafts, future = rng.random() < 0.2, rng.random() < 0.2
        was = last.kept
        got = published(articles, drafts, future, now, last)
        clean = published(articles, drafts, future, now, None)
        assert got[1:] == clean[1:] and len(got[0]) == len(clean[0])
        assert all(a is b for a, b in zip(got[0], clean[0], strict=True))
        kept += was is not None and was[4] is last.kept[4]  # (kept: the same places)
    assert kept > 10
