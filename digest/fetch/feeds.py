"""Feed bytes -> Entry values (pure): RSS, Atom, RDF and CDF through feedparser, JSON Feed
here. Like feedparser, accept anything and never raise: trouble becomes notes."""

from __future__ import annotations

import calendar
import io
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import feedparser


@dataclass(frozen=True)
class Entry:
    """One feed entry, as plain values; HTML fields are not yet sanitised."""

    id: str = ""
    link: str = ""
    title: str = ""
    published: datetime | None = None
    updated: datetime | None = None
    author: str = ""
    summary: str = ""  # HTML
    content: str = ""  # HTML
    tags: tuple[str, ...] = ()
    image: str = ""


@dataclass(frozen=True)
class ParsedFeed:
    """A feed's entries, notes on what was odd (`bozo`), and whether it was unusable."""

    entries: tuple[Entry, ...] = ()
    notes: tuple[str, ...] = ()
    failed: str = ""  # why nothing could be read, or "" when the feed was read
    title: str = ""


_NOT_A_FEED = "not a feed (no RSS, Atom, RDF, CDF or JSON Feed found)"
_HTML_START = re.compile(rb"\s*(<!--.*?-->\s*)*(<!doctype\s+html|<html[\s>])", re.I | re.S)


def parse_feed(body: bytes, content_type: str = "", url: str = "") -> ParsedFeed:
    """Body + Content-Type + its URL (for relative links) -> ParsedFeed; never raises."""
    if not body.strip():
        return ParsedFeed(failed="the response was empty")
    stripped = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if "json" in content_type or stripped.startswith(b"{"):
        return parse_json_feed(body)
    headers = {"content-location": url} if url else {}
    if content_type:
        headers["content-type"] = content_type
    try:
        parsed = feedparser.parse(io.BytesIO(body), response_headers=headers,
                                  sanitize_html=False)
    except Exception as err:  # feedparser promises not to raise; belt and braces
        return ParsedFeed(failed=f"could not be parsed: {err}")
    entries = tuple(_entry(item) for item in parsed.entries)
    notes = []
    if parsed.get("bozo"):
        problem = parsed.get("bozo_exception")
        kind = type(problem).__name__
        if kind == "CharacterEncodingOverride":
            notes.append(f"the declared character encoding was wrong; read as "
                         f"{parsed.get('encoding', 'another')}")
        elif kind == "NonXMLContentType":
            pass  # text/plain or application/octet-stream with a good feed inside
        elif entries:
            notes.append(f"ill-formed feed ({_short(problem)}); kept the {len(entries)} "
                         "entries that could be read")
        elif _HTML_START.match(body):
            return ParsedFeed(failed="the server sent an HTML page, not a feed")
        elif b"<" not in body[:1024]:
            return ParsedFeed(failed=_NOT_A_FEED)
        else:
            return ParsedFeed(failed=f"ill-formed feed ({_short(problem)}); nothing read")
    if not entries and not parsed.get("version"):
        if _HTML_START.match(body) or content_type == "text/html":
            return ParsedFeed(failed="the server sent an HTML page, not a feed")
        return ParsedFeed(failed=_NOT_A_FEED)
    return ParsedFeed(entries, tuple(notes), "", str(parsed.feed.get("title", "")))


def _short(problem: Any) -> str:
    """A bozo exception -> its message on one short line."""
    text = " ".join(str(problem or "unknown error").split())
    return text[:160]


