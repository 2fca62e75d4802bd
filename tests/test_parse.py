"""parse.py: front matter splitting and the structure of plain-text articles."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from digest.config import DEFAULT_PROMO_PATTERNS
from digest.read.frontmatter import split_front_matter
from digest.read.pasted import FURNITURE_PATTERNS
from digest.read.plaintext import (
    _CONTROL,
    _MD_LINK,
    _MD_LIST_ITEM,
    _MD_MARKUP,
    _is_header,
    _strip_markup,
    parse_dateline,
    parse_plain,
    promo_matchers,
    strip_controls,
    strip_promo_markdown,
)
from tests.conftest import SEEDS


def seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def plain(prefix: str):
    return parse_plain(seed(prefix), DEFAULT_PROMO_PATTERNS)


# ------------------------------------------------------------- front matter


def test_seed_000_is_front_matter_only() -> None:
    front = split_front_matter(seed("000"))
    assert front.meta is not None
    assert front.meta["title"] == "Facebook Execs Panicking as They Try to Catch Up in AI Race"
    assert front.meta["published"] is False
    assert front.meta["provider"] == {"name": "Futurism", "domain": "futurism.com"}
    assert front.meta["topics"] == ["Facebook AI", "AI", "AI Hardware"]
    assert front.body.strip() == ""
    assert front.problems == ()


def test_timestamps_stay_text_so_one_bad_date_does_not_lose_the_rest() -> None:
    front = split_front_matter("---\ntitle: T\ndate: 2023-02-30\n---\nbody\n")
    assert front.meta == {"title": "T", "date": "2023-02-30"}
    assert front.body == "body\n"


@pytest.mark.parametrize(
    ("text", "meta", "body"),
    [
        ("no front matter\n", None, "no front matter\n"),
        ("---\ntitle: A\n---\n\nBody\n", {"title": "A"}, "Body\n"),
        ("---\n---\nBody\n", {}, "Body\n"),
        ("----\ntitle: A\n----\nBody", {"title": "A"}, "Body"),
        ("---\ntitle: A\n...\nBody\n", None, None),  # '...' closes only when followed by ---
    ],
)
def test_front_matter_variants(text: str, meta: dict | None, body: str | None) -> None:
    front = split_front_matter(text)
    if meta is None and body is None:
        return  # only: must not raise
    assert front.meta == meta
    assert front.body == body


def test_body_line_counts_the_front_matter() -> None:
    front = split_front_matter("---\ntitle: A\nx: 1\n---\nBody\n")
    assert front.body_line == 5


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('---\ntitle: "unclosed\n---\nbody', 2, "invalid front matter"),
        ("---\n- a\n- b\n---\nbody", 2, "not a mapping"),
        ("---\njust a string\n---\nbody", 2, "not a mapping"),
        ("---\ntitle: A\ntitle: B\n---\nbody", 3, "duplicate key 'title'"),
        ("---\nx: !!python/object/apply:os.system ['echo hi']\n---\n", 2, "invalid front matter"),
        ("---\ntitle: A\nbody without closing\n", 1, "never closed"),
    ],
)
def test_front_matter_problems_name_the_line(text: str, line: int, words: str) -> None:
    front = split_front_matter(text)
    assert any(ln == line and words in message for ln, message in front.problems), front.problems


def test_alias_bomb_is_refused() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [{', '.join(['*' + prev] * 9)}]")
    front = split_front_matter("---\n" + "\n".join(lines) + "\n---\nbody")
    assert front.meta == {}
    assert any("alias" in message for _, message in front.problems)


def test_tabs_in_front_matter_are_forgiven() -> None:
    front = split_front_matter("---\nprovider:\n\tname: X\n---\n")
    assert front.meta == {"provider": {"name": "X"}}


# ------------------------------------------------------------- plain text seeds


def test_seed_001_title_standfirst_dateline_and_promo() -> None:
    doc = plain("001")
    assert doc.title == ("Mark Zuckerberg's Meta: Setting the Stage for an AI Revolution "
                         "against OpenAI")
    assert doc.standfirst.startswith("Meta unveils a groundbreaking AI initiative")
    # the pasted header reads the dateline now (an aware datetime in the zone given)
    assert doc.published == datetime(2023, 9, 11, tzinfo=UTC)
    texts = [b.text for b in doc.blocks]
    assert all(b.kind == "p" for b in doc.blocks)
    assert len(doc.blocks) == 8
    assert texts[0].startswith("In a pivotal move")
    assert texts[-1].endswith("technological prowess and collaboration.")
    assert not any(doc.title in t for t in texts)  # the repeated title is gone
    assert "3 min Read" in doc.dropped
    assert not any("Huawei" in t or "Also Read" in t for t in texts)


def test_seed_002_blank_line_paragraphs_and_email_artefacts() -> None:
    doc = plain("002")
    assert doc.title.startswith("Mark Zuckerberg Was Early in AI.")
    assert doc.dateline is None
    assert len(doc.blocks) == 35
    assert doc.blocks[-1].text == "Two weeks later, OpenAI launched ChatGPT."
    assert not any("email" in b.text for b in doc.blocks)


def test_seed_003_single_newline_paragraphs_and_promo_lines() -> None:
    doc = plain("003")
    assert doc.title.startswith("Mark Zuckerberg Takes Aim At Elon Musk")
    texts = [b.text for b in doc.blocks]
    assert len(texts) == 8
    assert texts[0].startswith("Meta Platforms Inc (NASDAQ:META) founder")
    promo = ("See Also", "Read Also", "•", "Nvidia’s Potential")
    assert not any(t.startswith(promo) for t in texts)
    assert texts[-1].startswith("Zuckerberg also spoke about")


def test_seed_004_headings_and_lists() -> None:
    doc = plain("004")
    assert doc.title == "Meta Doubles down on Generative AI with Billion-Dollar Investment"
    kinds = [b.kind for b in doc.blocks]
    headings = [b.text for b in doc.blocks if b.kind == "h"]
    assert headings == ["Meta’s AI Strategy Takes Shape", "What This Means for the future of Meta",
                        "Frequently Asked Questions"]
    assert kinds[-1] == "ul"
    assert doc.blocks[-1].items[0] == "What is generative AI?"
    assert len(doc.blocks[-1].items) == 6
    assert "Table of Contents" in doc.dropped
    quote = next(b for b in doc.blocks if b.text.startswith("“Mr Zuckerberg"))
    assert quote.kind == "p"  # ends with punctuation inside the quote: not a heading


# ------------------------------------------------------------- plain text rules


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Monday September 11, 2023,", date(2023, 9, 11)),
        ("September 11, 2023", date(2023, 9, 11)),
        ("Sept. 11, 2023", date(2023, 9, 11)),
        ("11 September 2023", date(2023, 9, 11)),
        ("Mon, 11 Sep 2023", date(2023, 9, 11)),
        ("2023-09-11", date(2023, 9, 11)),
        ("Published: 2023-09-11 14:30", date(2023, 9, 11)),
        ("June 3, 2024 at 10:15 a.m. ET", date(2024, 6, 3)),
        ("February 30, 2023", None),
        ("In September 11, 2023 something happened at length", None),
        ("The meeting is on Monday", None),
    ],
)
def test_datelines(line: str, expected: date | None) -> None:
    assert parse_dateline(line) == expected


def test_dateline_only_near_the_top() -> None:
    text = "Title\n\n" + "\n\n".join(f"Paragraph {i}." for i in range(10)) + "\n\nMay 1, 2023\n"
    assert parse_plain(text).dateline is None


def test_lines_become_list_items_and_headings_need_paragraphs_around() -> None:
    doc = parse_plain("Title\n\nIntro text here.\n\nA Short Heading\n\nMore text.\n\n"
                      "- one\n- two\n\n* three\n")
    assert [b.kind for b in doc.blocks] == ["p", "h", "p", "ul"]
    assert doc.blocks[-1].items == ("one", "two", "three")


def test_a_closing_short_line_is_not_a_heading() -> None:
    doc = parse_plain("Title\n\nSome text.\n\nThe End")
    assert [b.kind for b in doc.blocks] == ["p", "p"]


def test_promo_patterns_are_configurable() -> None:
    text = "Title\n\nBody text.\n\nSponsored by Acme\n\nMore body."
    assert len(parse_plain(text, ()).blocks) == 3
    assert len(parse_plain(text, (r"sponsored by .*",)).blocks) == 2


def test_known_title_keeps_every_line_in_the_body() -> None:
    doc = parse_plain("First line of body.\n\nSecond.", title="Known")
    assert doc.title == "Known"
    assert [b.text for b in doc.blocks] == ["First line of body.", "Second."]


def test_control_and_bidi_characters_are_removed() -> None:
    doc = parse_plain("Ti\u202etle\x07\n\nText\u200b here.")
    assert doc.title == "Title"
    assert doc.blocks[0].text == "Text here."


@given(st.text())
def test_any_text_parses(text: str) -> None:
    doc = parse_plain(text, DEFAULT_PROMO_PATTERNS)
    assert isinstance(doc.title, str)
    split_front_matter(text)


@given(st.text(alphabet=st.sampled_from(list("-:\n \t\"'[]{}&*!|>%@`#,?abc123"))))
def test_yaml_like_text_never_raises(text: str) -> None:
    split_front_matter("---\n" + text + "\n---\nbody")


def test_seed_files_are_untouched() -> None:
    """The seeds are the user's input: byte-identical to ../shared/seeds when that exists."""
    shared = SEEDS.parent.parent / "shared" / "seeds"
    if not shared.is_dir():
        pytest.skip("../shared/seeds is not beside this checkout")
    for path in shared.iterdir():
        assert (SEEDS / path.name).read_bytes() == path.read_bytes()
    assert sorted(p.name for p in SEEDS.iterdir()) == sorted(p.name for p in shared.iterdir())



