"""Pure: one page -> the metadata search engines, social sites and feed readers read from
its <head>: description, canonical URL, Open Graph, Twitter card and JSON-LD.

URLs in metadata must be absolute, so they appear only when `base_url` is set. The
canonical link too: a relative one is allowed by HTML, but search engines advise against
it and Lighthouse's SEO audit fails it ("Is not an absolute URL").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from ..config import SiteConfig
from .dates import long_date, month_name
from .front import newest_first
from .images import ShownImage
from ..model import Article, Digest, Image

NOT_FOUND = "404.html"
HEADLINE_LIMIT = 110  # schema.org/Google: longer headlines are cut in rich results


@dataclass(frozen=True)
class FeedLink:
    """A feed as a page's <head> advertises it."""

    type: str  # media type: application/atom+xml, application/rss+xml, application/feed+json
    title: str
    href: str  # absolute URL


def rfc3339(moment: datetime) -> str:
    """Aware datetime -> '2023-09-11T08:30:00Z' (RFC 3339, W3C datetime, ISO 8601)."""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _maybe(func: Callable[[datetime], str], value: datetime | None) -> str | None:
    return func(value) if value is not None else None


def modified(article: Article) -> datetime | None:
    return article.updated or article.published


def shareable_image(article: Article, config: SiteConfig,
                    shown: ShownImage | None = None) -> Image | None:
    """The lead image for social cards and feeds, with an absolute URL, or None.

    `shown` is what the article's page shows (site/images.py): a local copy is published
    next to the page under its own name ('lead.png'), so cards point there, whatever
    path or remote URL the front matter named. Otherwise a card image must be absolute,
    so a relative one needs base_url. An image on another server is shared only when the
    site may show remote images at all (`remote_images`): an owner who keeps third-party
    images off the site keeps them off its cards too.
    """
    image = article.image
    if shown is not None and not urlsplit(shown.src).scheme:
        if not config.base_url:
            return None
        return Image(config.base_url + shown.src, shown.width, shown.height, shown.alt)
    if image is None or not image.url or image.url.startswith("mailto:"):
        return None
    if image.url.startswith(("http://", "https://")):
        own = bool(config.base_url) and image.url.startswith(config.base_url)
        return image if own or config.remote_images else None
    if not config.base_url:
        return None
    return replace(image, url=urljoin(config.base_url + article.url, image.url))


# A year's page stands for thousands of stories on a large site; listing every one made
# its <head> 400 KB. The list names the first (newest) ones and says how many there are.
ITEM_LIST_MAX = 100


def page_articles(template: str, context: Mapping[str, Any], digest: Digest) -> list[Article]:
    """The articles a page shows (or, for an index of indexes, all it leads to)."""
    if "article" in context:
        return [context["article"]]
    if "page" in context:
        return list(context["page"].items)
    if "day" in context:
        return list(context["day"].articles)
    if "month" in context:
        return [a for day in context["month"].days for a in day.articles]
    if "year" in context:
        return [a for month in context["year"].months for day in month.days
                for a in day.articles]
    if "days" in context:
        # in the front page's order: each day newest first
        return [a for day in context["days"] for a in newest_first(day)] + list(
            context["undated"])
    if template == NOT_FOUND:
        return []
    return list(digest.articles)


def newest(articles: Iterable[Article]) -> datetime | None:
    dates = [d for d in map(modified, articles) if d is not None]
    return max(dates) if dates else None


def page_meta(path: str, template: str, context: Mapping[str, Any], digest: Digest,
              config: SiteConfig, absolute: Callable[[str], str],
              feeds: Sequence[FeedLink] = (),
              images: Mapping[str, ShownImage] | None = None) -> dict[str, Any]:
    """One page -> what templates/_meta.html writes into its <head> (`images`: what
    each article's page shows, by article path)."""
    has_base = bool(config.base_url)
    url = absolute(path) if has_base else None
    article: Article | None = context.get("article")
    title, description = _title_and_description(template, context, config)
    meta: dict[str, Any] = {
        "title": title,
        "description": description,
        "canonical": None if template == NOT_FOUND else url,
        "url": None if template == NOT_FOUND else url,
        "type": "article" if article else "website",
        "locale": _og_locale(config.language),
        "image": (shareable_image(article, config, (images or {}).get(article.path))
                  if article else None),
        "published": rfc3339(article.published) if article and article.published else None,
        "modified": _maybe(rfc3339, modified(article)) if article else None,
        "tags": [t.name for t in article.topics] if article else [],
        "feeds": list(feeds),
        # drafts are previews: kept out of search engines as they are kept out of feeds
        "noindex": template == NOT_FOUND or bool(article and article.draft),
        "json_ld": None,
    }
    if template == NOT_FOUND:
        return meta
    if article:
        meta["json_ld"] = _news_article(article, meta, config, absolute)
    else:
        meta["json_ld"] = _collection(template, context, digest, meta, config, absolute)
    return meta


