"""Pure: the parsed articles of a Hugo, Jekyll or Pelican folder, as that tool publishes them.

    apply_site(articles, config, now) -> Applied

Runs after every file is parsed (Hugo's bundles and cascades need all of them) and outside
the parse cache (publishDate, expiryDate and Jekyll's future posts depend on `now`). The
tool's rules (read/sites/) decide which files are articles, drafts or nothing, and give
the title, date, tags and slug the tool would; digest's own rules stay the fallbacks. For a
plain digest folder (tool "none") the articles come back as they went in.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from ..config import SiteConfig
from ..model import Article, Problem, Topic
from .sites import conventions, scan_tree
from .slugs import _WINDOWS_RESERVED, slugify

MAX_SLUG = 80
_SAFE_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]*")


@dataclass
class Applied:
    """The articles the tool publishes, and what was left out and why."""

    articles: list[Article]
    not_articles: Counter[str] = field(default_factory=Counter)  # reason -> files
    problems: list[Problem] = field(default_factory=list)
    named: set[str] = field(default_factory=set)  # skipped, or titled by the tool
    pathed: set[str] = field(default_factory=set)  # their `url:` is the old path they had

    def keep(self, problem: Problem) -> bool:
        """Is a parse problem still worth showing? Not digest's title fallback for a file
        the tool skips or titles itself, nor its 'not absolute' for a `url:` that is the
        page's old path (Hugo's `url`, Pelican's `:url:`: kept as a redirect)."""
        if problem.path in self.named and problem.message.startswith("no title;"):
            return False
        return not (problem.path in self.pathed and problem.message.startswith("url: ")
                    and problem.message.endswith("is not absolute; dropped"))


def apply_site(articles: Sequence[Article], config: SiteConfig, now: datetime) -> Applied:
    """Parsed articles -> those the site's tool publishes at `now`, with its names and dates."""
    site, prefix = config.site, config.site_prefix
    if site.tool == "none":
        return Applied(list(articles))
    if config.timezone:  # digest.yaml's zone wins over the site's, for naive dates too
        site = replace(site, timezone=config.timezone)
    tree = scan_tree(site, {prefix + a.path: a.front for a in articles})
    out = Applied([])
    for article in articles:
        reading = conventions(site, prefix + article.path, article.front, tree)
        role = reading.role
        if role.kind == "skip":
            out.not_articles[role.reason] += 1
            out.named.add(article.path)
            continue
        if role.kind == "article" and not role.published(now):
            expired = role.not_after is not None and role.not_after < now
            out.not_articles["expired (expiryDate)" if expired
                             else "not published yet (publishDate or a future post)"] += 1
            continue
        out.problems.extend(Problem(article.path, message) for message in reading.date.problems)
        changes: dict[str, object] = {"published": reading.date.date,
                                      "old_paths": reading.old_paths}
        if reading.old_paths and isinstance((article.front or {}).get("url"), str):
            out.pathed.add(article.path)
        if role.kind == "draft":
            changes["draft"] = True
        if reading.title:
            changes["title"] = reading.title
            out.named.add(article.path)
        if reading.tags:
            changes["topics"] = _topics(reading.tags)
        if reading.slug:
            changes["slug"] = kept_slug(reading.slug)
        out.articles.append(replace(article, **changes))  # type: ignore[arg-type]
    return out


def kept_slug(slug: str) -> str:
    """The old tool's slug, kept as written when it is safe in a URL and a file name
    ('Mixed-Case_Name', 'my-trip'); else digest's slug of it."""
    if len(slug) <= MAX_SLUG and _SAFE_SLUG.fullmatch(slug) and ".." not in slug \
            and slug.lower() not in _WINDOWS_RESERVED:
        return slug
    return slugify(slug, MAX_SLUG)


def not_articles_line(applied: Applied, tool: str) -> str:
    """The summary line for the files the tool would not publish ('' without any)."""
    total = sum(applied.not_articles.values())
    if not total:
        return ""
    reasons = "; ".join(f"{reason} ×{n}" if n > 1 else reason
                        for reason, n in applied.not_articles.most_common(3))
    more = " …" if len(applied.not_articles) > 3 else ""
    files = "file is not an article" if total == 1 else "files are not articles"
    return f"{total} {files} in this {tool.capitalize()} site ({reasons}{more})"


def _topics(names: Iterable[str]) -> tuple[Topic, ...]:
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(name.casefold(), name)
    return tuple(Topic(n, slugify(n)) for n in seen.values())
