"""Pure: one decoded file -> one Article, through a table of small per-field processors.

Every processor takes the raw front-matter value and returns the field's value, or raises
`FieldProblem` to say why the value was not used; the article is still built.
"""

from __future__ import annotations

import contextlib
import html
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from email.utils import parsedate_to_datetime
from functools import lru_cache
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import cmarkgfm
import markdown
import nh3

from ..config import SiteConfig, TopicRule
from ..model import Article, Image, Link, Problem, Source, Topic
from . import commonmark
from .files import SourceFile
from .frontmatter import (
    Block,
    parse_dateline,
    parse_plain,
    split_front_matter,
    strip_controls,
    strip_promo_markdown,
)


class FieldProblem(Exception):
    """A front-matter value that could not be used, and what was done instead.

    `partial` is what could be used all the same (e.g. the good links of a list).
    """

    def __init__(self, message: str, partial: Any = None) -> None:
        super().__init__(message)
        self.partial = partial


# ------------------------------------------------------------------ text helpers


def clean_text(value: str) -> str:
    """Collapse white space and drop control, zero-width and bidi characters."""
    return " ".join(strip_controls(value).split())


def text_of(value: Any, field: str) -> str:
    """A front-matter value that should be text -> text (numbers are fine, lists joined)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, bool):
        raise FieldProblem(f"{field} is a boolean ({value}), not text; ignored")
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        if value:
            return clean_text(" ".join(str(v) for v in value))
        return ""
    raise FieldProblem(f"{field} is a {type(value).__name__}, not text; ignored")


def strip_tags(value: str) -> str:
    """HTML fragment -> its text, for excerpts and titles that arrive with markup."""
    if "<" not in value and "&" not in value:
        return value
    return clean_text(html.unescape(nh3.clean(value, tags=set())))


def shorten(text: str, limit: int) -> str:
    """Cut at a word boundary before `limit` characters, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,;:.-–—") + "…"


def first_words(text: str, count: int) -> str:
    words = text.split()
    if len(words) <= count:
        return text
    return " ".join(words[:count]).rstrip(",;:.-–—") + "…"


_SLUG_RESERVED = {"articles", "topics", "sources", "archive", "page", "index", "static",
                  "feeds", "search"}
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
                     *(f"lpt{i}" for i in range(10))}


