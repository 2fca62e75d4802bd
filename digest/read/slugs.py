"""Pure: titles -> URL slugs, unique slugs across articles, duplicate story URLs."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import lru_cache
from urllib.parse import urlsplit

from slugify import slugify as transliterate

from ..model import Article, Problem, article_path
from ..passes import Last, changed_at, positions

_SLUG_RESERVED = {"articles", "topics", "sources", "archive", "page", "index", "static",
                  "feeds", "search"}
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
                     *(f"lpt{i}" for i in range(10))}


@lru_cache(maxsize=100_000)
def slugify(text: str, max_length: int = 80) -> str:
    """'Meta’s AI: the race!' -> 'metas-ai-the-race', 'Zürich–Łódź' -> 'zurich-lodz'; never
    empty, never a path."""
    # python-slugify transliterates ('Łódź' -> 'lodz', 'ß' -> 'ss'); apostrophes go first,
    # as they always did here, or 'Meta’s' would become 'meta-s'
    slug = transliterate(re.sub(r"['’`]", "", text))
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    if not slug:
        return "untitled"
    if slug in _WINDOWS_RESERVED:
        return f"{slug}-1"  # 'con', 'nul', … cannot be folder names on Windows
    return slug


def assign_slugs(articles: Sequence[Article], last: Last | None = None,
                 ) -> tuple[list[Article], list[Problem]]:
    """Give every article a unique URL; later files (by path) get -2, -3 … on a clash.
    `last`: the last call's (passes.py), updated; an article given the same new slug as
    then is the same object as then (later stages know an unchanged article by identity).

    Articles migrated from a Hugo, Jekyll or Pelican site (they have an old path) whose
    slugs clash, or whose slug is one of digest's own names, keep the folders of their
    old URL instead: `/fr/posts/markdown-syntax/` and `/posts/markdown-syntax/` become
    `articles/fr/posts/markdown-syntax/` and `articles/posts/markdown-syntax/`. An old URL
    without folders (Pelican's `{slug}.html`) has none to keep: -2 as for everyone."""
    if (at := changed_at(articles, last, _view)) is not None:
        assert last is not None
        done, where, problems, moved = last.kept
        out = list(done)
        for i in at:
            article, slug = articles[i], done[where[i]]
            out[where[i]] = article if (slug.slug, slug.section) == (
                article.slug, article.section) else replace(
                article, slug=slug.slug, section=slug.section)
        last.inputs, last.kept = list(articles), (out, where, problems, moved)
        return out, list(problems)
    order = sorted(range(len(articles)), key=lambda i: articles[i].path)
    ordered = [articles[i] for i in order]
    clashes = Counter(a.slug.casefold() for a in ordered)
    taken: set[str] = set()
    out: list[Article] = []
    problems: list[Problem] = []
    before = last.kept[3] if last is not None and last.kept is not None else {}
    moved: dict[str, tuple[Article, Article]] = {}  # path -> (article, with its new slug)
    for article in ordered:
        section = ""
        if clashes[article.slug.casefold()] > 1 or article.slug in _SLUG_RESERVED:
            section = old_section(article.old_paths[0]) if article.old_paths else ""
        base = article.slug if section or article.slug not in _SLUG_RESERVED \
            else f"{article.slug}-article"
        slug, n = base, 2
        while (where := article_path(slug, section).casefold()) in taken:
            slug, n = f"{base}-{n}", n + 1
        if slug != article.slug:
            problems.append(Problem(article.path, f"slug {article.slug!r} is already taken; "
                                    f"using {slug!r}"))
        taken.add(where)
        if (slug, section) == (article.slug, article.section):
            out.append(article)
            continue
        was = before.get(article.path)
        if was is None or was[0] is not article or (was[1].slug, was[1].section) != (slug, section):
            was = (article, replace(article, slug=slug, section=section))
        out.append(was[1])
        moved[article.path] = was
    if last is not None:
        last.inputs, last.kept = list(articles), (out, positions(order), problems, moved)
    return out, problems


def _view(article: Article) -> tuple[str, str, str, tuple[str, ...]]:
    """What decides an article's slug."""
    return article.path, article.slug, article.section, article.old_paths


_SAFE_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]*")


def old_section(old: str) -> str:
    """An old URL path -> its folders, each safe in a URL and a file name
    ('/fr/posts/x/' -> 'fr/posts', '/travel news/2024/03/05/x.html' -> 'travel-news/2024/03/05',
    '/x.html' -> '')."""
    parts = [p for p in old.split("?", 1)[0].split("#", 1)[0].split("/")
             if p not in {"", ".", ".."}]
    if parts and parts[-1].lower() in {"index.html", "index.htm"}:
        parts.pop()
    segments = []
    for part in parts[:-1]:
        if not (_SAFE_SEGMENT.fullmatch(part) and len(part) <= 80
                and part.lower() not in _WINDOWS_RESERVED):
            part = slugify(part)
        segments.append(part)
    return "/".join(segments)


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
