"""A web page (its downloaded HTML) -> an article: trafilatura finds the text and metadata,
htmldate the date; we keep only glue. Pure: no function here touches the network."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import htmldate
import trafilatura

from .entries import clean_url, excerpt, front_matter, to_markdown, url_key

IMAGE_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif",
               "image/webp": ".webp", "image/avif": ".avif"}


@dataclass(frozen=True)
class Clipping:
    """What a page says about itself, and its text as Markdown."""

    title: str
    url: str  # canonical, tracking parameters removed; '' for a saved file without one
    source: str
    domain: str
    author: str = ""
    published: datetime | None = None
    image: str = ""
    excerpt: str = ""
    body: str = ""

    def keys(self) -> tuple[str, ...]:
        """The dedup keys: its canonical URL (the same key space as feed entries)."""
        return ("url:" + url_key(self.url),) if self.url else ()


def clip(page: bytes | str, url: str = "") -> Clipping | None:
    """HTML + the URL it came from -> Clipping, or None when no article text was found."""
    html = page.decode("utf-8", "replace") if isinstance(page, bytes) and _utf8(page) else page
    meta = trafilatura.extract_metadata(html, default_url=url or None)
    body_html = trafilatura.extract(html, url=url or None, output_format="html",
                                    include_links=True, include_formatting=True,
                                    include_tables=True, include_comments=False,
                                    with_metadata=False)
    if not body_html:
        return None
    info: dict[str, Any] = meta.as_dict() if meta is not None else {}
    canonical = _absolute(str(info.get("url") or ""), url) or url
    canonical = clean_url(canonical) if canonical else ""
    domain = (urlsplit(canonical).hostname or "").removeprefix("www.")
    title = " ".join(str(info.get("title") or "").split())
    body = _drop_title_heading(to_markdown(body_html), title)
    return Clipping(
        title=title or excerpt(body_html, 12).removesuffix(" …") or "Untitled",
        url=canonical,
        source=str(info.get("sitename") or "").strip() or domain,
        domain=domain,
        author=" ".join(str(info.get("author") or "").split()),
        published=page_date(html, url),
        image=_absolute(str(info.get("image") or ""), canonical or url),
        excerpt=" ".join(str(info.get("description") or "").split())
        or excerpt(body_html),
        body=body)


def _utf8(data: bytes) -> bool:
    """Do these bytes decode as UTF-8 (else trafilatura guesses the encoding)?"""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _absolute(link: str, base: str) -> str:
    """A possibly relative link -> an absolute http(s) URL, or '' when it cannot be one."""
    if not link:
        return ""
    joined = urljoin(base, link) if base else link
    return joined if urlsplit(joined).scheme in {"http", "https"} else ""


def _drop_title_heading(body: str, title: str) -> str:
    """Markdown starting with '# <title>' -> without it (the page shows the title)."""
    first, _, rest = body.partition("\n")
    heading = re.fullmatch(r"#{1,2}\s+(.*)", first.strip())
    if heading and " ".join(heading.group(1).split()).casefold() == title.casefold():
        return rest.strip()
    return body


def page_date(html: str | bytes, url: str = "") -> datetime | None:
    """The page's original publication date (htmldate, from the HTML only) or None."""
    found = htmldate.find_date(html, url=url or None, original_date=True,
                               outputformat="%Y-%m-%dT%H:%M:%S", extensive_search=True)
    if not found:
        return None
    try:
        return datetime.fromisoformat(found).replace(tzinfo=UTC)
    except ValueError:
        return None


def clipping_text(clipping: Clipping, topics: tuple[str, ...] = (), image_name: str = "",
                  source: str = "") -> str:
    """Clipping -> the article file's text in the seed-000 front-matter shape."""
    when = clipping.published
    stamp = ""
    if when is not None:
        stamp = (f"{when:%Y-%m-%d}" if (when.hour, when.minute, when.second) == (0, 0, 0)
                 else f"{when:%Y-%m-%dT%H:%M:%SZ}")
    image = clipping.image or image_name
    meta = {
        "title": clipping.title,
        "excerpt": clipping.excerpt,
        "publishedDateTime": stamp,
        "originalUrl": clipping.url,
        "provider": {k: v for k, v in (("name", source or clipping.source),
                                       ("domain", clipping.domain)) if v},
        "topics": list(dict.fromkeys(t for t in topics if t)),
        "images": [{"url": image}] if image else [],
        "author": clipping.author,
    }
    return front_matter(meta) + ("\n" + clipping.body + "\n" if clipping.body else "")


def image_suffix(content_type: str, url: str) -> str:
    """An image response's type (or its URL's suffix) -> '.jpg', '.png', …, or ''."""
    kind = content_type.split(";")[0].strip().lower()
    if kind in IMAGE_TYPES:
        return IMAGE_TYPES[kind]
    suffix = "." + urlsplit(url).path.rsplit(".", 1)[-1].lower() if "." in url else ""
    suffix = ".jpg" if suffix == ".jpeg" else suffix
    return suffix if suffix in IMAGE_TYPES.values() else ""