def _title_and_description(template: str, context: Mapping[str, Any],
                           config: SiteConfig) -> tuple[str, str]:
    """A page's own title (without the site name: og:site_name carries that)."""
    def stories(n: int) -> str:
        return f"{n} {'story' if n == 1 else 'stories'}"

    if "article" in context:
        article = context["article"]
        return article.title, article.excerpt or article.standfirst or config.description
    if "topic" in context:
        total = context["total"]
        return (context["topic"].name,
                f"{stories(total)} on {context['topic'].name} in {config.title}.")
    if "source" in context:
        total = context["total"]
        return (context["source"].name,
                f"{stories(total)} from {context['source'].name} in {config.title}.")
    if "day" in context:
        name = long_date(context["day"].day)
        return name, f"{stories(len(context['day'].articles))} on {name} in {config.title}."
    if "month" in context:
        month = context["month"]
        name = f"{month_name(month.month)} {month.year}"
        return name, f"{stories(month.count)} in {name} in {config.title}."
    if "year" in context:
        year = context["year"]
        return str(year.year), f"{stories(year.count)} in {year.year} in {config.title}."
    if template == "undated.html":
        return "Undated stories", f"{stories(context['total'])} without a date in {config.title}."
    names = {"topics.html": "Topics", "sources.html": "Sources", "archive.html": "Archive",
             NOT_FOUND: "Page not found"}
    return names.get(template, config.title), config.description


def _og_locale(language: str) -> str | None:
    """'en' -> 'en', 'pt-BR' -> 'pt_BR' (Open Graph writes locales with an underscore)."""
    parts = language.replace("_", "-").split("-")
    if not parts[0].isalpha() or not 2 <= len(parts[0]) <= 3:
        return None
    if len(parts) > 1 and parts[1].isalpha() and len(parts[1]) == 2:
        return f"{parts[0].lower()}_{parts[1].upper()}"
    return parts[0].lower()


def _publisher(config: SiteConfig, absolute: Callable[[str], str]) -> dict[str, Any]:
    publisher: dict[str, Any] = {"@type": "Organization", "name": config.title}
    if config.base_url:
        publisher["url"] = absolute("")
    return publisher


def _news_article(article: Article, meta: Mapping[str, Any], config: SiteConfig,
                  absolute: Callable[[str], str]) -> dict[str, Any]:
    """schema.org NewsArticle: what Google reads for article rich results."""
    headline = article.title
    if len(headline) > HEADLINE_LIMIT:
        headline = headline[: HEADLINE_LIMIT - 1].rsplit(" ", 1)[0] + "…"
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": headline,
        "description": meta["description"],
        "inLanguage": config.language,
        "publisher": _publisher(config, absolute),
    }
    if meta["url"]:
        data["url"] = meta["url"]
        data["mainEntityOfPage"] = {"@type": "WebPage", "@id": meta["url"]}
    if meta["published"]:
        data["datePublished"] = meta["published"]
    if meta["modified"]:
        data["dateModified"] = meta["modified"]
    if meta["image"]:
        image = meta["image"]
        data["image"] = ({"@type": "ImageObject", "url": image.url, "width": image.width,
                          "height": image.height} if image.width else [image.url])
    if article.author:
        data["author"] = {"@type": "Person", "name": article.author}
    elif article.source:
        data["author"] = {"@type": "Organization", "name": article.source.name}
    if article.source:
        source: dict[str, Any] = {"@type": "Organization", "name": article.source.name}
        if article.source.domain:
            source["url"] = f"https://{article.source.domain}/"
        data["sourceOrganization"] = source
    if article.original_url.startswith(("http://", "https://")):
        data["isBasedOn"] = article.original_url
    if article.topics:
        data["keywords"] = [t.name for t in article.topics]
        data["articleSection"] = article.topics[0].name
    if article.word_count:
        data["wordCount"] = article.word_count
    return data


def _collection(template: str, context: Mapping[str, Any], digest: Digest,
                meta: Mapping[str, Any], config: SiteConfig,
                absolute: Callable[[str], str]) -> dict[str, Any]:
    """schema.org CollectionPage, with an ItemList of the articles a list page shows."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "CollectionPage",
        "name": meta["title"],
        "description": meta["description"],
        "inLanguage": config.language,
        "publisher": _publisher(config, absolute),
    }
    if meta["url"]:
        data["url"] = meta["url"]
    if template in {"topics.html", "sources.html", "archive.html"}:
        return data
    articles = page_articles(template, context, digest)
    items = []
    for position, article in enumerate(articles[:ITEM_LIST_MAX], start=1):
        item: dict[str, Any] = {"@type": "ListItem", "position": position, "name": article.title}
        if config.base_url:
            item["url"] = absolute(article.url)
        items.append(item)
    data["mainEntity"] = {"@type": "ItemList", "numberOfItems": len(articles),
                          "itemListElement": items}
    return data
