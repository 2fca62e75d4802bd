"""Pure: Digest + config -> the files that publish a site beside its pages: feeds (Atom,
RSS, JSON Feed), sitemap.xml, robots.txt, .nojekyll and CNAME.

Feeds and sitemaps are read away from the site, so every URL in them is absolute: they
are written only when `base_url` is set (the build summary says so when it is not).
XML is built with ElementTree, never by pasting strings, and every text goes through
`xml_text` so no character XML forbids can make a feed unreadable.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin

import nh3

from .. import PROJECT_URL, __version__
from ..config import SiteConfig
from .images import LocalImage, ShownImage, shown_images
from .coverage import also_covered, fed, story_others
from .meta import FeedLink, modified, newest, page_articles, rfc3339, shareable_image
from ..model import Article, Digest, topic_path
from ..read.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS
from .render import pages

ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
for _prefix, _uri in (("atom", ATOM), ("content", CONTENT), ("dc", DC)):
    ET.register_namespace(_prefix, _uri)

FEED_FILES = {"atom": "feed.xml", "rss": "rss.xml", "json": "feed.json"}
FEED_TYPES = {"atom": "application/atom+xml", "rss": "application/rss+xml",
              "json": "application/feed+json"}
FEED_NAMES = {"atom": "Atom", "rss": "RSS", "json": "JSON Feed"}
SITEMAP_LIMIT = 50_000  # URLs per sitemap file (sitemaps.org protocol)

# Characters XML 1.0 does not allow anywhere, not even escaped.
_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: str) -> str:
    """Any text -> text XML 1.0 can carry (control characters and lone surrogates dropped)."""
    return _XML_ILLEGAL.sub("", value)


Entered = Mapping[str, datetime]  # article path -> when its file entered the digest (git)


@dataclass(frozen=True)
class Feed:
    """One feed: the site's, or one topic's; in RSS and JSON Feed, and in Atom when it has
    an entry Atom can date."""

    folder: str  # '' for the site, 'topics/<slug>/' for a topic; the feed files live here
    title: str
    description: str
    articles: tuple[Article, ...]  # published; the dated newest first, then the undated
    atom_times: tuple[tuple[Article, datetime], ...] = ()  # Atom's entries, with <updated>
    others: Mapping[str, tuple[Article, ...]] = field(default_factory=dict, compare=False)

    def url(self, config: SiteConfig, kind: str = "") -> str:
        return config.base_url + self.folder + (FEED_FILES[kind] if kind else "")

    @property
    def kinds(self) -> tuple[str, ...]:
        """The formats this feed is written in."""
        return tuple(kind for kind in FEED_FILES if kind != "atom" or self.atom_times)


@dataclass
class Publication:
    files: dict[str, bytes] = field(default_factory=dict)
    feeds: list[Feed] = field(default_factory=list)
    undated: int = 0  # undated stories Atom leaves out (no time they entered the digest)
    sitemap_urls: int = 0


def publish(digest: Digest, config: SiteConfig, entered: Entered | None = None,
            images: Mapping[str, LocalImage] | None = None) -> Publication:
    """Digest (when each file entered it, if known, and the local lead images, by article
    path) -> the publishing files (feeds and sitemap only with a base_url)."""
    entered = entered or {}
    out = Publication(undated=sum(1 for a in digest.undated
                                  if not a.draft and a.path not in entered))
    out.files[".nojekyll"] = b""  # GitHub Pages: serve the folder as is, no Jekyll
    if config.cname:
        out.files["CNAME"] = (config.cname + "\n").encode("ascii")
    out.files["robots.txt"] = robots(config).encode("utf-8")
    if not config.base_url:
        return out
    out.feeds = site_feeds(digest, config, entered)
    shown = shown_images(digest.articles, images or {}, config)
    for feed in out.feeds:
        if feed.atom_times:
            out.files[feed.folder + FEED_FILES["atom"]] = atom(feed, config)
        out.files[feed.folder + FEED_FILES["rss"]] = rss(feed, config)
        out.files[feed.folder + FEED_FILES["json"]] = json_feed(feed, config, shown)
    urls = sitemap_entries(digest, config)
    out.sitemap_urls = len(urls)
    out.files.update(sitemaps(urls, config))
    return out


def site_feeds(digest: Digest, config: SiteConfig, entered: Entered | None = None,
               ) -> list[Feed]:
    """The site's feed and one per topic: `feed_size` published stories, the dated newest
    first, then the undated (RSS and JSON Feed let an item go without a date).

    Atom requires an entry time: an undated story is in it only with the time its file
    entered the digest (`entered`, its first commit), never a made-up one. Drafts never go
    out: a feed entry cannot be recalled. A feed with nothing in it is not written.
    """
    entered = entered or {}

    def latest(folder: str, title: str, description: str,
               articles: Iterable[Article]) -> Feed:
        chosen = sorted(filter(fed(digest), articles), key=lambda a: a.sort_key)
        chosen = chosen[: config.feed_size]
        times = tuple((a, a.published or entered[a.path]) for a in chosen
                      if a.published is not None or a.path in entered)
        return Feed(folder, title, description, tuple(chosen), times, story_others(digest))

    feeds = [latest("", config.title, config.description, digest.articles)]
    for group in digest.topics:
        feeds.append(latest(topic_path(group.topic.slug), f"{group.topic.name} · {config.title}",
                            f"The latest stories on {group.topic.name} in {config.title}.",
                            group.articles))
    return [feed for feed in feeds if feed.articles]


def feed_links(feeds: Sequence[Feed], config: SiteConfig) -> Callable[[str], list[FeedLink]]:
    """Feeds -> page path -> the feeds its <head> advertises: a topic's own feeds on its
    pages first, then the site's feeds (on every page, so any page can be subscribed from)."""
    def links(feed: Feed) -> list[FeedLink]:
        return [FeedLink(FEED_TYPES[kind], f"{feed.title} ({FEED_NAMES[kind]})",
                         feed.url(config, kind)) for kind in feed.kinds]

    site = [link for feed in feeds if feed.folder == "" for link in links(feed)]
    topics = {feed.folder: links(feed) for feed in feeds if feed.folder}

    def for_page(path: str) -> list[FeedLink]:
        parts = path.split("/")
        own = topics.get(f"{parts[0]}/{parts[1]}/", []) if len(parts) > 2 else []
        return own + site

    return for_page


