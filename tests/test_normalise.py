"""normalise.py: front matter and plain text -> Article, with problems naming the file."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from digest.config import SiteConfig, TopicRule
from digest.model import Article, SourceFile
from digest.read.dates import parse_datetime
from digest.read.markdown import _URL_ATTRIBUTE, url_attributes
from digest.read.normalise import normalise
from digest.read.slugs import assign_slugs, duplicate_urls, slugify
from digest.read.text import FieldProblem, safe_url
from digest.read.topics import topics_by_rules
from tests.conftest import NOW, SEEDS

CONFIG = SiteConfig()


def article(text: str, name: str = "a.md", config: SiteConfig = CONFIG) -> Article:
    result, _ = normalise(SourceFile(name, text, "0", "." + name.rsplit(".", 1)[-1]), config, NOW)
    assert result is not None
    return result


def problems(text: str, name: str = "a.md") -> list[str]:
    _, found = normalise(SourceFile(name, text, "0", "." + name.rsplit(".", 1)[-1]), CONFIG, NOW)
    return [str(p) for p in found]


def test_seed_000_aggregator_export() -> None:
    path = next(SEEDS.glob("000_*.txt"))
    a = article(path.read_text(encoding="utf-8"), path.name)
    assert a.title == "Facebook Execs Panicking as They Try to Catch Up in AI Race"
    assert a.published == datetime(2023, 4, 28, 15, 52, tzinfo=UTC)
    assert a.draft is True
    assert [t.name for t in a.topics] == ["Facebook AI", "AI", "AI Hardware"]
    assert a.source is not None and (a.source.name, a.source.domain) == ("Futurism",
                                                                         "futurism.com")
    assert a.original_url == "https://futurism.com/the-byte/facebook-execs-panicking-ai-race"
    assert a.excerpt.startswith("In other words, Meta was already behind")
    assert a.image is not None and (a.image.width, a.image.height) == (1200, 630)
    assert a.image.url.endswith("facebook-execs-panicking-ai-race.jpg")
    assert [link.source for link in a.related] == ["Forbes", "Forbes", "CIO"]
    assert a.related[0].published == datetime(2023, 5, 2, 6, 29, tzinfo=UTC)
    assert a.body_html == ""
    assert "secured" in a.meta and "secured" not in {"title"}  # kept, never printed


def test_plain_seed_001() -> None:
    path = next(SEEDS.glob("001_*.txt"))
    a = article(path.read_text(encoding="utf-8"), path.name)
    assert a.published == datetime(2023, 9, 11, tzinfo=UTC)
    assert a.standfirst.startswith("Meta unveils")
    assert a.excerpt.startswith("Meta unveils")
    assert [t.name for t in a.topics] == ["Uncategorized"]  # no rules in this config
    assert a.source is None
    assert a.word_count > 400 and a.reading_minutes == 2
    assert a.body_html.startswith("<p>In a pivotal move")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-09-11T14:30:00Z", datetime(2023, 9, 11, 14, 30, tzinfo=UTC)),
        ("2023-09-11T14:30:00+02:00", datetime(2023, 9, 11, 12, 30, tzinfo=UTC)),
        ("2023-09-11 14:30", datetime(2023, 9, 11, 14, 30, tzinfo=ZoneInfo("Europe/Paris"))),
        ("2023-09-11", datetime(2023, 9, 11, tzinfo=ZoneInfo("Europe/Paris"))),
        ("Mon, 11 Sep 2023 14:30:00 +0000", datetime(2023, 9, 11, 14, 30, tzinfo=UTC)),
        ("September 11, 2023", datetime(2023, 9, 11, tzinfo=ZoneInfo("Europe/Paris"))),
        (1694442600, datetime(2023, 9, 11, 14, 30, tzinfo=UTC)),
        (1694442600000, datetime(2023, 9, 11, 14, 30, tzinfo=UTC)),
        ("1694442600", datetime(2023, 9, 11, 14, 30, tzinfo=UTC)),
        (datetime(2023, 9, 11, 14, 30), datetime(2023, 9, 11, 14, 30,
                                                 tzinfo=ZoneInfo("Europe/Paris"))),
    ],
)
def test_dates(value: object, expected: datetime) -> None:
    result = parse_datetime(value, ZoneInfo("Europe/Paris"))
    assert result == expected
    assert result.tzinfo is not None


@pytest.mark.parametrize("value", ["2023-02-30", "yesterday-ish", 2023, "2023", True, [1], None])
def test_bad_dates_say_why(value: object) -> None:
    with pytest.raises(FieldProblem):
        parse_datetime(value, ZoneInfo("UTC"))


def test_date_precedence_front_matter_then_filename_then_dateline() -> None:
    dateline = "Title\n\nMonday September 11, 2023\n\nBody text."
    assert article(dateline, "x.txt").published == datetime(2023, 9, 11, tzinfo=UTC)
    assert article(dateline, "2022-01-02-x.txt").published == datetime(2022, 1, 2, tzinfo=UTC)
    front = "---\ndate: 2021-05-06\n---\n" + dateline
    assert article(front, "2022-01-02-x.txt").published == datetime(2021, 5, 6, tzinfo=UTC)
    assert article("Title\n\nBody.", "x.txt").published is None


def test_impossible_date_is_a_problem_with_its_line_and_the_rest_is_kept() -> None:
    text = "---\ntitle: Kept\ndate: 2023-02-30\n---\nBody"
    a = article(text)
    assert a.title == "Kept" and a.published is None
    assert problems(text) == ["a.md:3: date: impossible date '2023-02-30'"]


def test_future_dates_warn_only_when_shown() -> None:
    """Left out (the default), a story dated ahead waits for its day: the summary counts it,
    no warning. Shown with --future, a date far ahead may be a typo, and is named."""
    future = (NOW + timedelta(days=30)).date().isoformat()
    text = f"---\ntitle: T\ndate: {future}\n---\nx"
    assert not any("in the future" in p for p in problems(text))
    shown = replace(CONFIG, future=True)
    _, found = normalise(SourceFile("a.md", text, "0", ".md"), shown, NOW)
    assert [str(p) for p in found] == [
        f"a.md: date {future} is in the future; shown anyway (--no-future to leave it out)"]


def test_drafts() -> None:
    assert article("---\ndraft: true\n---\nx").draft
    assert article("---\npublished: false\n---\nx").draft
    assert not article("---\npublished: true\n---\nx").draft
    published_date = article("---\npublished: 2023-09-11\n---\nx")
    assert not published_date.draft
    assert published_date.published == datetime(2023, 9, 11, tzinfo=UTC)


def test_topics_from_every_key_deduplicated_case_insensitively() -> None:
    a = article("---\ntopics: AI, Chips\ntags: [ai, Robots]\ncategories: [{name: X}, [nested]]\n"
                "---\nx")
    assert [t.name for t in a.topics] == ["AI", "Chips", "Robots", "X"]


def topic_list(count: int, key: str = "topics") -> str:
    return f"{key}: [{', '.join(f'Topic {i}' for i in range(count))}]"


@pytest.mark.parametrize(("front", "limit", "kept", "warned"), [
    (topic_list(5000), 20, 20, "a.md:3: 5,000 topics; only the first 20 are kept"),
    (topic_list(21, "tags"), 20, 20, "a.md:3: 21 topics; only the first 20 are kept"),
    (topic_list(20), 20, 20, None),
    (topic_list(8), 3, 3, "a.md:3: 8 topics; only the first 3 are kept"),
    # counted once merged: 12 + 12 spellings of the same twelve
    (f"{topic_list(12)}\ntags: [{', '.join(f'topic {i}' for i in range(12))}]", 12, 12, None),
])
def test_topics_per_article_are_capped_with_a_warning(
        front: str, limit: int, kept: int, warned: str | None) -> None:
    config = SiteConfig(max_topics=limit)
    text = f"---\ntitle: Many\n{front}\n---\nBody"
    result, found = normalise(SourceFile("a.md", text, "0", ".md"), config, NOW)
    assert result is not None
    assert [t.name for t in result.topics] == [f"Topic {i}" for i in range(kept)]
    messages = [str(p) for p in found]
    assert messages == ([f"{warned} (max_topics in digest.yaml)"] if warned else [])


def test_topics_from_rules_are_capped_too() -> None:
    config = SiteConfig(max_topics=1, topic_rules=(TopicRule("Chips", ("Nvidia",), 1),
                                                   TopicRule("GPUs", ("GPU",), 1)))
    result = article("Nvidia\n\nNvidia makes a GPU.", "a.txt", config)
    assert [t.name for t in result.topics] == ["Chips"]


@pytest.mark.parametrize(
    ("front", "field"),
    [
        ("title: [1, 2]", None),
        ("title: {a: b}", "title"),
        ("images: 5", "images"),
        ("provider: [1]", "provider"),
        ("related: yes", "related"),
        ("topics: {a: b}", "topics"),
    ],
)
def test_wrong_types_never_raise(front: str, field: str | None) -> None:
    found = problems(f"---\n{front}\n---\nBody")
    if field:
        assert any(f": {field}: " in p for p in found), found


def test_title_falls_back_to_the_first_line_then_the_file_name() -> None:
    assert article("---\nx: 1\n---\nFirst line\n\nBody", "a.txt").title == "First line"
    assert article("---\nx: 1\n---\n# Heading\n\nBody", "my-story.md").title == "my story"


def test_long_titles_are_cut() -> None:
    a = article("---\ntitle: " + "word " * 2000 + "\n---\nx")
    assert len(a.title) <= CONFIG.max_title_length + 1
    assert a.title.endswith("…")


def test_markdown_is_sanitised_and_headings_shift() -> None:
    a = article("---\ntitle: T\n---\n# Head\n\n<script>alert(1)</script>"
                "<a href='javascript:alert(1)' onclick='x()'>link</a> <b>bold</b>\n")
    assert "<h2>Head</h2>" in a.body_html
    assert "script" not in a.body_html and "onclick" not in a.body_html
    assert "javascript" not in a.body_html
    assert "<b>bold</b>" in a.body_html


MARKDOWN_SYNTAX = """---
title: T
---
A table:

