"""Entry -> article file (pure): its identity keys, its path and its text in the seed-000
front-matter shape, with the content as sanitised Markdown."""

from __future__ import annotations

import html
import re
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import nh3
import yaml
from markdownify import markdownify

from .feeds import Entry
from .sources import Source, slugify

EXCERPT_WORDS = 50
# Query parameters that say who sent the reader, not which page it is.
_TRACKING = re.compile(r"^(utm_.*|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|mc_cid|"
                       r"mc_eid|igshid|_hsenc|_hsmi|mkt_tok|oly_anon_id|oly_enc_id|"
                       r"__twitter_impression|ref_src|cmpid|ncid|sr_share)$", re.I)
_TAGS = {"a", "abbr", "b", "blockquote", "br", "code", "del", "em", "figcaption", "figure",
         "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "q",
         "s", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul"}
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}}
_DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template",
                         "noscript", "textarea", "select", "svg", "math", "form", "button"}


def clean_url(url: str) -> str:
    """A link without tracking parameters or fragment, scheme and host lower-case:
    'HTTPS://Ex.org/a?utm_source=x&id=2#top' -> 'https://ex.org/a?id=2'."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return url.strip()
    host = parts.hostname or ""
    port = parts.port if parts.port not in {None, 80, 443} else None
    netloc = f"{host}:{port}" if port else host
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not _TRACKING.match(k)]
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", urlencode(query), ""))


def url_key(url: str) -> str:
    """The identity of a page for dedup: clean_url without scheme, 'www.', trailing slash
    or parameter order: 'http://www.ex.org/a/?b=1&a=2' -> 'ex.org/a?a=2&b=1'."""
    parts = urlsplit(clean_url(url))
    if not parts.netloc:
        return url.strip()
    host = parts.netloc.removeprefix("www.")
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return f"{host}{parts.path.rstrip('/') or '/'}" + (f"?{query}" if query else "")


def _is_url(text: str) -> bool:
    """Is this an http(s) URL (a GUID that is a permalink)?"""
    return bool(re.match(r"https?://[^/\s]+", text, re.I))


def entry_keys(entry: Entry, source: Source) -> tuple[str, ...]:
    """Entry -> the keys that identify it: its link, and its id (a URL id is a link; any
    other id only means something inside its own feed)."""
    keys = []
    if entry.link:
        keys.append("url:" + url_key(entry.link))
    if entry.id:
        keys.append("url:" + url_key(entry.id) if _is_url(entry.id)
                    else f"id:{source.feed}#{entry.id}")
    if not keys:  # neither id nor link: the title and date are all there is
        stamp = entry.published.isoformat() if entry.published else ""
        keys.append(f"title:{source.feed}#{entry.title.casefold()}#{stamp}")
    return tuple(dict.fromkeys(keys))


def article_name(title: str, published: datetime | None) -> str:
    """'Big news!' + 2024-05-01 -> '2024-05-01-big-news.md'; undated: 'big-news.md'."""
    slug = slugify(title, 60)
    return f"{published:%Y-%m-%d}-{slug}.md" if published else f"{slug}.md"


def sanitise(fragment: str) -> str:
    """Untrusted HTML -> HTML with only text-level and structural tags and safe links."""
    return nh3.clean(fragment, tags=_TAGS, attributes=_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"},
                     clean_content_tags=_DROPPED_WITH_CONTENT, link_rel=None)


def to_markdown(fragment: str) -> str:
    """Untrusted HTML -> sanitised Markdown (ATX headings, '-' bullets, inline links)."""
    text = markdownify(sanitise(fragment), heading_style="ATX", bullets="-",
                       escape_underscores=False, escape_asterisks=True)
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def plain_text(fragment: str) -> str:
    """HTML -> its text on one line."""
    return " ".join(html.unescape(nh3.clean(fragment, tags=set())).split())


def excerpt(fragment: str, words: int = EXCERPT_WORDS) -> str:
    """HTML -> its first `words` words of text, with '…' when cut."""
    found = plain_text(fragment).split()
    return " ".join(found[:words]) + (" …" if len(found) > words else "")


def fallback_title(entry: Entry, words: int = 12) -> str:
    """An entry without a title -> the first words of its text ('' if it has none)."""
    return excerpt(entry.summary or entry.content, words).removesuffix(" …")


def _iso(when: datetime | None) -> str:
    """Aware datetime -> '2024-05-01T12:00:00Z' (UTC), or ''."""
    return when.strftime("%Y-%m-%dT%H:%M:%SZ") if when else ""


def front_matter(meta: dict[str, Any]) -> str:
    """A mapping -> '---\\n<YAML>---\\n' with empty values left out, keys in order."""
    kept = {k: v for k, v in meta.items() if v not in ("", None, [], {})}
    dumped = yaml.safe_dump(kept, sort_keys=False, allow_unicode=True, width=10_000,
                            default_flow_style=False)
    return f"---\n{dumped}---\n"


def article_text(entry: Entry, source: Source) -> str:
    """Entry + its source -> the article file's text (front matter + Markdown body)."""
    link = clean_url(entry.link) if entry.link else (
        clean_url(entry.id) if _is_url(entry.id) else "")
    domain = (urlsplit(link or source.feed).hostname or "").removeprefix("www.")
    topics: dict[str, str] = {}
    for topic in (*source.topics, *entry.tags):
        topics.setdefault(topic.casefold(), topic)
    body_html = entry.content or entry.summary
    meta: dict[str, Any] = {
        "title": entry.title or fallback_title(entry),
        "excerpt": excerpt(entry.summary or entry.content),
        "publishedDateTime": _iso(entry.published),
        "updatedDateTime": _iso(entry.updated) if entry.updated != entry.published else "",
        "originalUrl": link,
        "provider": {"name": source.name, "domain": domain},
        "topics": list(topics.values()),
        "images": [{"url": clean_url(entry.image)}] if entry.image else [],
        "author": entry.author,
        "guid": entry.id if entry.id and entry.id != entry.link else "",
    }
    body = to_markdown(body_html) if body_html else ""
    return front_matter(meta) + ("\n" + body + "\n" if body else "")