# ------------------------------------------------------------------ entry content


def permalink(article: Article, config: SiteConfig) -> str:
    """An article's absolute URL; also its feed id, stable as long as its URL is."""
    return config.base_url + article.url


def absolute_body(article: Article, config: SiteConfig) -> str:
    """The sanitised body with every link and image made absolute: feed readers show it
    away from the site, where a relative URL would point nowhere."""
    return _absolute_html(article.body_html, permalink(article, config)) if \
        article.body_html else ""


@lru_cache(maxsize=4096)  # a story is in the site's feed and its topics', in three formats
def _absolute_html(fragment: str, base: str) -> str:
    def absolutise(_tag: str, attribute: str, value: str) -> str | None:
        return urljoin(base, value) if attribute in {"href", "src", "cite"} else value

    return xml_text(nh3.clean(fragment, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                              attribute_filter=absolutise,
                              url_schemes={"http", "https", "mailto"},
                              link_rel="noopener noreferrer nofollow"))


def author_name(article: Article, config: SiteConfig) -> str:
    if article.author:
        return article.author
    if article.source:
        return article.source.name
    return config.author or config.title


def summary(article: Article) -> str:
    return article.excerpt or article.standfirst


def _element(parent: ET.Element | None, tag: str, text: str | None = None,
             **attributes: str) -> ET.Element:
    attrs = {key: xml_text(value) for key, value in attributes.items()}
    element = ET.Element(tag, attrs) if parent is None else ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = xml_text(text)
    return element