def slugify(text: str, max_length: int = 80) -> str:
    """'Meta’s AI: the race!' -> 'metas-ai-the-race'; never empty, never a path."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = re.sub(r"['’`]", "", ascii_text.lower())
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    if not slug:
        return "untitled"
    if slug in _WINDOWS_RESERVED:
        return f"{slug}-1"  # 'con', 'nul', … cannot be folder names on Windows
    return slug


def safe_url(value: Any, allow_relative: bool = True) -> str:
    """Only http(s), mailto and relative URLs survive; anything else raises FieldProblem."""
    if not isinstance(value, str):
        raise FieldProblem(f"URL is a {type(value).__name__}, not text; dropped")
    url = re.sub(r"[\x00-\x20\x7f]+", "", strip_controls(value)) if value.strip() else ""
    if not url:
        return ""
    scheme = urlsplit(url).scheme.lower() if ":" in url.split("/", 1)[0] else ""
    if scheme in {"http", "https"}:
        if not urlsplit(url).netloc:
            raise FieldProblem(f"URL {shorten(value, 60)!r} has no host; dropped")
        return url
    if scheme == "mailto":
        return url
    if scheme:
        raise FieldProblem(f"unsafe URL scheme {scheme + ':'!r} in {shorten(value, 60)!r}; "
                           "dropped")
    if url.startswith("//"):
        return "https:" + url
    if not allow_relative:
        raise FieldProblem(f"URL {shorten(value, 60)!r} is not absolute; dropped")
    return url


# ------------------------------------------------------------------ dates


def parse_datetime(value: Any, zone: ZoneInfo) -> datetime:
    """A front-matter date in any common form -> aware datetime (naive ones are in `zone`)."""
    if isinstance(value, datetime):
        result = value
    elif isinstance(value, date):
        result = datetime.combine(value, time())
    elif isinstance(value, bool) or value is None:
        raise FieldProblem(f"date is {value!r}, not a date")
    elif isinstance(value, int | float):
        if 1000 <= value <= 9999:
            raise FieldProblem(f"date is a bare year ({value}); a day is needed")
        seconds = value / 1000 if abs(value) > 1e11 else value
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError) as err:
            raise FieldProblem(f"date {value!r} is out of range") from err
    elif isinstance(value, str):
        result = _parse_date_text(clean_text(value))
    else:
        raise FieldProblem(f"date is a {type(value).__name__}, not a date")
    if result.tzinfo is None:
        result = result.replace(tzinfo=zone)
    return result


def _parse_date_text(text: str) -> datetime:
    if re.fullmatch(r"\d{4}", text):
        raise FieldProblem(f"date is a bare year ({text}); a day is needed")
    if re.fullmatch(r"\d{9,13}(\.\d+)?", text):
        return parse_datetime(float(text), ZoneInfo("UTC"))
    candidate = text.replace(" ", "T", 1) if re.match(r"\d{4}-\d\d-\d\d \d", text) else text
    try:
        return datetime.fromisoformat(candidate)
    except ValueError as err:
        if re.match(r"\d{4}-\d{1,2}-\d{1,2}", text):
            raise FieldProblem(f"impossible date {text!r}") from err
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        pass
    day = parse_dateline(text)
    if day is not None:
        return datetime.combine(day, time())
    raise FieldProblem(f"cannot read {shorten(text, 40)!r} as a date (use ISO 8601, "
                       "e.g. 2023-09-11 or 2023-09-11T14:30:00Z)")


# ------------------------------------------------------------------ field processors


def _title(value: Any, _: SiteConfig) -> str:
    return strip_tags(text_of(value, "title"))


def _excerpt(value: Any, _: SiteConfig) -> str:
    return strip_tags(text_of(value, "excerpt"))


def _author(value: Any, _: SiteConfig) -> str:
    if isinstance(value, dict):
        value = value.get("name", "")
    if isinstance(value, list):
        names = [v.get("name", "") if isinstance(v, dict) else v for v in value]
        return text_of([n for n in names if isinstance(n, str | int)], "author")
    return text_of(value, "author")


def _topics(value: Any, _: SiteConfig) -> tuple[str, ...]:
    """'AI, Chips' or ['AI', 'Chips'] -> ('AI', 'Chips'); nested values are flattened."""
    if value is None:
        return ()
    if isinstance(value, str):
        items: list[Any] = value.split(",")
    elif isinstance(value, list | tuple):
        items = list(value)
    elif isinstance(value, dict):
        raise FieldProblem("topics is a mapping, not a list; ignored")
    else:
        items = [value]
    names: list[str] = []
    for item in items:
        if isinstance(item, dict):
            item = item.get("name") or item.get("title")
        if isinstance(item, list | dict) or item is None or isinstance(item, bool):
            continue
        name = clean_text(str(item))
        if name and len(name) <= 80:
            names.append(name)
    return tuple(names)


def _source(value: Any, _: SiteConfig) -> tuple[str, str]:
    """provider: {name, domain} or source: 'Name' -> (name, domain)."""
    if isinstance(value, dict):
        name = text_of(value.get("name"), "provider name")
        domain = text_of(value.get("domain") or value.get("url"), "provider domain")
        return name, _domain(domain)
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        text = text_of(value, "source")
        if re.fullmatch(r"(https?://)?[\w.-]+\.[a-z]{2,}/?", text, re.IGNORECASE):
            return "", _domain(text)
        return text, ""
    raise FieldProblem(f"provider is a {type(value).__name__}, not a name or "
                       "{name, domain}; ignored")


def _domain(text: str) -> str:
    if not text:
        return ""
    host = urlsplit(text if "//" in text else "//" + text).hostname or ""
    host = host.removeprefix("www.")
    return host if re.fullmatch(r"[a-z0-9.-]+\.[a-z0-9-]{2,}", host) else ""


def _image(value: Any, _: SiteConfig) -> Image | None:
    """images: [{url, width, height}] or image: 'url' -> the lead Image."""
    if isinstance(value, list):
        value = next((v for v in value if v), None)
    if value is None:
        return None
    if isinstance(value, str):
        url = safe_url(value)
        return Image(url) if url else None
    if not isinstance(value, dict):
        raise FieldProblem(f"image is a {type(value).__name__}, not a URL or {{url, width, "
                           "height}; ignored")
    url = safe_url(value.get("url") or value.get("src") or "")
    if not url:
        return None
    width, height = _dimension(value.get("width")), _dimension(value.get("height"))
    if width is None or height is None:
        width = height = None
    alt = text_of(value.get("alt") or value.get("caption"), "image alt")
    return Image(url, width, height, alt)


def _dimension(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= 20000 else None


def _related(value: Any, config: SiteConfig) -> tuple[Link, ...]:
    """related: [{title, webUrl, …}] -> Links; bad entries are left out and reported."""
    if value is None:
        return ()
    notes: list[str] = []
    links = _related_links(value, config, notes)
    if notes:
        raise FieldProblem("; ".join(notes), links)
    return links


def _related_links(value: Any, config: SiteConfig, notes: list[str]) -> tuple[Link, ...]:
    if not isinstance(value, list):
        raise FieldProblem(f"related is a {type(value).__name__}, not a list; ignored")
    links = []
    for item in value:
        if not isinstance(item, dict):
            continue
        try:
            url = safe_url(item.get("webUrl") or item.get("url") or item.get("link") or "",
                           allow_relative=False)
        except FieldProblem as err:
            notes.append(f"related link {shorten(str(item.get('title', '')), 40)!r}: {err}")
            continue
        title = strip_tags(text_of(item.get("title"), "related title")) if isinstance(
            item.get("title"), str | int | float) else ""
        if not url or not title:
            continue
        source = ""
        if isinstance(item.get("provider"), dict | str):
            try:
                name, domain = _source(item["provider"], config)
                source = name or domain
            except FieldProblem:
                pass
        published = None
        if item.get("publishedDateTime") or item.get("date"):
            with contextlib.suppress(FieldProblem):
                published = parse_datetime(item.get("publishedDateTime") or item.get("date"),
                                            config.zone)
        excerpt = item.get("excerpt")
        excerpt_text = strip_tags(clean_text(excerpt)) if isinstance(excerpt, str) else ""
        links.append(Link(shorten(title, config.max_title_length), url, source, published,
                          shorten(excerpt_text, 300)))
    return tuple(links)


def _url(value: Any, _: SiteConfig) -> str:
    return safe_url(value, allow_relative=False)


def _date(value: Any, config: SiteConfig) -> datetime:
    return parse_datetime(value, config.zone)


def _flag(value: Any, _: SiteConfig) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "yes", "on", "1"}:
        return True
    if isinstance(value, str) and value.strip().lower() in {"false", "no", "off", "0", ""}:
        return False
    if isinstance(value, int):
        return bool(value)
    raise FieldProblem(f"expected true or false, not {value!r}; ignored")


def _slug(value: Any, _: SiteConfig) -> str:
    return slugify(text_of(value, "slug"))


@dataclass(frozen=True)
class FieldSpec:
    """Which front-matter keys feed one Article field (first present wins), and how."""

    keys: tuple[str, ...]
    process: Callable[[Any, SiteConfig], Any]


FIELDS: dict[str, FieldSpec] = {
    "title": FieldSpec(("title", "headline"), _title),
    "published": FieldSpec(("publishedDateTime", "date", "published_at", "pubDate",
                            "datePublished"), _date),
    "updated": FieldSpec(("updatedDateTime", "updated", "lastmod", "modified",
                          "dateModified"), _date),
    "topics": FieldSpec(("topics", "tags", "categories", "keywords"), _topics),
    "source": FieldSpec(("provider", "source", "publisher"), _source),
    "original_url": FieldSpec(("originalUrl", "webUrl", "url", "link", "canonical_url",
                               "canonicalUrl"), _url),
    "excerpt": FieldSpec(("excerpt", "summary", "description", "abstract"), _excerpt),
    "image": FieldSpec(("images", "image", "thumbnail", "cover"), _image),
    "related": FieldSpec(("related",), _related),
    "draft": FieldSpec(("draft",), _flag),
    "published_flag": FieldSpec(("published",), _flag),
    "author": FieldSpec(("author", "authors", "byline"), _author),
    "slug": FieldSpec(("slug",), _slug),
}
_MERGED_KEYS = ("topics", "tags", "categories")  # all of these feed topics, not just the first
KNOWN_KEYS = {key for spec in FIELDS.values() for key in spec.keys}


def read_fields(meta: dict[str, Any], config: SiteConfig) -> tuple[dict[str, Any], list[str]]:
    """Front matter -> processed field values and problem messages (never raises)."""
    values: dict[str, Any] = {}
    problems: list[str] = []
    for name, spec in FIELDS.items():
        present = [k for k in spec.keys if meta.get(k) not in (None, "", [], {})]
        if name == "published_flag" and isinstance(meta.get("published"), str) and \
                re.match(r"\d{4}-\d\d", meta["published"]):
            present = []  # `published: 2023-09-11` is a date, handled below
        if not present:
            continue
        keys = [k for k in _MERGED_KEYS if k in present] if name == "topics" else present[:1]
        for key in keys:
            try:
                value = spec.process(meta[key], config)
            except FieldProblem as err:
                problems.append(f"{key}: {err}")
                if err.partial is None:
                    continue
                value = err.partial
            values[name] = values.get(name, ()) + value if name == "topics" else value
    if "published" not in values and isinstance(meta.get("published"), str):
        try:
            values["published"] = parse_datetime(meta["published"], config.zone)
        except FieldProblem as err:
            problems.append(f"published: {err}")
    return values, problems


# ------------------------------------------------------------------ bodies

_MARKDOWN_EXTENSIONS = ["extra", "sane_lists"]
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details",
    "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr",
    "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span",
    "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time",
    "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"}, "blockquote": {"cite"}, "q": {"cite"}, "time": {"datetime"},
    "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan", "scope"}, "ol": {"start"},
}
# Footnotes link to their notes and back by id; any other id could clobber the page's own.
_FOOTNOTE_ID = re.compile(r"fn(?:ref)?[-:][\w-]{1,40}")


def _footnote_ids_only(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "id":
        return value if _FOOTNOTE_ID.fullmatch(value) else None
    return value


_SANITISER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES | {tag: ALLOWED_ATTRIBUTES.get(tag, set()) | {"id"}
                                     for tag in ("a", "sup", "li")},
    attribute_filter=_footnote_ids_only,
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer nofollow",
    clean_content_tags={"script", "style", "iframe", "object", "embed", "template",
                        "noscript", "textarea", "select", "svg", "math"})
_URL_ATTRIBUTE = re.compile(r"\b(?:href|src)\s*=", re.IGNORECASE)
_UNSAFE_ATTRIBUTE = re.compile(
    r"""\b(?:href|src)\s*=\s*["']?\s*((?:j\s*a\s*v\s*a\s*s\s*c\s*r\s*i\s*p\s*t|vbscript|data|"""
    r"""file)\s*:)""", re.IGNORECASE)