| model | maker |
|---|---|
| Llama | Meta |

~~old~~ new, see https://example.org/x and a note[^1].

[^1]: The note.

- [x] shipped
"""


def test_commonmark_is_the_default_with_github_extensions() -> None:
    html = article(MARKDOWN_SYNTAX).body_html
    assert "<td>Llama</td>" in html and "<del>old</del>" in html
    assert '<a href="https://example.org/x"' in html
    # footnotes link both ways by id, and a task-list box stays visible as text
    assert 'href="#fn-1" id="fnref-1"' in html and '<li id="fn-1">' in html
    assert "<li>[x] shipped</li>" in html


def test_python_markdown_engine_reads_extra_syntax() -> None:
    config = SiteConfig(markdown="python-markdown")
    text = "---\ntitle: T\n---\nTerm\n:   Its definition\n\n*[HTML]: Hypertext\n\nHTML.\n"
    html = article(text, config=config).body_html
    assert "<dl>" in html and "<dd>Its definition</dd>" in html
    assert '<abbr title="Hypertext">HTML</abbr>' in html
    assert "<td>Llama</td>" in article(MARKDOWN_SYNTAX, config=config).body_html


@pytest.mark.parametrize("engine", ["commonmark", "python-markdown"])
def test_only_footnote_ids_survive(engine: str) -> None:
    text = '---\ntitle: T\n---\n<p id="search">x</p> <a id="fn-2" href="#x">y</a>\n'
    html = article(text, config=SiteConfig(markdown=engine)).body_html
    assert 'id="search"' not in html and 'id="fn-2"' in html


def test_entity_encoded_schemes_are_reported() -> None:
    found = problems('---\ntitle: T\n---\n<a href="java&#x09;script:alert(1)">x</a>\n')
    assert "a.md: unsafe link 'javascript:' in the body; removed" in found


@settings(max_examples=500)
@given(st.lists(st.sampled_from(["href", "src", "HrEf", "\u017frc", "=", " ", "\t", "\n",
                                  "\u2028", "x", "_", "<a ", '"', "'"]), max_size=20).map("".join))
@example("src==")
def test_url_attributes_are_where_the_pattern_finds_them(text: str) -> None:
    """The backwards search from each '=' finds what a scan of the text finds."""
    assert list(url_attributes(text)) == [m.start() for m in _URL_ATTRIBUTE.finditer(text)]


def test_excerpt_is_the_first_paragraph_cut_at_a_word() -> None:
    a = article("Title\n\n" + " ".join(f"w{i}" for i in range(100)) + ".", "a.txt")
    assert a.excerpt.split()[-1] == "w39…"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/a", "https://example.com/a"),
        (" https://example.com/a ", "https://example.com/a"),
        ("//example.com/a", "https://example.com/a"),
        ("mailto:a@b.c", "mailto:a@b.c"),
        ("images/a.jpg", "images/a.jpg"),
        ("", ""),
    ],
)
def test_safe_urls(url: str, expected: str) -> None:
    assert safe_url(url) == expected


@pytest.mark.parametrize("url", ["javascript:alert(1)", " JaVaScRiPt:alert(1)",
                                 "java\tscript:alert(1)", "vbscript:x", "data:text/html,x",
                                 "file:///etc/passwd", "http://"])
def test_unsafe_urls(url: str) -> None:
    with pytest.raises(FieldProblem):
        safe_url(url)


def test_unsafe_original_url_is_dropped_with_a_problem() -> None:
    text = "---\ntitle: T\noriginalUrl: 'javascript:alert(1)'\n---\nx"
    assert article(text).original_url == ""
    assert any("unsafe URL scheme" in p for p in problems(text))


@pytest.mark.parametrize(
    ("text", "slug"),
    [("Meta’s AI: the race!", "metas-ai-the-race"), ("Ça va déjà", "ca-va-deja"),
     ("../../etc/passwd", "etc-passwd"), ("🙂", "untitled"), ("-leading dash", "leading-dash"),
     ("CON", "con-1"), ("nul", "nul-1"),
     # transliterated by python-slugify: nothing is dropped for not being Latin
     ("Zürich–Łódź", "zurich-lodz"), ("Berlin–Paris", "berlin-paris"), ("Straße", "strasse"),
     ("Київ", "kiiv"), ("日本語", "ri-ben-yu"),
     ("Mark Zuckerberg's Meta", "mark-zuckerbergs-meta")],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_slug_collisions_resolve_deterministically() -> None:
    a, b, c = (article("---\ntitle: Same\n---\nx", f"{n}.md") for n in "bac")
    reserved = article("---\ntitle: Index\n---\nx", "d.md")
    slugs, found = assign_slugs([a, b, c, reserved])
    assert [(x.path, x.slug) for x in slugs] == [("a.md", "same"), ("b.md", "same-2"),
                                                 ("c.md", "same-3"), ("d.md", "index-article")]
    assert len(found) == 3


def test_topic_rules() -> None:
    config = SiteConfig(topic_rules=(TopicRule("Chips", ("Nvidia", "GPU")),
                                     TopicRule("Llama", ("Llama",), 5)), default_topic="Other")
    text = "Title about Llama\n\nNvidia makes a GPU. Nvidia again."
    assert [t.name for t in article(text, "a.txt", config).topics] == ["Llama", "Chips"]
    none = article("Nothing\n\nAt all.", "b.txt", config)
    assert [t.name for t in none.topics] == ["Other"]
    own = article("---\ntopics: [Own]\n---\nNvidia GPU", config=config)
    assert [t.name for t in own.topics] == ["Own"]
    assert topics_by_rules("x", "a gpu, another GPU", config.topic_rules, "U") == ["Chips"]


RULES = tuple(TopicRule(name, (name.lower(),), 1) for name in ("Rail", "Bus", "Tram", "Ferry",
                                                                "Bike", "Walk"))
MANY = "Transport\n\nRail rail rail rail rail, bus bus bus bus, tram tram tram, ferry ferry, " \
       "bike and walk."


@pytest.mark.parametrize(("cap", "kept", "problem"), [
    (4, ["Rail", "Bus", "Tram", "Ferry"], "a.txt: topic rules matched 6 topics; only the best 4 "
     "are kept (Bike, Walk left out; topics.max_from_rules in digest.yaml)"),
    (5, ["Rail", "Bus", "Tram", "Ferry", "Bike"], "a.txt: topic rules matched 6 topics; only "
     "the best 5 are kept (Walk left out; topics.max_from_rules in digest.yaml)"),
    (6, ["Rail", "Bus", "Tram", "Ferry", "Bike", "Walk"], None),
])
def test_topic_rules_stop_at_a_cap_and_say_so(cap: int, kept: list[str],
                                              problem: str | None) -> None:
    config = SiteConfig(topic_rules=RULES, max_rule_topics=cap)
    result, found = normalise(SourceFile("a.txt", MANY, "0", ".txt"), config, NOW)
    assert result is not None and [t.name for t in result.topics] == kept
    assert [str(p) for p in found] == ([problem] if problem else [])
    assert all(p.severity == "note" and not p.counts for p in found)  # --strict passes


def test_the_rules_cap_defaults_to_4() -> None:
    assert len(article(MANY, "a.txt", SiteConfig(topic_rules=RULES)).topics) == 4


def test_duplicate_original_urls_warn() -> None:
    first = article("---\ntitle: A\noriginalUrl: https://www.x.com/a/\n---\nx", "a.md")
    second = article("---\ntitle: B\noriginalUrl: https://x.com/a\n---\nx", "b.md")
    found = duplicate_urls([second, first])
    assert [str(p) for p in found] == ["b.md: same original URL as a.md; both are kept"]


def test_empty_files_are_problems() -> None:
    result, found = normalise(SourceFile("e.txt", " \n\t\n", "0", ".txt"), CONFIG, NOW)
    assert result is None
    assert [str(p) for p in found] == ["e.txt: empty file; skipped"]


_ = timezone


def test_control_characters_leave_markdown_bodies() -> None:
    a = article("---\ntitle: T\n---\nBell\x07 and \u202eoverride\u202c and zero\u200bwidth.\n")
    assert a.body_html == "<p>Bell and override and zerowidth.</p>"
