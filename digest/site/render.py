"""Digest -> {output path: bytes}: the Jinja environment and one context per page.

Every internal link is relative to the page it is on, so one build works at a domain
root, under a subpath such as /repo/, and opened straight from disk.
"""

from __future__ import annotations

import hashlib
import json
import math
import posixpath
import re
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property, partial
from pathlib import Path
from typing import Any

from jinja2 import (
    BytecodeCache,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    select_autoescape,
)
from markupsafe import Markup

from .. import PROJECT_URL, __version__
from ..config import SiteConfig
from ..model import (
    Article,
    Digest,
    day_path,
    month_path,
    source_path,
    topic_path,
    undated_path,
    year_path,
)
from ..passes import Edit
from ..stories.related import reading_list
from .article_pages import Made, article_pages
from .dates import long_date, month_name, short_date, zone_label
from .front import latest, newest_first, top_topics, trending
from .meta import page_meta

BUILTIN_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
if not BUILTIN_TEMPLATES.is_dir():  # installed from a wheel: the theme ships in the package
    BUILTIN_TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def make_environment(config: SiteConfig) -> Environment:
    """Site templates override the built-in ones file by file; '!default/x.html' is the original."""
    builtin = FileSystemLoader(str(BUILTIN_TEMPLATES))
    loaders: list[Any] = []
    if config.templates_dir is not None:
        loaders.append(FileSystemLoader(str(config.resolve(config.templates_dir))))
    elif (config.root / "templates").is_dir() and \
            (config.root / "templates").resolve() != BUILTIN_TEMPLATES:
        loaders.append(FileSystemLoader(str(config.root / "templates")))
    loaders.append(builtin)
    env = Environment(
        loader=ChoiceLoader([PrefixLoader({"!default": builtin}), *loaders]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True,
        # shared_environment gives a new environment when any source changes, so
        # templates need not be checked for changes (four stats a page) as they render
        auto_reload=False,
    )
    zone = config.zone
    env.filters["local"] = lambda dt: dt.astimezone(zone)
    env.filters["long_date"] = lambda d: long_date(d.astimezone(zone) if isinstance(
        d, datetime) else d)
    env.filters["short_date"] = lambda d: short_date(d.astimezone(zone) if isinstance(
        d, datetime) else d)
    env.filters["clock"] = lambda dt: _clock(dt.astimezone(zone))
    env.filters["zone"] = lambda dt: zone_label(dt.astimezone(zone))
    env.filters["newest_first"] = newest_first
    env.filters["iso"] = lambda d: _iso(d.astimezone(zone) if isinstance(d, datetime) else d)
    env.filters["month_name"] = month_name
    env.filters["tojson_script"] = _json_script
    env.filters["scrolling_tables"] = scrolling_tables
    env.globals["version"] = __version__
    env.globals["project_url"] = PROJECT_URL
    env.globals["by_day"] = lambda articles: by_day(articles, zone)
    env.globals["latest_story"] = latest
    env.globals["trending"] = trending
    env.globals["top_topics"] = top_topics
    return env


def templates_key(env: Environment) -> str:
    """Every template the environment can load, by name and source."""
    assert env.loader is not None
    parts = []
    for name in env.list_templates():
        source, _, _ = env.loader.get_source(env, name)
        parts.append(f"{name}\0{source}")
    return hashlib.sha256("\0\0".join(parts).encode()).hexdigest()


_ENVIRONMENTS: dict[tuple[str, ...], tuple[str, Environment]] = {}


def shared_environment(config: SiteConfig, compiled: Callable[[], BytecodeCache | None] | None
                       = None) -> tuple[Environment, str]:
    """The environment for this config and the key of its templates' sources.

    While the sources stay the same, the environment (with the templates it compiled)
    is the one the last build of this process used: compiling the theme again was a
    third of a live-preview rebuild. Any change to any template, or a template added
    or removed, gives a new environment, so nothing compiled from old sources is used.
    With `compiled` (it makes the store, e.g. incremental.templates.compiled_templates),
    Jinja keeps the compiled templates for the next process, by their source's checksum.
    """
    fresh = make_environment(config)
    key = templates_key(fresh)
    slot = (str(config.root.resolve()), repr(config.templates_dir), str(config.zone))
    known = _ENVIRONMENTS.get(slot)
    if known is not None and known[0] == key:
        return known[1], key
    if compiled is not None:  # compiled templates kept on disk for the next process
        fresh.bytecode_cache = compiled()
    _ENVIRONMENTS[slot] = (key, fresh)
    return fresh, key


def _clock(dt: datetime) -> str:
    """'08:30', as strftime('%H:%M') writes it at a third of the cost (a card shows one)."""
    return f"{dt.hour:02d}:{dt.minute:02d}"


def _iso(d: date) -> str:
    """A <time datetime> value: the date alone when no time of day is known (local midnight)."""
    if isinstance(d, datetime) and (d.hour, d.minute, d.second, d.microsecond) == (0, 0, 0, 0):
        return d.date().isoformat()
    return d.isoformat()


def _json_script(value: Any) -> Markup:
    """A value as JSON that is safe inside <script> (no '</script>' can close it)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, indent=None)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


_TABLE_TAG = re.compile(r"<(/?)table\b[^>]*>")  # (sanitised HTML: tags are well formed)
_SCROLL_BOX = '<div class="table-scroll" role="region" tabindex="0" aria-label="Table">'


def scrolling_tables(body: str) -> Markup:
    """A sanitised article body -> the same, each (outermost) table in a box that scrolls
    sideways on a narrow screen, as a table is as wide as its columns. The box can be
    focused and is a named region, so it scrolls from the keyboard and a screen reader
    says what it is; the table keeps `display: table`, and with it its semantics."""
    if "<table" not in body:
        return Markup(body)
    out, depth, last = [], 0, 0
    for tag in _TABLE_TAG.finditer(body):
        closing = bool(tag.group(1))
        if not closing and depth == 0:
            out += [body[last:tag.start()], _SCROLL_BOX]
            last = tag.start()
        depth = max(depth + (-1 if closing else 1), 0)
        if closing and depth == 0:
            out += [body[last:tag.end()], "</div>"]
            last = tag.end()
    out.append(body[last:])
    if depth:  # never closed (not from the sanitiser): as it came
        return Markup(body)
    return Markup("".join(out))


@dataclass(frozen=True)
class Links:
    """URL helpers for one page: `url` is relative to it, `absolute` uses base_url."""

    page: str  # the page's site path: '' (home), 'articles/slug/', '404.html'
    config: SiteConfig
    rooted: bool = False  # for 404.html: served at any depth, so links start at base_path

    def url(self, target: str) -> str:
        if target.startswith(("http://", "https://", "mailto:")):
            return target
        if not self.config.clean_links and (target == "" or target.endswith("/")):
            target += "index.html"
        return self.to_root + target or "./"

    @cached_property
    def to_root(self) -> str:
        """What leads from this page to the site's root (a page makes hundreds of links)."""
        if self.rooted:
            return self.config.base_path
        folder = self.page if self.page.endswith("/") else posixpath.dirname(self.page)
        return "../" * len([part for part in folder.split("/") if part])

    def absolute(self, target: str) -> str:
        """Canonical, feed and sitemap URLs: clean ('…/slug/'), absolute when base_url is set."""
        if target.startswith(("http://", "https://")):
            return target
        if self.config.base_url:
            return self.config.base_url + target
        return self.url(target)


@dataclass(frozen=True)
class Page:
    path: str  # site path; 'x/' is written as x/index.html
    template: str
    context: dict[str, Any]

    file: str = field(init=False, repr=False, compare=False)  # asked for often: kept

    def __post_init__(self) -> None:
        folder = self.path == "" or self.path.endswith("/")
        object.__setattr__(self, "file", self.path + "index.html" if folder else self.path)


@dataclass(frozen=True)
class Paginated:
    number: int
    count: int
    items: Sequence[Article]
    path_of: Callable[[int], str]

    @property
    def previous(self) -> str | None:
        return self.path_of(self.number - 1) if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.path_of(self.number + 1) if self.number < self.count else None


def by_day(articles: Sequence[Article], zone: Any) -> list[tuple[date | None, list[Article]]]:
    """Articles newest first -> [(local day or None for undated, articles)] keeping the order."""
    out: list[tuple[date | None, list[Article]]] = []
    for article in articles:
        day = article.published.astimezone(zone).date() if article.published else None
        if out and out[-1][0] == day:
            out[-1][1].append(article)
        else:
            out.append((day, [article]))
    return out


def paginate(articles: Sequence[Article], size: int,
             path_of: Callable[[int], str]) -> Iterator[Paginated]:
    count = max(1, math.ceil(len(articles) / size))
    for number in range(1, count + 1):
        yield Paginated(number, count, articles[(number - 1) * size: number * size], path_of)


def pages(digest: Digest, config: SiteConfig, last: Made[Page] | None = None,
          edit: Edit | None = None) -> Iterator[Page]:
    """Every HTML page of the site, with the template and context that render it (`last`:
    the last call's article pages, `edit`: what changed since, see article_pages)."""
    # Undated stories have no day to go to: the front page shows the first page of them
    # and archive/undated/ all of them, a page at a time (a folder of plain-text files
    # can hold thousands, which made a front page of megabytes).
    yield Page("", "index.html", {
        "days": digest.days[: config.front_page_days],
        "undated": digest.undated[: config.page_size],
        "undated_total": len(digest.undated),
        "more_days": len(digest.days) > config.front_page_days,
    })
    yield from article_pages(digest, Page, last, edit)
    yield Page("topics/", "topics.html", {})
    for topic_group in digest.topics:
        yield from _listing(topic_group.articles, "topic", topic_group.topic,
                            partial(topic_path, topic_group.topic.slug), config)
    yield Page("sources/", "sources.html",
               {"unsourced": len(digest.articles) - sum(len(g.articles) for g in digest.sources)})
    for source_group in digest.sources:
        yield from _listing(source_group.articles, "source", source_group.source,
                            partial(source_path, source_group.source.slug), config)
    yield Page("archive/", "archive.html", {"undated_total": len(digest.undated)})
    if digest.undated:
        for page in paginate(digest.undated, config.page_size, undated_path):
            yield Page(undated_path(page.number), "undated.html",
                       {"page": page, "total": len(digest.undated)})
    if config.search:
        yield Page("search/", "search.html", {})
    for year in digest.years:
        yield Page(year_path(year.year), "year.html", {"year": year})
        for month in year.months:
            yield Page(month_path(month.year, month.month), "month.html", {"month": month})
            for day in month.days:
                yield Page(day_path(day.day), "day.html", {"day": day})


def _listing(articles: Sequence[Article], kind: str, subject: object,
             path_of: Callable[[int], str], config: SiteConfig) -> Iterator[Page]:
    """The paginated pages of one topic or source ('topic.html' gets `topic`, …)."""
    for page in paginate(articles, config.page_size, path_of):
        yield Page(path_of(page.number), f"{kind}.html",
                   {kind: subject, "page": page, "total": len(articles)})


def render_page(env: Environment, page: Page, site: dict[str, Any], config: SiteConfig,
                rooted: bool = False) -> bytes:
    links = Links(page.path, config, rooted=rooted)
    feeds = site["feeds_for"](page.path) if "feeds_for" in site else []
    meta = page_meta(page.path, page.template, page.context, site["digest"], config,
                     links.absolute, feeds, site.get("images"))
    context = site | page.context | {"url": links.url, "absolute": links.absolute,
                                     "page_path": page.path, "meta": meta,
                                     # (cards say a story's other sources: article
                                     # keys take them, see incremental.keys.article_keys)
                                     "story_of": site["digest"].story,
                                     "memo": partial(_memo, site["fragments"], links)}
    return env.get_template(page.template).render(context).encode("utf-8")


def _memo(fragments: dict[tuple[Hashable, ...], str], links: Links, *key: Hashable,
          caller: Callable[[], str]) -> str:
    """`{% call memo(key…) %}…{% endcall %}`: the block's output, rendered once per build
    for each key, and given to each way to the site's root (its links are relative to
    the page) by putting that in where its url() calls began.

    A story's card is on its topics', its source's and its day's pages, and
    the Jinja calls a card makes cost more than its markup: at 10,000 stories, a sixth of
    a cold build. The key must name everything the block shows that is not the same on
    every page of the site.
    """
    to_root = links.to_root
    if to_root == _ROOT_MARK:  # a block inside a block being rendered for every depth
        return caller()
    whole = (to_root, *key)
    found = fragments.get(whole)
    if found is None:
        if len(fragments) >= MEMO_MAX:  # a bound on memory, not an eviction policy
            fragments.clear()
        shared = None
        if _DEPTH.fullmatch(to_root):  # '../' a level: nothing in it for escape() to change
            marked = (_ROOT_MARK, *key)
            if marked not in fragments:
                fragments[marked] = _with_mark(links, caller)
            shared = fragments[marked]
        found = fragments[whole] = caller() if shared is None else shared.replace(
            _ROOT_MARK, to_root)
    return found


# What url() starts its links with while a block is rendered for every depth (private-use
# characters, which no template writes), and the depths that can share a rendering: the
# home page's url('') is './', not the way to the root followed by ''.
_ROOT_MARK = "\ue000\U000f0000digest-root\U000f0001\ue001"
_DEPTH = re.compile(r"(?:\.\./)+")


def _with_mark(links: Links, caller: Callable[[], str]) -> str | None:
    """The block rendered with _ROOT_MARK as the way to the root; None when it shows the
    mark other than whole (a filter changed a link: then each depth renders its own)."""
    real = links.to_root
    links.__dict__["to_root"] = _ROOT_MARK  # where cached_property keeps it
    try:
        text = caller()
    finally:
        links.__dict__["to_root"] = real
    whole = text.count(_ROOT_MARK)
    return text if text.count("\ue000") == text.count("digest-root") == whole else None


# ~1.3 KB a card: at most ~65 MB a process, a limit only sites of ~20,000 stories reach
MEMO_MAX = 50_000


def site_context(digest: Digest, config: SiteConfig) -> dict[str, Any]:
    """What every template sees: the config, the digest and the paths of the site's pages."""
    return {
        "site": config,
        "digest": digest,
        # the nav links to sources/ only when there are some (a site-wide value, not
        # `digest`, so that a page's key need not be the whole site's: output/assemble.py)
        "has_sources": bool(digest.sources),
        "generator": f"digest {__version__}",
        "paths": {
            "article": lambda a: a.url,
            "topic": lambda t, n=1: topic_path(t.slug, n),
            "source": lambda s, n=1: source_path(s.slug, n),
            "day": day_path,
            "month": month_path,
            "year": year_path,
            "undated": undated_path,
        },
        "reading": reading_list,
        "day_pages": {day.day.isoformat(): True for day in digest.days},
        "assets": {},
        "images": {},  # article path -> ShownImage; see images.py
        "fragments": {},  # what memo() rendered for this build; see _memo
    }
