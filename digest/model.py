"""The values the pipeline passes along: articles, problems and the grouped digest."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class SourceFile:
    """One article file as text; `rel` is its path inside the content folder."""

    rel: str
    text: str
    sha256: str
    suffix: str
    sidecar: Sidecar | None = None  # NAME.yaml beside it (digest.read.sidecar)


@dataclass(frozen=True)
class Sidecar:
    """A sidecar's text; `rel` is its path inside the content folder."""

    rel: str
    text: str


@dataclass(frozen=True)
class Problem:
    """Something wrong with one input file, and what the build did about it."""

    path: str
    message: str
    line: int | None = None
    # "warning": handled; "error": the file was skipped; "note": a setting did what it says
    # (topics.max_from_rules cut an article's topics): shown, but not counted by --strict
    severity: str = "warning"

    @property
    def counts(self) -> bool:
        """Is it one that --strict fails on (all but notes)?"""
        return self.severity != "note"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Image:
    url: str
    width: int | None = None
    height: int | None = None
    alt: str = ""


@dataclass(frozen=True)
class Topic:
    name: str
    slug: str


@dataclass(frozen=True)
class Source:
    name: str
    domain: str
    slug: str


@dataclass(frozen=True)
class Link:
    """A related story elsewhere on the web."""

    title: str
    url: str
    source: str = ""
    published: datetime | None = None
    excerpt: str = ""


@dataclass(frozen=True)
class Fingerprint:
    """What story clustering needs of an article's text (digest.stories.fingerprint)."""

    shingles: bytes  # MinHash of the text's word 3-grams (uint32 values)
    terms: str  # names, numbers and title words, sorted, space-separated (one object)
    text_hash: str  # the normalised text; '' when there is none
    words: int = 0


@dataclass(frozen=True)
class Article:
    """One normalised article; `path` (relative to the content folder) is its identity."""

    path: str
    slug: str
    title: str
    published: datetime | None
    updated: datetime | None = None
    topics: tuple[Topic, ...] = ()
    source: Source | None = None
    original_url: str = ""
    excerpt: str = ""
    standfirst: str = ""
    # The sanitised body as UTF-8: a str of it took one to four bytes a character (two
    # for every body with a '€' in it), 800 MB of a 100,000-article build; body_html reads it.
    body: bytes = b""
    image: Image | None = None
    related: tuple[Link, ...] = ()
    word_count: int = 0
    reading_minutes: int = 0
    draft: bool = False
    author: str = ""
    meta: dict[str, Any] = field(default_factory=dict, compare=False)
    front: dict[str, Any] | None = field(default=None, compare=False, repr=False)  # as read
    old_paths: tuple[str, ...] = ()  # where the site's old tool put it: redirected here
    section: str = ""  # 'fr/posts': the old URL's folders, kept when slugs clash (slugs.py)
    fingerprint: Fingerprint | None = field(default=None, compare=False, repr=False)

    @property
    def body_html(self) -> str:
        """The body's sanitised HTML."""
        return self.body.decode("utf-8", "surrogatepass")

    @property
    def url(self) -> str:
        return article_path(self.slug, self.section)

    @property
    def sort_key(self) -> tuple[float, str]:
        """Newest first; undated last; ties broken by path so output is deterministic."""
        stamp = -self.published.timestamp() if self.published else float("inf")
        return (stamp, self.path)


def article_path(slug: str, section: str = "") -> str:
    return f"articles/{section}/{slug}/" if section else f"articles/{slug}/"


def topic_path(slug: str, page: int = 1) -> str:
    return f"topics/{slug}/" + (f"page/{page}/" if page > 1 else "")


def source_path(slug: str, page: int = 1) -> str:
    return f"sources/{slug}/" + (f"page/{page}/" if page > 1 else "")


def undated_path(page: int = 1) -> str:
    return "archive/undated/" + (f"page/{page}/" if page > 1 else "")


def day_path(day: date) -> str:
    return f"{day.year:04d}/{day.month:02d}/{day.day:02d}/"


def month_path(year: int, month: int) -> str:
    return f"{year:04d}/{month:02d}/"


def year_path(year: int) -> str:
    return f"{year:04d}/"


@dataclass(frozen=True)
class Story:
    """Articles about one event from one or more sources; the lead first.

    `id` is the lead's slug: the same story keeps it from build to build while its lead
    does (the lead is chosen by a rule, digest.stories.cluster.lead_order).
    """

    id: str
    articles: tuple[Article, ...]

    @property
    def lead(self) -> Article:
        return self.articles[0]

    @property
    def others(self) -> tuple[Article, ...]:
        return self.articles[1:]


@dataclass(frozen=True)
class Day:
    """One day's edition: its articles grouped by primary topic."""

    day: date
    groups: tuple[tuple[Topic, tuple[Article, ...]], ...]

    @property
    def articles(self) -> tuple[Article, ...]:
        return tuple(a for _, arts in self.groups for a in arts)


@dataclass(frozen=True)
class TopicGroup:
    topic: Topic
    articles: tuple[Article, ...]


@dataclass(frozen=True)
class SourceGroup:
    source: Source
    articles: tuple[Article, ...]


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    days: tuple[Day, ...]

    @property
    def count(self) -> int:
        return sum(len(d.articles) for d in self.days)


@dataclass(frozen=True)
class Year:
    year: int
    months: tuple[Month, ...]

    @property
    def count(self) -> int:
        return sum(m.count for m in self.months)


@dataclass(frozen=True)
class Digest:
    """Every relation between articles, rebuilt on every build."""

    articles: tuple[Article, ...]  # newest first, undated last
    days: tuple[Day, ...]  # newest first
    years: tuple[Year, ...]  # newest first
    undated: tuple[Article, ...]
    topics: tuple[TopicGroup, ...]  # by name
    sources: tuple[SourceGroup, ...]  # by name
    neighbours: dict[str, tuple[Article | None, Article | None]]  # path -> (newer, older)
    stories: dict[str, Story] = field(default_factory=dict)  # article path -> its story
    related: dict[str, tuple[Article, ...]] = field(default_factory=dict)  # path -> leads

    def story(self, article: Article) -> Story:
        """The article's story (an article in no story is one of its own)."""
        found = self.stories.get(article.path)
        return found if found is not None else Story(article.slug, (article,))
