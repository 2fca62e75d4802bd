"""Table tests for the pure parts: sources config, URL cleaning, feed parsing, entry text."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from digest.config import ConfigError
from digest.fetch.entries import article_name, article_text, clean_url, to_markdown, url_key
from digest.fetch.feeds import Entry, parse_feed
from digest.fetch.sources import Source, parse_sources

from .helpers import fixture


@pytest.mark.parametrize(("raw", "message"), [
    ("https://x.org/feed", "digest.yaml: sources must be a list of feeds"),
    (["https://x.org/feed"], "digest.yaml: sources[0] must be a mapping"),
    ([{"feed": "https://x.org/f"}], "digest.yaml: sources[0] needs a name"),
    ([{"name": "X"}], "digest.yaml: sources[0] needs a feed"),
    ([{"name": "X", "feed": "ftp://x.org/f"}], "sources[0].feed must be an http(s) URL"),
    ([{"name": "X", "feed": "https://x.org/f", "tags": []}],
     "unknown key `tags` in sources[0] (known keys: name, feed, topics, include, exclude)"),
    ([{"name": "X", "feed": "https://x.org/f", "topics": {"a": 1}}],
     "sources[0].topics must be a list"),
    ([{"name": "X", "feed": "https://x.org/f", "include": [True]}],
     "sources[0].include[0] must be text"),
    ([{"name": "X", "feed": "https://x.org/f"}, {"name": "x", "feed": "https://y.org/f"}],
     "sources[1].name 'x' is the same name as sources[0]"),
    ([{"name": "", "feed": "https://x.org/f"}], "sources[0].name must not be empty"),
])
def test_bad_sources_name_file_key_and_fix(raw: object, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_sources(raw, "digest.yaml")
    assert message in str(caught.value)


def test_sources_parse() -> None:
    (source,) = parse_sources([{"name": "Example Wire", "feed": "https://e.org/feed.xml",
                                "topics": "AI, Chips", "include": ["Meta", "Llama"],
                                "exclude": ["podcast"]}], "digest.yaml")
    assert source == Source("Example Wire", "https://e.org/feed.xml", ("AI", " Chips"[1:]),
                            ("Meta", "Llama"), ("podcast",))
    assert source.slug == "example-wire"
    assert source.wants("Meta ships a model")
    assert not source.wants("Metaverse news")  # whole words only
    assert not source.wants("Llama podcast")
    assert parse_sources(None, "digest.yaml") == ()


@pytest.mark.parametrize(("url", "clean", "key"), [
    ("https://ex.org/a?utm_source=x&id=2#top", "https://ex.org/a?id=2", "ex.org/a?id=2"),
    ("HTTP://WWW.Ex.org:80/a/?b=1&a=2&fbclid=z", "http://www.ex.org/a/?b=1&a=2",
     "ex.org/a?a=2&b=1"),
    ("https://ex.org", "https://ex.org/", "ex.org/"),
    ("https://ex.org/x?gclid=1&mc_cid=2&UTM_Medium=3", "https://ex.org/x", "ex.org/x"),
    ("https://ex.org:8443/x", "https://ex.org:8443/x", "ex.org:8443/x"),
])
def test_clean_url_and_key(url: str, clean: str, key: str) -> None:
    assert clean_url(url) == clean
    assert url_key(url) == key


@pytest.mark.parametrize(("title", "when", "name"), [
    ("Big news!", datetime(2024, 5, 1, tzinfo=UTC), "2024-05-01-big-news.md"),
    ("Big news!", None, "big-news.md"),
    ("Café ☕ crème", None, "cafe-creme.md"),
    ("???", None, "untitled.md"),
    ("../../etc/passwd", None, "etc-passwd.md"),
])
def test_article_name(title: str, when: datetime | None, name: str) -> None:
    assert article_name(title, when) == name


@pytest.mark.parametrize(("html", "markdown"), [
    ("<h3>Head</h3><p>Text with <a href='https://a.org/'>a link</a>.</p>",
     "### Head\n\nText with [a link](https://a.org/)."),
    ("<ul><li>one</li><li>two</li></ul>", "- one\n- two"),
    ("<p>x</p><script>alert(1)</script><style>p{}</style>", "x"),
    ("<a href='javascript:alert(1)'>click</a>", "click"),
    ("<img src='data:image/png;base64,AAAA' alt='pixel'>", "![pixel]()"),
    ("<iframe src='https://evil.example'></iframe><p>after</p>", "after"),
])
def test_to_markdown_sanitises(html: str, markdown: str) -> None:
    assert to_markdown(html) == markdown


def test_article_text_leaves_out_what_is_missing() -> None:
    text = article_text(Entry(title="T: a \"quote\"", link="https://e.org/x?utm_id=1"),
                        Source("S", "https://feeds.e.org/f"))
    assert text == ('---\ntitle: \'T: a "quote"\'\noriginalUrl: https://e.org/x\n'
                    "provider:\n  name: S\n  domain: e.org\n---\n")


@pytest.mark.parametrize(("body", "content_type", "failed"), [
    (b"", "", "the response was empty"),
    (b"<html><body>hi</body></html>", "text/html", "the server sent an HTML page"),
    (b"{\"version\": 1}", "application/json", "JSON, but not a JSON Feed"),
    (b"{not json", "application/feed+json", "ill-formed JSON"),
    (b"just some text", "text/plain", "not a feed"),
    (b"<rss><channel><title>x</title>", "", "ill-formed feed"),
])
def test_parse_feed_failures_never_raise(body: bytes, content_type: str, failed: str) -> None:
    assert parse_feed(body, content_type).failed.startswith(failed)


def test_wrong_charset_is_a_note() -> None:
    body = fixture("latin1.xml").replace(b"ISO-8859-1", b"utf-8")
    parsed = parse_feed(body, "application/rss+xml; charset=utf-8")
    assert not parsed.failed
    assert "declared character encoding was wrong" in parsed.notes[0]
    assert parsed.entries[0].title == "Café crème et IA"


def test_rss1_and_cdf() -> None:
    (entry,) = parse_feed(fixture("rss1.rdf")).entries
    assert entry.published == datetime(2024, 4, 30, 7, 15, tzinfo=UTC)
    assert entry.author == "Tim B." and entry.tags == ("Knowledge graphs",)
    cdf = (b'<?xml version="1.0"?><CHANNEL HREF="https://cdf.example.org/">'
           b"<TITLE>CDF</TITLE><ITEM HREF=\"https://cdf.example.org/1\">"
           b"<TITLE>Old school</TITLE><ABSTRACT>Push!</ABSTRACT></ITEM></CHANNEL>")
    parsed = parse_feed(cdf)
    assert [(e.title, e.link) for e in parsed.entries] == [
        ("Old school", "https://cdf.example.org/1")]