def url_attributes(text: str) -> Iterator[int]:
    """Where `href=` or `src=` (any case, spaces around '=') starts in text, as
    _URL_ATTRIBUTE.finditer finds them. Each ends at an '=', so they are found from the
    few '=' backwards: a scan of the whole body with the case-blind pattern took longer
    than rendering its Markdown."""
    equals = text.find("=")
    while equals != -1:
        name_end = equals
        while name_end and text[name_end - 1].isspace():  # str.isspace is re's \s
            name_end -= 1
        for start in (name_end - 4, name_end - 3):  # 'href', 'src'
            found = _URL_ATTRIBUTE.match(text, start) if start >= 0 else None
            if found and found.end() == equals + 1:  # 'src==': the second '=' starts none
                yield start
                break
        equals = text.find("=", equals + 1)


# cmark-gfm (GitHub's renderer, in C) reads CommonMark plus tables, strikethrough, bare
# URLs and footnotes in ~0.1 ms an article, against ~2.5 ms for Python-Markdown
# with `extra`, which was most of a cold build. Raw HTML is let through here (UNSAFE)
# because nh3 below is what decides what survives.
_CMARK_OPTIONS = (cmarkgfm.Options.CMARK_OPT_UNSAFE | cmarkgfm.Options.CMARK_OPT_FOOTNOTES
                  | cmarkgfm.Options.CMARK_OPT_VALIDATE_UTF8)