_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def _entry(item: Any) -> Entry:
    """A feedparser entry -> Entry."""
    contents = item.get("content") or []
    is_html = [c.get("type", "text/html") in _HTML_TYPES for c in contents]
    html_parts = [c.get("value", "") for c, html in zip(contents, is_html, strict=True) if html]
    text_parts = [c.get("value", "") for c, html in zip(contents, is_html, strict=True)
                  if not html]
    content = "\n".join(p for p in html_parts if p) or "\n".join(
        f"<p>{_escape(p)}</p>" for p in text_parts if p)
    summary = str(item.get("summary", "") or "")
    if item.get("summary_detail", {}).get("type") == "text/plain":
        summary = _escape(summary)
    return Entry(
        id=str(item.get("id", "") or "").strip(),
        link=str(item.get("link", "") or "").strip(),
        title=" ".join(str(item.get("title", "") or "").split()),
        # RSS 1.0's dc:date and a lone Atom <updated> are the entry's only date.
        # dict.get: FeedParserDict.get maps one date onto the other, with a warning.
        published=_when(dict.get(item, "published_parsed") or dict.get(item, "updated_parsed")),
        updated=_when(dict.get(item, "updated_parsed")),
        author=" ".join(str(item.get("author", "") or "").split()),
        summary=summary,
        content=content,
        tags=tuple(dict.fromkeys(
            t.get("term", "").strip() for t in item.get("tags") or [] if t.get("term")
            and t.get("term", "").strip())),
        image=_image(item))


def _escape(text: str) -> str:
    """Plain text -> HTML text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _when(parsed: Any) -> datetime | None:
    """feedparser's UTC struct_time -> an aware datetime, or None."""
    if not parsed:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), UTC)
    except (OverflowError, ValueError, TypeError):
        return None


def _image(item: Any) -> str:
    """The entry's lead image: media:content/thumbnail, an image enclosure, or ''."""
    for key in ("media_content", "media_thumbnail"):
        for media in item.get(key) or []:
            url = media.get("url", "")
            if url and (key == "media_thumbnail" or media.get("medium") == "image"
                        or str(media.get("type", "")).startswith("image/")):
                return str(url)
    for link in item.get("links") or []:
        if link.get("rel") == "enclosure" and str(link.get("type", "")).startswith("image/"):
            return str(link.get("href", ""))
    return ""


def parse_json_feed(body: bytes) -> ParsedFeed:
    """JSON Feed 1.0/1.1 bytes -> ParsedFeed (https://jsonfeed.org/version/1.1)."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return ParsedFeed(failed="JSON Feed is not UTF-8")
    except (json.JSONDecodeError, RecursionError) as err:
        return ParsedFeed(failed=f"ill-formed JSON ({_short(err)}); nothing read")
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith(
            "https://jsonfeed.org/version/1"):
        return ParsedFeed(failed="JSON, but not a JSON Feed (no jsonfeed.org version)")
    items = data.get("items")
    if not isinstance(items, list):
        return ParsedFeed(failed="JSON Feed without an items list")
    feed_authors = _json_authors(data)
    entries = []
    notes = []
    for item in items:
        if not isinstance(item, dict):
            notes.append("an item that is not an object was left out")
            continue
        content = _str(item.get("content_html")) or (
            f"<p>{_escape(_str(item.get('content_text')))}</p>"
            if _str(item.get("content_text")) else "")
        tags = item.get("tags") if isinstance(item.get("tags"), list) else []
        entries.append(Entry(
            id=_str(item.get("id")), link=_str(item.get("url")) or _str(
                item.get("external_url")),
            title=" ".join(_str(item.get("title")).split()),
            published=_iso(item.get("date_published")),
            updated=_iso(item.get("date_modified")),
            author=", ".join(_json_authors(item) or feed_authors),
            summary=_escape(_str(item.get("summary"))), content=content,
            tags=tuple(dict.fromkeys(_str(t).strip() for t in tags if _str(t).strip())),
            image=_str(item.get("image")) or _str(item.get("banner_image"))))
    return ParsedFeed(tuple(entries), tuple(dict.fromkeys(notes)), "",
                      _str(data.get("title")))


def _str(value: Any) -> str:
    """A JSON scalar as text ('' for null, lists and objects)."""
    if isinstance(value, bool) or value is None or isinstance(value, list | dict):
        return ""
    return str(value).strip()


def _json_authors(obj: dict[str, Any]) -> list[str]:
    """JSON Feed 1.1 `authors` or 1.0 `author` -> names."""
    authors = obj.get("authors")
    if not isinstance(authors, list):
        authors = [obj.get("author")] if isinstance(obj.get("author"), dict) else []
    return [_str(a.get("name")) for a in authors if isinstance(a, dict) and _str(a.get("name"))]


def _iso(value: Any) -> datetime | None:
    """RFC 3339 text -> an aware datetime (UTC when it had no offset), or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
