"""Related reading kept from build to build: a rebuild with the memo finds what a clean one
finds, and an edit ranks again only the leads it can change."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from digest.model import Article, Topic
from digest.stories.blocks import StoryMemo
from digest.stories.cluster import cluster_pairs
from digest.stories.fingerprint import fingerprint
from digest.stories.related import related
from digest.stories.related_memo import RelatedMemo, related_kept

from .test_blocks import edited, site

TOPICS = [Topic(name, name.lower()) for name in ("AI", "Chips", "Rail", "Energy", "Cars")]


def with_topics(articles: list[Article], rng: random.Random) -> list[Article]:
    return [replace(a, topics=tuple(rng.sample(TOPICS, rng.randint(0, 3)))) for a in articles]


def readings(articles: list[Article], memo: RelatedMemo | None = None,
             stories_memo: StoryMemo | None = None) -> dict[str, list[str]]:
    """Articles -> {path: related leads' paths}, the objects checked to be this build's."""
    ordered = sorted(articles, key=lambda a: a.sort_key)
    stories, pairs = cluster_pairs(ordered, 3, stories_memo)
    found = related(ordered, stories, pairs) if memo is None \
        else related_kept(ordered, stories, pairs, memo)
    objects = {id(a) for a in ordered}
    assert all(id(lead) in objects for leads in found.values() for lead in leads)
    return {path: [a.path for a in leads] for path, leads in found.items()}


def touched(articles: list[Article], rng: random.Random) -> list[Article]:
    """One edit of test_blocks' kinds, or of topics, or of a text's names only."""
    kind = rng.choice(["blocks", "blocks", "topics", "names", "same"])
    if kind == "blocks":
        return edited(articles, rng)
    out = list(articles)
    i = rng.randrange(len(out))
    a = out[i]
    if kind == "topics":
        out[i] = replace(a, topics=tuple(rng.sample(TOPICS, rng.randint(0, 3))))
    elif kind == "names":
        text = a.body_html[3:-4] + f" Said Ulverston {rng.randint(0, 99)} in Wick."
        out[i] = replace(a, fingerprint=fingerprint(a.title, text))
    else:  # a new object with the same values (a body edit that moves no term)
        out[i] = replace(a, body=a.body + b" ")
    return out


@pytest.mark.parametrize("seed", range(8))
def test_a_rebuild_with_the_memo_ranks_as_a_clean_one(seed: int) -> None:
    rng = random.Random(seed)
    articles = with_topics(site(rng), rng)
    memo, stories = RelatedMemo(), StoryMemo()
    assert readings(articles, memo, stories) == readings(articles)
    for _ in range(12):
        articles = touched(articles, rng)
        assert readings(articles, memo, stories) == readings(articles)


def test_an_edit_ranks_again_only_what_it_can_change() -> None:
    rng = random.Random(2)
    articles = with_topics(site(rng), rng)
    memo = RelatedMemo()
    readings(articles, memo)
    assert memo.ranked == len(memo.leads)  # the first build ranks every lead
    readings(articles, memo)
    assert memo.ranked == 0  # nothing changed
    at = next(i for i, a in enumerate(articles) if a.path == "f007.md")
    articles[at] = replace(articles[at], body=articles[at].body + b" More.")
    readings(articles, memo)
    assert memo.ranked == 0  # a text whose names and numbers are the same
    articles[at] = replace(articles[at], topics=(TOPICS[4],))
    again = readings(articles, memo)
    assert 0 < memo.ranked < len(memo.leads) / 3
    assert again == readings(articles)


def test_a_topic_lists_story_leads_in_the_sites_order() -> None:
    """A story joins a topic's list where its first article is met; the list is still
    newest first (group() sorts only the lists a story joined)."""
    from digest.config import SiteConfig
    from digest.site.group import group
    rng = random.Random(4)
    articles = with_topics(site(rng), rng)
    digest = group(articles, SiteConfig(story_window_days=3))
    assert digest.stories
    for topic_group in digest.topics:
        keys = [a.sort_key for a in topic_group.articles]
        assert keys == sorted(keys)
        assert len({a.path for a in topic_group.articles}) == len(keys)
        assert all(digest.story(a).lead is a for a in topic_group.articles)


def test_a_story_that_loses_an_article_lists_as_a_clean_build() -> None:
    rng = random.Random(5)
    articles = with_topics(site(rng), rng)
    memo = RelatedMemo()
    first = readings(articles, memo)
    assert first["s3b.md"] == first["s3a.md"]  # one story
    articles = [a for a in articles if a.path != "s3b.md"]
    assert readings(articles, memo) == readings(articles)
    articles.append(replace(site(random.Random(5))[0], path="s3b.md"))
    assert readings(articles, memo) == readings(articles)
