"""Related reading: other stories by similarity, topics and time, merged with the front
matter's links, never the article's own story, at most five."""

from __future__ import annotations

from datetime import timedelta

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
