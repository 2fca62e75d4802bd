"""Pasted web text through parse_plain, normalise and a build: byline, dates, furniture, lists."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from digest.config import DEFAULT_PROMO_PATTERNS, ConfigError, SiteConfig, load_config
from digest.model import Article, SourceFile
from digest.read.normalise import normalise
from digest.read.pasted import FURNITURE_PATTERNS
from digest.read.plaintext import Block, parse_plain, strip_promo_markdown
from tests.conftest import NOW, BuildSite, write

OSLO = ZoneInfo("Europe/Oslo")
FURNISHED = DEFAULT_PROMO_PATTERNS + FURNITURE_PATTERNS

PASTED = """\
Trams return to the old bridge

By Ingrid Berg, Transport correspondent
Published 22 November 2026
Updated: 3 Dec 2026 14:05 GMT

The city reopened the bridge to trams on Monday.

Advertisement

Riders were pleased.

Share this article

Key points:
- Trams every ten minutes
- Buses replaced until spring
"""


def test_parse_plain_reads_the_pasted_header() -> None:
    doc = parse_plain(PASTED, FURNISHED, zone=OSLO)
    assert doc.title == "Trams return to the old bridge"
    assert doc.author == "Ingrid Berg"
    assert doc.published == datetime(2026, 11, 22, tzinfo=OSLO)
    assert doc.updated == datetime(2026, 12, 3, 14, 5, tzinfo=timezone(timedelta(0)))
    assert doc.blocks == (
        Block("p", "The city reopened the bridge to trams on Monday."),
        Block("p", "Riders were pleased."),
        Block("p", "Key points:"),
        Block("ul", items=("Trams every ten minutes", "Buses replaced until spring")),
    )
    assert {"Advertisement", "Share this article"} <= set(doc.dropped)


DATELINES = [
    ("Published 22 November 2026", datetime(2026, 11, 22, tzinfo=UTC)),
    ("December 1, 2026", datetime(2026, 12, 1, tzinfo=UTC)),
    ("Monday September 11, 2023,", datetime(2023, 9, 11, tzinfo=UTC)),
    ("Posted on 1 Dec 2026 09:30 CET", datetime(2026, 12, 1, 9, 30,
                                                tzinfo=timezone(timedelta(hours=1)))),
]


@pytest.mark.parametrize(("line", "published"), DATELINES)
def test_datelines_become_the_date(line: str, published: datetime) -> None:
    doc = parse_plain(f"Title\n\n{line}\n\nThe text.", zone=UTC)
    assert doc.published == published
    assert doc.blocks == (Block("p", "The text."),)


BYLINES = [
    ("By Ingrid Berg", "Ingrid Berg"),
    ("By Lars Nielsen and Eva Holm", "Lars Nielsen and Eva Holm"),
    ("By Lars Nielsen | 22 November 2026", "Lars Nielsen"),
    ("By the end of the year prices rose.", ""),
]


@pytest.mark.parametrize(("line", "author"), BYLINES)
def test_bylines_become_the_author(line: str, author: str) -> None:
    doc = parse_plain(f"Title\n\n{line}\n\nThe text.")
    assert doc.author == author
    texts = [b.text for b in doc.blocks]
    assert (line in texts) == (not author)


LISTS = [
    # '- ' items right under a line are a list, whether or not a blank line separates them
    ("Intro:\n- a\n- b", [Block("p", "Intro:"), Block("ul", items=("a", "b"))]),
    ("Intro:\n\n- a\n- b", [Block("p", "Intro:"), Block("ul", items=("a", "b"))]),
    # one wrapped dash inside a paragraph stays the paragraph
    ("It was long\n- and it went on\nfor a while.",
     [Block("p", "It was long - and it went on for a while.")]),
]


@pytest.mark.parametrize(("body", "blocks"), LISTS)
def test_lists_under_lines(body: str, blocks: list[Block]) -> None:
    assert list(parse_plain(f"Title\n\n{body}\n\nEnd.").blocks) == [*blocks, Block("p", "End.")]


def test_only_furniture_headers_take_the_lines_after_them() -> None:
    # 'Advertisement' is short like a header, but what follows it is the article
    doc = parse_plain("Title\nFirst line.\nAdvertisement\nA short line after\nLast.", FURNISHED)
    assert [b.text for b in doc.blocks] == ["First line.", "A short line after", "Last."]
    doc = parse_plain("Title\nFirst line.\nMore stories\nA headline\nAnother headline", FURNISHED)
    assert [b.text for b in doc.blocks] == ["First line."]
    text, dropped = strip_promo_markdown("Text.\n\nAdvertisement\n- [a](x)\n", FURNISHED)
    assert dropped == ["Advertisement"] and "- [a](x)" in text


def article(text: str, config: SiteConfig, name: str = "a.txt") -> Article:
    result, _ = normalise(SourceFile(name, text, "0", "." + name.rsplit(".", 1)[-1]), config, NOW)
    assert result is not None
    return result


def test_normalise_takes_the_header_when_front_matter_has_none() -> None:
    a = article(PASTED, SiteConfig(timezone="Europe/Oslo"))
    assert a.author == "Ingrid Berg"
    assert a.published == datetime(2026, 11, 22, tzinfo=OSLO)
    assert a.updated == datetime(2026, 12, 3, 14, 5, tzinfo=UTC)
    assert "Advertisement" not in a.body_html and "Share this" not in a.body_html


def test_front_matter_and_file_name_win_over_the_header() -> None:
    front = "---\nauthor: Eva Holm\nupdated: 2026-12-05\n---\n"
    a = article(front + PASTED, SiteConfig(), "2026-11-01-trams.txt")
    assert a.author == "Eva Holm"
    assert a.published == datetime(2026, 11, 1, tzinfo=UTC)
    assert a.updated == datetime(2026, 12, 5, tzinfo=UTC)


def test_furniture_false_keeps_the_furniture(tmp_path: Path) -> None:
    config_path = write(tmp_path, "digest.yaml", "furniture: false\n")
    config = load_config(config_path)
    assert config.furniture is False
    a = article(PASTED, config)
    assert "Share this article" in a.body_html  # ("Advertisement" is a default promo line)
    assert a.author == "Ingrid Berg"  # the byline is not furniture


def test_furniture_must_be_true_or_false(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="furniture must be true or false"):
        load_config(write(tmp_path, "digest.yaml", "furniture: maybe\n"))


def test_a_pasted_article_builds(tmp_path: Path, build_site: BuildSite) -> None:
    content = tmp_path / "content"
    write(content, "trams.txt", PASTED)
    _, site = build_site(content, future=True)  # dated after the tests' pinned NOW
    page = (site / "articles" / "trams-return-to-the-old-bridge" / "index.html").read_text()
    assert "By Ingrid Berg" in page
    assert "2026-11-22" in page
    assert "Advertisement" not in page
    assert "<li>Trams every ten minutes</li>" in page
    assert (site / "2026" / "11" / "22").is_dir()