# No task lists: their checkboxes are form controls, which the sanitiser removes, and a
# literal "[x]" says more than a bullet that lost its box.
_CMARK_EXTENSIONS = ("table", "strikethrough", "autolink")


@lru_cache(maxsize=1)
def _python_markdown() -> markdown.Markdown:
    return markdown.Markdown(extensions=_MARKDOWN_EXTENSIONS, output_format="html")


def _to_html(text: str, engine: str) -> str:
    if engine == "python-markdown":  # for sites written for Pelican: `extra` syntax
        converter = _python_markdown()
        converter.reset()
        return converter.convert(text)
    return commonmark.to_html(text, _CMARK_OPTIONS, _CMARK_EXTENSIONS)


def render_markdown(text: str, engine: str = "commonmark") -> tuple[str, list[str]]:
    """Markdown (with raw HTML) -> sanitised HTML; headings shift down so h1 stays the title."""
    raw = _to_html(strip_controls(text), engine)
    # Browsers decode entities in attributes: "java&#x09;script:" is javascript: too.
    text = html.unescape(raw) if "&" in raw else raw
    found = (_UNSAFE_ATTRIBUTE.match(text, start)
             for start in url_attributes(text))  # few, so the slow pattern runs little
    problems = [f"unsafe link {''.join(m.group(1).split())!r} in the body; removed"
                for m in found if m]
    raw = re.sub(r"<(/?)h([1-5])\b", lambda m: f"<{m.group(1)}h{int(m.group(2)) + 1}", raw)
    cleaned = _SANITISER.clean(raw).strip()
    return cleaned, problems