def test_a_word_broken_across_lines_is_mended() -> None:
    doc = plain("002")
    paragraph = next(b.text for b in doc.blocks if "internally a" in b.text)
    assert "each internally and publicly" in paragraph
    joined = parse_plain("T\n\nThe cat sat\non the mat and the cat\nate.\n\nThe end.")
    assert joined.blocks[0].text == "The cat sat on the mat and the cat ate."


def _promo_line_by_line(text: str, patterns: tuple[str, ...]) -> tuple[str, list[str]]:
    """strip_promo_markdown as first written: each line's markup stripped on its own."""
    promo = promo_matchers(patterns)
    kept: list[str] = []
    dropped: list[str] = []
    in_fence = taking_list = False
    for line in text.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        plain = _MD_MARKUP.sub("", _MD_LINK.sub(r"\1", line) if "](" in line else line).strip()
        if in_fence or not plain:
            taking_list = taking_list and not plain
            kept.append(line)
            continue
        if taking_list and _MD_LIST_ITEM.match(line):
            dropped.append(line)
            continue
        taking_list = False
        if any(p.match(plain) for p in promo):
            dropped.append(line)
            taking_list = _is_header(plain)
            continue
        kept.append(line)
    return "\n".join(kept), dropped


@given(st.lists(st.sampled_from([
    "", " ", "Body text.", "**Related coverage:** [A](https://x.example/a)", "More stories:",
    "- [One](https://x.example/1)", "* two", "```", "~~~", "Read also: x", "[Read](x) also",
    "> **See also** y", "# Advertisement", "[a\nb](c)", "ends with ](", "Tap here now",
]), max_size=12).map("\n".join))
def test_promo_markdown_is_read_line_by_line(text: str) -> None:
    """One pass of the markup pattern over the text strips each line as its own pass did."""
    assert strip_promo_markdown(text, DEFAULT_PROMO_PATTERNS) == _promo_line_by_line(
        text, DEFAULT_PROMO_PATTERNS)


