"""Related reading: other stories by similarity, topics and time, merged with the front
matter's links, never the article's own story, at most five."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest.model import Link, Topic
from digest.stories.cluster import cluster_pairs
from digest.stories.related import reading_list, related

from .test_cluster import DAY, article
from .texts import CHATBOT_LAUNCH, GEMINI_SAME_DAY, LLAMA_APRIL, LLAMA_APRIL_REWRITE, STRIKE

AI = (Topic("AI", "ai"),)


def site() -> list:
    from dataclasses import replace
    made = [article("llama.md", "Meta releases Llama 2", LLAMA_APRIL),
            article("rewrite.md", "Facebook owner gives away Llama 2", LLAMA_APRIL_REWRITE,
                    DAY + timedelta(hours=5)),
            article("gemini.md", "Google unveils Gemini 1.5", GEMINI_SAME_DAY,
                    DAY + timedelta(days=1)),
            article("bot.md", "Meta launches its chatbot", CHATBOT_LAUNCH,
                    DAY + timedelta(days=2)),
            article("strike.md", "German rail strike", STRIKE, DAY + timedelta(days=1))]
    made += [article(f"n{i}.md", f"AI note {i}", f"A note {i} on something else entirely, "
                     "written for this test about nothing in particular at all today.",
                     DAY + timedelta(days=i % 3)) for i in range(8)]
    return [replace(a, topics=() if a.path == "strike.md" else AI) for a in made]


def test_related_stories_exclude_the_own_story_and_rank_the_similar_first() -> None:
    articles = site()
    stories, pairs = cluster_pairs(articles, 3)
    assert stories["llama.md"] is stories["rewrite.md"]
    found = related(articles, stories, pairs)
    for_llama = [a.path for a in found["llama.md"]]
    assert found["rewrite.md"] == found["llama.md"]  # the story's list, on each member
    assert "rewrite.md" not in for_llama and "llama.md" not in for_llama
    assert len(for_llama) == 5
    assert set(for_llama[:2]) == {"gemini.md", "bot.md"}  # the most alike, then the topic's
    assert "strike.md" not in for_llama  # nothing in common


def test_front_matter_links_are_merged_without_repeats() -> None:
    from dataclasses import replace
    articles = site()
    gemini = next(a for a in articles if a.path == "gemini.md")
    gemini = replace(gemini, original_url="https://g.example/gemini")
    here = replace(articles[0], related=(
        Link("Gemini, the original", "https://g.example/gemini/"),  # = a story listed
        Link("Google unveils Gemini 1.5", "https://other.example/x"),  # its title
        Link("Meta's own blog post", "https://meta.example/llama", "Meta"),
        Link("Meta's own blog post", "https://meta.example/llama#top", "Meta")))
    readings = reading_list(here, [gemini])
    assert [(r.title, r.here) for r in readings] == [("Google unveils Gemini 1.5", True),
                                                      ("Meta's own blog post", False)]


# Term sets of one size are where `a & b` and `b & a` may sum in other orders: many
# short names of one length, so that the intersections' tables collide.
_TERMS = st.frozensets(st.sampled_from([f"t{i}" for i in range(40)]), max_size=12)


@given(st.lists(_TERMS, min_size=2, max_size=6), st.data())
@settings(max_examples=300, deadline=None)
def test_scoring_a_pair_once_gives_both_sides_scores(sets: list[frozenset[str]],
                                                     data: st.DataObject) -> None:
    """_scores(i, j) is exactly (_score(i, j), _score(j, i)), bit for bit."""
    from digest.stories.related import _score, _scores
    from digest.stories.terms import term_weights, weight_of
    weights = {t: w * data.draw(st.floats(0.1, 10.0)) for t, w in term_weights(sets).items()}
    totals = [weight_of(t, weights) for t in sets]
    topics = [frozenset(data.draw(st.lists(st.sampled_from("abc"), max_size=3))) for _ in sets]
    stamps = [data.draw(st.none() | st.floats(0, 1e9)) for _ in sets]
    for i in range(len(sets)):
        for j in range(len(sets)):
            both = _scores(i, j, sets, weights, totals, topics, stamps)
            assert both == (_score(i, j, sets, weights, totals, topics, stamps),
                            _score(j, i, sets, weights, totals, topics, stamps))


@pytest.mark.parametrize("seed", range(6))
def test_related_ranks_as_scoring_every_pair_from_both_sides(seed: int) -> None:
    """related() scores each pair once: it ranks as the plain way does, every lead
    scoring each of its candidates itself."""
    from .test_related_memo import site as busy_site
    from .test_related_memo import with_topics
    rng = random.Random(seed)
    articles = sorted(with_topics(busy_site(rng), rng), key=lambda a: a.sort_key)
    stories, pairs = cluster_pairs(articles, 3)
    found = related(articles, stories, pairs)
    assert {p: [a.path for a in leads] for p, leads in found.items()} == \
        _plain_related(articles, stories, pairs)


def _plain_related(articles: list, stories: dict, pairs: object) -> dict[str, list[str]]:
    """related() as it was written before pairs were scored once."""
    import bisect
    import math

    from digest.stories.related import NEAREST, RELATED, _score
    from digest.stories.terms import term_weights, weight_of
    leads = [a for a in articles if a.path not in stories or stories[a.path].lead is a]
    terms = [t for i, t in enumerate(pairs.terms)  # type: ignore[attr-defined]
             if articles[i] in leads]
    weights = term_weights(terms)
    totals = [weight_of(t, weights) for t in terms]
    stamps = [a.published.timestamp() if a.published else None for a in leads]
    topics = [frozenset(t.slug for t in a.topics) for a in leads]
    at = {a.path: i for i, a in enumerate(leads)}
    lead_of = [at[stories[a.path].lead.path if a.path in stories else a.path] for a in articles]
    found: list[set[int]] = [set() for _ in leads]
    for i, j in pairs:  # type: ignore[attr-defined]
        if lead_of[i] != lead_of[j]:
            found[lead_of[i]].add(lead_of[j])
            found[lead_of[j]].add(lead_of[i])
    by_topic: dict[str, list[tuple[float, int]]] = {}
    for i, a in enumerate(leads):
        for topic in a.topics[:2]:
            by_topic.setdefault(topic.slug, []).append(
                (stamps[i] if stamps[i] is not None else math.inf, i))
    for entries in by_topic.values():
        entries.sort()
    out = {}
    for i, a in enumerate(leads):
        near = set(found[i])
        for topic in a.topics[:2]:
            entries = by_topic[topic.slug]
            where = bisect.bisect_left(entries, (stamps[i] if stamps[i] is not None
                                                 else math.inf, i))
            near.update(j for _, j in entries[max(0, where - NEAREST): where + NEAREST + 1])
        near.discard(i)
        ranked = sorted((-_score(i, j, terms, weights, totals, topics, stamps),
                         leads[j].path, j) for j in near)
        chosen = [leads[j].path for _, _, j in ranked[:RELATED]]
        story = stories.get(a.path)
        for member in story.articles if story is not None else (a,):
            out[member.path] = chosen
    return out


def test_sets_of_one_size_can_score_each_side_differently() -> None:
    """Why _scores works out both sides of two sets of one size: their sums can differ in
    the last bit (and a lead's ranking must be what scoring from its side gives)."""
    from digest.stories.related import _score, _scores
    from digest.stories.terms import term_weights, weight_of
    rng = random.Random(1)
    names = [f"t{i}" for i in range(40)]
    for _ in range(30000):  # (~1 in 1,000 does, with any hash seed)
        size = rng.randint(2, 12)
        sets = [frozenset(rng.sample(names, size)), frozenset(rng.sample(names, size))]
        weights = {t: w * rng.uniform(0.1, 10) for t, w in term_weights(sets).items()}
        totals = [weight_of(t, weights) for t in sets]
        args = (sets, weights, totals, [frozenset(), frozenset()], [None, None])
        ij, ji = _score(0, 1, *args), _score(1, 0, *args)
        if ij != ji:
            assert _scores(0, 1, *args) == (ij, ji)
            return
    raise AssertionError("no pair of one size scored differently from each side")