def render_blocks(blocks: Iterable[Block]) -> str:
    """Plain-text blocks -> escaped HTML."""
    parts = []
    for block in blocks:
        if block.kind == "h":
            parts.append(f"<h2>{html.escape(block.text, quote=False)}</h2>")
        elif block.kind == "ul":
            items = "".join(f"<li>{html.escape(i, quote=False)}</li>" for i in block.items)
            parts.append(f"<ul>{items}</ul>")
        else:
            parts.append(f"<p>{html.escape(block.text, quote=False)}</p>")
    return "\n".join(parts)


def html_text(fragment: str) -> str:
    return clean_text(html.unescape(re.sub(r"<[^>]+>", " ", fragment)))


# ------------------------------------------------------------------ the article

MAX_BODY_CHARS = 2_000_000
_FILENAME_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[-_ ]|$)")


def normalise(source: SourceFile, config: SiteConfig,
              now: datetime | None = None) -> tuple[Article | None, list[Problem]]:
    """SourceFile -> Article (None if nothing usable) and the problems found on the way."""
    problems: list[Problem] = []

    def problem(message: str, line: int | None = None) -> None:
        problems.append(Problem(source.rel, message, line))

    text = source.text
    if not text.strip():
        return None, [Problem(source.rel, "empty file; skipped", severity="error")]
    front = split_front_matter(text)
    for line, message in front.problems:
        problem(message, line)
    meta = front.meta or {}
    values, field_problems = read_fields(meta, config)
    for message in field_problems:
        problem(message, _key_line(text, message.split(":", 1)[0]) if front.meta else None)

    body = front.body
    if len(body) > MAX_BODY_CHARS:
        body = body[:MAX_BODY_CHARS]
        problem(f"body is over {MAX_BODY_CHARS:,} characters; the rest was cut")

    title = values.get("title", "")
    standfirst = ""
    dateline = None
    if source.suffix in {".md", ".markdown"} and front.meta is not None:
        body, _ = strip_promo_markdown(body, config.promo_patterns)
        body_html, body_problems = render_markdown(body, config.markdown)
        for message in body_problems:
            problem(message)
        plain = html_text(body_html)
        words = plain.count(" ") + 1 if plain else 0  # html_text leaves one space between words
        first_paragraph = _first_paragraph(body_html)
    else:
        doc = parse_plain(body, config.promo_patterns, title=title or None)
        title = title or doc.title
        standfirst, dateline = doc.standfirst, doc.dateline
        body_html = render_blocks(doc.blocks)
        plain = " ".join(b.text or " ".join(b.items) for b in doc.blocks)
        words = len(plain.split())
        first_paragraph = standfirst or next((b.text for b in doc.blocks if b.kind == "p"), "")

    if not title:
        title = clean_text(PurePosixPath(source.rel).stem.replace("-", " ").replace("_", " "))
        problem(f"no title; using the file name {title!r}")
    if len(title) > config.max_title_length:
        problem(f"title is {len(title):,} characters long; shown cut to "
                f"{config.max_title_length}")
        title = shorten(title, config.max_title_length)

    published = values.get("published")
    if published is None:
        match = _FILENAME_DATE.match(PurePosixPath(source.rel).name)
        if match:
            try:
                published = datetime(*map(int, match.groups()), tzinfo=config.zone)
            except ValueError:
                problem(f"file name starts with an impossible date {match.group(0)[:10]!r}")
    if published is None and dateline is not None:
        published = datetime.combine(dateline, time(), tzinfo=config.zone)
    draft = values.get("draft", False) or values.get("published_flag") is False
    name, domain = values.get("source", ("", ""))
    original_url = values.get("original_url", "")
    if not domain and original_url.startswith("http"):
        domain = _domain(original_url)
    source_value = None
    if name or domain:
        source_value = Source(name or domain, domain, slugify(name or domain))

    topics = _dedupe(values.get("topics", ()))
    if len(topics) > config.max_topics:
        # each topic page shows the article's card with all its chips: the output grows
        # with the square of the count (4,000 topics made 1.3 GB)
        key = next((k for k in FIELDS["topics"].keys if k in meta), None)
        problem(f"{len(topics):,} topics; only the first {config.max_topics} are kept "
                "(max_topics in digest.yaml)", _key_line(text, key) if key else None)
        topics = topics[:config.max_topics]
    if not topics:
        topics = _dedupe(topics_by_rules(title, f"{standfirst} {plain}", config.topic_rules,
                                         config.default_topic))[:config.max_topics]
    excerpt = values.get("excerpt") or first_words(first_paragraph, config.excerpt_words)
    article = Article(
        path=source.rel,
        slug=values.get("slug") or slugify(title),
        title=title,
        published=published,
        updated=values.get("updated"),
        topics=tuple(Topic(n, slugify(n)) for n in topics),
        source=source_value,
        original_url=original_url,
        excerpt=shorten(excerpt, 600),
        standfirst=standfirst,
        body_html=body_html,
        image=values.get("image"),
        related=values.get("related", ()),
        word_count=words,
        reading_minutes=max(1, round(words / config.words_per_minute)) if words else 0,
        draft=draft,
        author=values.get("author", ""),
        meta={k: v for k, v in meta.items() if k not in KNOWN_KEYS},
    )
    if now is not None and (future := future_problem(article, config, now)):
        problems.append(future)
    return article, problems