def _serialise(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


# ------------------------------------------------------------------ Atom 1.0 (RFC 4287)


def atom(feed: Feed, config: SiteConfig) -> bytes:
    """Feed -> Atom 1.0 document."""
    # ElementTree names no default namespace of its own, so the root declares it and
    # every element below uses plain names.
    root = _element(None, "feed", xmlns=ATOM)
    root.set(XML_LANG, xml_text(config.language))
    _element(root, "id", feed.url(config))
    _element(root, "title", feed.title)
    _element(root, "subtitle", feed.description)
    _element(root, "updated", rfc3339(max(modified(a) or when for a, when in feed.atom_times)))
    _element(root, "link", rel="alternate", type="text/html", href=feed.url(config))
    _element(root, "link", rel="self", type=FEED_TYPES["atom"],
             href=feed.url(config, "atom"))
    _element(_element(root, "author"), "name", config.author or config.title)
    _element(root, "generator", "digest", uri=PROJECT_URL, version=__version__)
    for article, when in feed.atom_times:
        entry = _element(root, "entry")
        _element(entry, "id", permalink(article, config))
        _element(entry, "title", article.title, type="text")
        _element(entry, "link", rel="alternate", type="text/html",
                 href=permalink(article, config))
        if article.original_url.startswith(("http://", "https://")):
            _element(entry, "link", rel="related", type="text/html",
                     href=article.original_url)
        if article.published is not None:
            _element(entry, "published", rfc3339(article.published))
        # undated: the time the story entered the digest, its one honest time
        _element(entry, "updated", rfc3339(modified(article) or when))
        _element(_element(entry, "author"), "name", author_name(article, config))
        for topic in article.topics:
            _element(entry, "category", term=topic.name,
                     scheme=config.base_url + "topics/")
        if summary(article):
            _element(entry, "summary", summary(article), type="text")
        body = absolute_body(article, config) + also_covered(feed.others, article, config)
        if body:
            _element(entry, "content", body, type="html")
    return _serialise(root)


# ------------------------------------------------------------------ RSS 2.0


def rfc822(moment: datetime) -> str:
    """Aware datetime -> 'Mon, 11 Sep 2023 08:30:00 +0000' (RFC 822 as RSS 2.0 wants it)."""
    return format_datetime(moment.astimezone(UTC))


def rss(feed: Feed, config: SiteConfig) -> bytes:
    """Feed -> RSS 2.0 document (full text in content:encoded, summary in description)."""
    root = _element(None, "rss", version="2.0")
    channel = _element(root, "channel")
    _element(channel, "title", feed.title)
    _element(channel, "link", feed.url(config))
    _element(channel, "description", feed.description)
    _element(channel, "language", config.language)
    if (latest := newest(feed.articles)) is not None:  # (none when every story is undated)
        _element(channel, "lastBuildDate", rfc822(latest))
    _element(channel, "generator", f"digest {__version__}")
    _element(channel, "docs", "https://www.rssboard.org/rss-specification")
    _element(channel, f"{{{ATOM}}}link", rel="self", type=FEED_TYPES["rss"],
             href=feed.url(config, "rss"))
    for article in feed.articles:
        item = _element(channel, "item")
        _element(item, "title", article.title)
        _element(item, "link", permalink(article, config))
        _element(item, "guid", permalink(article, config), isPermaLink="true")
        if article.published is not None:
            _element(item, "pubDate", rfc822(article.published))
        _element(item, f"{{{DC}}}creator", author_name(article, config))
        for topic in article.topics:
            _element(item, "category", topic.name)
        _element(item, "description", summary(article) or article.title)
        body = absolute_body(article, config) + also_covered(feed.others, article, config)
        if body:
            _element(item, f"{{{CONTENT}}}encoded", body)
    return _serialise(root)


# ------------------------------------------------------------------ JSON Feed 1.1


def json_feed(feed: Feed, config: SiteConfig,
              shown: Mapping[str, ShownImage] | None = None) -> bytes:
    """Feed (+ the lead image each article's page shows) -> JSON Feed 1.1 document."""
    items = []
    for article in feed.articles:
        item: dict[str, Any] = {
            "id": permalink(article, config),
            "url": permalink(article, config),
            "title": article.title,
        }
        if article.published is not None:  # an undated item has no date (JSON Feed 1.1)
            item["date_published"] = rfc3339(article.published)
        if (changed := modified(article)) is not None:
            item["date_modified"] = rfc3339(changed)
        item["authors"] = [{"name": author_name(article, config)}]
        item["language"] = config.language
        if article.original_url.startswith(("http://", "https://")):
            item["external_url"] = article.original_url
        if summary(article):
            item["summary"] = summary(article)
        body = absolute_body(article, config) + also_covered(feed.others, article, config)
        if body:
            item["content_html"] = body
        else:
            item["content_text"] = summary(article) or article.title
        image = shareable_image(article, config, (shown or {}).get(article.path))
        if image:
            item["image"] = image.url
        if article.topics:
            item["tags"] = [t.name for t in article.topics]
        items.append(item)
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "home_page_url": feed.url(config),
        "feed_url": feed.url(config, "json"),
        "description": feed.description,
        "language": config.language,
        "authors": [{"name": config.author or config.title}],
        "items": items,
    }
    return (json.dumps(_clean_json(document), ensure_ascii=False, indent=2) + "\n").encode()


