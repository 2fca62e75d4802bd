"""parse_feed takes anything: arbitrary bytes, mangled feeds and any content type, never raising."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digest.fetch.feeds import Entry, ParsedFeed, parse_feed

from .helpers import fixture

FEEDS = [fixture(name) for name in ("atom.xml", "rss2.xml", "rss1.rdf", "feed.json",
                                    "broken.xml", "latin1.xml", "odd.xml")]
CONTENT_TYPES = st.one_of(
    st.sampled_from(["", "application/atom+xml", "application/rss+xml", "application/xml",
                     "text/xml", "application/feed+json", "application/json", "text/html",
                     "text/plain", "application/octet-stream", "image/png"]),
    st.text(max_size=40))


@st.composite
def mangled(draw: st.DrawFn) -> bytes:
    """A real feed with a random slice replaced by random bytes, or cut short."""
    feed = draw(st.sampled_from(FEEDS))
    start = draw(st.integers(0, len(feed)))
    end = draw(st.integers(start, len(feed)))
    return feed[:start] + draw(st.binary(max_size=64)) + feed[end:]


def check(parsed: ParsedFeed) -> None:
    """What the caller relies on: plain values, and a failed feed has no entries."""
    assert isinstance(parsed, ParsedFeed)
    assert all(isinstance(entry, Entry) for entry in parsed.entries)
    assert all(isinstance(note, str) for note in parsed.notes)
    assert isinstance(parsed.failed, str)
    assert not (parsed.failed and parsed.entries)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.binary(max_size=2048), content_type=CONTENT_TYPES,
       url=st.sampled_from(["", "http://127.0.0.1/feed.xml", "not a url"]))
def test_arbitrary_bytes_never_raise(body: bytes, content_type: str, url: str) -> None:
    check(parse_feed(body, content_type, url))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=mangled(), content_type=CONTENT_TYPES)
def test_mangled_feeds_never_raise(body: bytes, content_type: str) -> None:
    check(parse_feed(body, content_type, "http://127.0.0.1/feed.xml"))


@settings(max_examples=100, deadline=None)
@given(body=st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                         lambda inner: st.lists(inner, max_size=4)
                         | st.dictionaries(st.sampled_from(
                             ["version", "items", "title", "id", "url", "content_html",
                              "content_text", "date_published", "authors", "tags", "image",
                              "summary", "name"]), inner, max_size=5),
                         max_leaves=20))
def test_any_json_shape_never_raises(body: object) -> None:
    check(parse_feed(json.dumps(body).encode(), "application/feed+json"))
    wrapped = {"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": body}
    check(parse_feed(json.dumps(wrapped).encode(), "application/json"))
    check(parse_feed(json.dumps({**wrapped, "items": [body, body]}).encode(), ""))
