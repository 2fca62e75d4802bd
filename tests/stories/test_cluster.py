"""Same-story clusters from small hand-written cases: copies, rewrites, other events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from digest.model import Article, Source
from digest.stories.cluster import cluster, lead_order
from digest.stories.fingerprint import fingerprint

from .texts import (
    CHATBOT_LAUNCH,
    GEMINI_SAME_DAY,
    LLAMA_APRIL,
    LLAMA_APRIL_REWRITE,
    LLAMA_JULY,
    STRIKE,
)

DAY = datetime(2023, 4, 18, 9, 0, tzinfo=UTC)


def article(path: str, title: str, text: str, when: datetime | None = DAY,
            source: str = "", quality: float | None = None) -> Article:
    """An article as normalise makes it, with the fingerprint of its title and text."""
    name = source or path.split(".")[0]
    return Article(path=path, slug=path.split(".")[0], title=title, published=when,
                   source=Source(name, f"{name.lower()}.example", name.lower()),
                   body=f"<p>{text}</p>".encode(), meta={} if quality is None else
                   {"quality": quality}, fingerprint=fingerprint(title, text))


def groups(articles: list[Article], window: int = 3) -> list[list[str]]:
    """Articles -> the stories of two or more, as sorted lists of paths."""
    stories = cluster(articles, window)
    found = {tuple(sorted(a.path for a in s.articles)) for s in stories.values()}
    return sorted(list(g) for g in found)


def test_a_near_duplicate_from_another_source_is_one_story() -> None:
    copy = LLAMA_APRIL.replace("on Tuesday", "this week").replace("Analysts", "Experts")
    got = groups([article("a.md", "Meta releases Llama 2", LLAMA_APRIL),
                  article("b.md", "Meta releases Llama 2 model", copy, DAY + timedelta(hours=3)),
                  article("c.md", "German rail strike", STRIKE)])
    assert got == [["a.md", "b.md"]]


def test_a_syndicated_copy_under_another_headline_is_one_story() -> None:
    got = groups([article("wire.md", "Meta releases Llama 2", LLAMA_APRIL),
                  article("paper.md", "Zuckerberg gives away his AI for free", LLAMA_APRIL,
                          DAY + timedelta(hours=5))])
    assert got == [["paper.md", "wire.md"]]


def test_a_rewrite_of_the_same_report_is_one_story() -> None:
    got = groups([article("a.md", "Meta releases Llama 2, free for commercial use",
                          LLAMA_APRIL),
                  article("b.md", "Facebook owner gives away Llama 2 with Microsoft",
                          LLAMA_APRIL_REWRITE, DAY + timedelta(hours=20))])
    assert got == [["a.md", "b.md"]]


def test_the_same_topic_months_apart_is_two_stories() -> None:
    """A model release in April and another in July are separate stories."""
    got = groups([article("april.md", "Meta releases Llama 2", LLAMA_APRIL),
                  article("july.md", "Meta releases Llama 3", LLAMA_JULY,
                          DAY + timedelta(days=92))])
    assert got == []


def test_a_chatbot_launch_two_weeks_after_a_model_report_is_another_story() -> None:
    got = groups([article("model.md", "Meta releases Llama 2", LLAMA_APRIL),
                  article("bot.md", "Meta launches its chatbot", CHATBOT_LAUNCH,
                          DAY + timedelta(days=14))])
    assert got == []


def test_the_same_subject_on_the_same_day_but_another_event_is_another_story() -> None:
    """Google's model launch the same day as Meta's shares the vocabulary, not the event."""
    got = groups([article("meta.md", "Meta releases Llama 2", LLAMA_APRIL),
                  article("google.md", "Google unveils Gemini 1.5", GEMINI_SAME_DAY,
                          DAY + timedelta(hours=2)),
                  article("bot.md", "Meta launches its chatbot", CHATBOT_LAUNCH,
                          DAY + timedelta(hours=4))])
    assert got == []


def test_the_same_text_outside_the_window_is_another_story() -> None:
    got = groups([article("a.md", "Meta releases Llama 2", LLAMA_APRIL),
                  article("b.md", "Meta releases Llama 2", LLAMA_APRIL,
                          DAY + timedelta(days=5))])
    assert got == []
    wider = groups([article("a.md", "Meta releases Llama 2", LLAMA_APRIL),
                    article("b.md", "Meta releases Llama 2", LLAMA_APRIL,
                            DAY + timedelta(days=5))], window=7)
    assert wider == [["a.md", "b.md"]]


def test_a_story_never_spans_more_than_the_window() -> None:
    """Copies a day apart each do not chain into a week-long story."""
    got = groups([article(f"{i}.md", "Meta releases Llama 2", LLAMA_APRIL,
                          DAY + timedelta(days=2 * i)) for i in range(4)])
    assert all(len(g) <= 2 for g in got) and got


def test_an_undated_article_joins_only_on_a_near_duplicate_text() -> None:
    got = groups([article("dated.md", "Meta releases Llama 2", LLAMA_APRIL),
                  article("copy.txt", "Llama 2 is out", LLAMA_APRIL, None),
                  article("rewrite.txt", "Facebook owner gives away Llama 2",
                          LLAMA_APRIL_REWRITE, None)])
    assert got == [["copy.txt", "dated.md"]]


def test_short_texts_alike_are_not_a_story() -> None:
    got = groups([article("a.md", "Story 1", "Body."), article("b.md", "Story 2", "Body.")])
    assert got == []


def test_the_lead_is_the_highest_quality_else_the_earliest() -> None:
    early = article("early.md", "Meta releases Llama 2", LLAMA_APRIL)
    late = article("late.md", "Llama 2 is out", LLAMA_APRIL, DAY + timedelta(hours=6))
    best = article("best.md", "Llama 2, explained", LLAMA_APRIL, DAY + timedelta(hours=9),
                   quality=0.9)
    story = cluster([late, early], 3)["late.md"]
    assert [a.path for a in story.articles] == ["early.md", "late.md"]
    assert story.id == "early"
    story = cluster([late, best, early], 3)["early.md"]
    assert story.lead is best and story.id == "best"
    assert sorted([best, early, late], key=lead_order)[0] is best


def test_the_story_id_does_not_depend_on_the_order_articles_come_in() -> None:
    a = article("a.md", "Meta releases Llama 2", LLAMA_APRIL)
    b = article("b.md", "Llama 2 is out", LLAMA_APRIL_REWRITE, DAY + timedelta(hours=1))
    c = article("c.md", "Zuckerberg's free AI", LLAMA_APRIL, DAY + timedelta(hours=2))
    first, second = cluster([a, b, c], 3), cluster([c, a, b], 3)
    assert {p: s.id for p, s in first.items()} == {p: s.id for p, s in second.items()}
    assert first["c.md"].id == "a"


def test_a_brief_cut_from_the_start_of_a_report_is_one_story() -> None:
    report = " ".join([LLAMA_APRIL, LLAMA_APRIL_REWRITE, STRIKE.replace("Germany", "Spain")])
    brief = LLAMA_APRIL[:400]
    got = groups([article("report.md", "Meta releases Llama 2", report),
                  article("brief.md", "In brief: Llama", brief, DAY + timedelta(hours=1))])
    assert got == [["brief.md", "report.md"]]
