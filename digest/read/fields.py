"""Pure: the front-matter field table, one small processor per field.

Every processor takes the raw front-matter value and returns the field's value, or raises
`FieldProblem` to say why the value was not used; the article is still built.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from ..config import SiteConfig
from ..model import Image, Link
from .dates import parse_datetime
from .slugs import slugify
from .text import FieldProblem, clean_text, kind_of, safe_url, shorten, strip_tags, text_of


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
        return name, domain_of(domain)
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        text = text_of(value, "source")
        if re.fullmatch(r"(https?://)?[\w.-]+\.[a-z]{2,}/?", text, re.IGNORECASE):
            return "", domain_of(text)
        return text, ""
    raise FieldProblem(f"provider is {kind_of(value)}, not a name or "
                       "{name, domain}; ignored")


def domain_of(text: str) -> str:
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
        raise FieldProblem(f"image is {kind_of(value)}, not a URL or {{url, width, "
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
        raise FieldProblem(f"related is {kind_of(value)}, not a list; ignored")
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