def future_problem(article: Article, config: SiteConfig, now: datetime) -> Problem | None:
    """The one problem that depends on the clock, kept apart so parsed articles can be cached."""
    if article.published is None or article.published <= now + timedelta(days=1):
        return None
    action = "shown anyway (--no-future to leave it out)" if config.future else "left out"
    return Problem(article.path, f"date {article.published.date().isoformat()} is in the "
                   f"future; {action}")


def _first_paragraph(fragment: str) -> str:
    match = re.search(r"<p>(.*?)</p>", fragment, re.DOTALL)
    return html_text(match.group(1)) if match else html_text(fragment)


def _key_line(text: str, key: str) -> int | None:
    match = re.search(rf"^\s*{re.escape(key)}\s*:", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _dedupe(names: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for name in names:
        key = name.casefold()
        if key not in seen:
            seen.add(key)
            out.append(name)
    return out


# ------------------------------------------------------------------ across articles


def topics_by_rules(title: str, text: str, rules: tuple[TopicRule, ...],
                    default: str) -> list[str]:
    """The topics of an article that names none: those whose keywords it mentions (the
    title counts most), else `default`. The plain text is read here and not kept: it
    would double the memory every article takes for the whole build."""
    title, text = title.casefold(), text.casefold()
    scored = []
    for order, rule in enumerate(rules):
        in_title = any(_mentions(title, k) for k in rule.keywords)
        mentions = sum(_mentions(text, k) for k in rule.keywords)
        if in_title or mentions >= rule.min_mentions:
            scored.append((-(mentions + 5 * in_title), order, rule.name))
    return [name for _, _, name in sorted(scored)[:4]] or [default]


def _mentions(text: str, keyword: str) -> int:
    return len(_keyword_pattern(keyword).findall(text))


@lru_cache(maxsize=1024)
def _keyword_pattern(keyword: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(keyword.casefold())}(?!\w)")


def assign_slugs(articles: Iterable[Article]) -> tuple[list[Article], list[Problem]]:
    """Give every article a unique slug; later files (by path) get -2, -3 … on a clash."""
    taken: set[str] = set()
    out: list[Article] = []
    problems: list[Problem] = []
    for article in sorted(articles, key=lambda a: a.path):
        base = article.slug if article.slug not in _SLUG_RESERVED else f"{article.slug}-article"
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        if slug != article.slug:
            problems.append(Problem(article.path, f"slug {article.slug!r} is already taken; "
                                    f"using {slug!r}"))
        taken.add(slug)
        out.append(replace(article, slug=slug) if slug != article.slug else article)
    return out, problems


@lru_cache(maxsize=200_000)
def _story_key(url: str) -> str:
    """https://www.x.com/a/ and https://x.com/a are one story."""
    parts = urlsplit(url)
    return f"{(parts.hostname or '').removeprefix('www.')}{parts.path.rstrip('/')}?{parts.query}"


def duplicate_urls(articles: Iterable[Article]) -> list[Problem]:
    """Two files for one original story: both are kept, and the later file says so."""
    first: dict[str, str] = {}
    problems = []
    for article in sorted(articles, key=lambda a: a.path):
        if not article.original_url.startswith("http"):
            continue
        key = _story_key(article.original_url)
        if key in first:
            problems.append(Problem(article.path, f"same original URL as {first[key]}; "
                                    "both are kept"))
        else:
            first[key] = article.path
    return problems