def _clean_json(value: Any) -> Any:
    if isinstance(value, str):
        return xml_text(value)
    if isinstance(value, list):
        return [_clean_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean_json(v) for k, v in value.items()}
    return value


# ------------------------------------------------------------------ sitemap and robots


def sitemap_entries(digest: Digest, config: SiteConfig) -> list[tuple[str, str | None]]:
    """Every page a search engine should know: (absolute URL, lastmod or None)."""
    entries = []
    for page in pages(digest, config):
        article = page.context.get("article")
        if article is not None and article.draft:
            continue
        latest = newest(page_articles(page.template, page.context, digest))
        entries.append((config.base_url + page.path, rfc3339(latest) if latest else None))
    return entries


def sitemaps(entries: Sequence[tuple[str, str | None]], config: SiteConfig,
             limit: int = SITEMAP_LIMIT) -> dict[str, bytes]:
    """URLs -> sitemap.xml, or sitemap.xml as an index of sitemap-N.xml files when there
    are more URLs than one sitemap may hold."""
    chunks = [entries[i: i + limit] for i in range(0, len(entries), limit)] or [[]]
    if len(chunks) == 1:
        return {"sitemap.xml": _urlset(chunks[0])}
    files = {f"sitemap-{n}.xml": _urlset(chunk) for n, chunk in enumerate(chunks, start=1)}
    index = _element(None, "sitemapindex", xmlns=SITEMAP)
    for n, chunk in enumerate(chunks, start=1):
        entry = _element(index, "sitemap")
        _element(entry, "loc", f"{config.base_url}sitemap-{n}.xml")
        dates = [lastmod for _, lastmod in chunk if lastmod]
        if dates:
            _element(entry, "lastmod", max(dates))
    files["sitemap.xml"] = _serialise(index)
    return files


def _urlset(entries: Sequence[tuple[str, str | None]]) -> bytes:
    root = _element(None, "urlset", xmlns=SITEMAP)
    for loc, lastmod in entries:
        url = _element(root, "url")
        _element(url, "loc", loc)
        if lastmod:
            _element(url, "lastmod", lastmod)
    return _serialise(root)


def robots(config: SiteConfig) -> str:
    """robots.txt: everything may be crawled; the sitemap's address when it has one."""
    lines = ["User-agent: *", "Disallow:"]
    if config.base_url:
        lines += ["", f"Sitemap: {config.base_url}sitemap.xml"]
    return "\n".join(lines) + "\n"