_PROMO_PARTS = ["Body text", ".", " ", ":", "[", "]", "email protected", "Photograph",
               "Write to ", "Share", "Advertisement", "PHOTO", " \u0131mage", "\n", "é", "x"]


@given(st.lists(st.sampled_from(_PROMO_PARTS), max_size=14).map("".join)
       | st.text(alphabet=st.sampled_from(".:[] eimagPhotxs\n"), max_size=30))
def test_promo_matchers_match_as_one_pattern_of_them_all(line: str) -> None:
    """The patterns that scan a whole line, tried only on lines with the character they
    need: the same lines match as with the one expression of all the patterns."""
    patterns = DEFAULT_PROMO_PATTERNS + FURNITURE_PATTERNS
    either = "|".join(f"(?:{p})" for p in patterns)
    one = re.compile(rf"^\s*(?:{either})\s*$", re.IGNORECASE)
    assert any(m.match(line) for m in promo_matchers(patterns)) == bool(one.match(line))
    assert len(promo_matchers(patterns)) == 3


def test_promo_matchers_find_captions_and_hidden_addresses() -> None:
    patterns = DEFAULT_PROMO_PATTERNS + FURNITURE_PATTERNS
    for line in ("The port reopened on Monday. Photograph: Ana Ruiz/Reuters",
                 "Write to Ana at [email protected]", "Contact: [email\u00a0protected]"):
        assert any(m.match(line) for m in promo_matchers(patterns)), line
    assert not any(m.match("The port reopened: Photograph on Monday.")
                   for m in promo_matchers(patterns))


@given(st.text())
def test_markup_is_stripped_as_the_pattern_strips_it(text: str) -> None:
    assert _strip_markup(text) == _MD_MARKUP.sub("", text)


def test_promo_lines_leave_markdown_too() -> None:
    text = ("Body text.\n\n**Related coverage:** [A story](https://x.example/a), "
            "[B](https://x.example/b)\n\nMore body.\n\n## More stories:\n\n"
            "- [One](https://x.example/1)\n- [Two](https://x.example/2)\n\nThe end.\n\n"
            "```\nRead also: in code stays\n```\n")
    kept, dropped = strip_promo_markdown(text, DEFAULT_PROMO_PATTERNS)
    assert "Related coverage" not in kept and "[One]" not in kept and "[Two]" not in kept
    assert "Body text." in kept and "More body." in kept and "The end." in kept
    assert "Read also: in code stays" in kept
    assert len(dropped) == 4


@given(st.text(alphabet=st.characters(max_codepoint=0x2100)) | st.text(
    alphabet=st.sampled_from("ab \t\n\x00\x08\x0b\x1f\x7f\x85\x9f\u200b\u202a\ufeff")))
def test_control_characters_are_stripped_as_the_pattern_strips_them(text: str) -> None:
    """Printable ASCII is passed over without the pattern: the same text comes out."""
    assert strip_controls(text) == _CONTROL.sub("", text)
