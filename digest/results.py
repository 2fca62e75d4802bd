"""The result of one build: what it read, built and wrote, and the problems found."""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Digest, Problem
from .output.check import LinkProblem
from .output.manifest import WriteResult


@dataclass
class BuildResult:
    """What one build did: counts, the problems found, and what it wrote."""

    articles_read: int = 0
    articles_built: int = 0
    drafts_skipped: int = 0
    future_skipped: int = 0
    undated: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # about the whole site, not one file
    pages: int = 0
    write: WriteResult | None = None
    seconds: float = 0.0
    digest: Digest | None = None  # None when nothing had changed and nothing was done
    feeds: int = 0  # feeds written (each in Atom, RSS and JSON Feed); 0 without base_url
    feed_undated: int = 0  # undated articles no feed carries
    sitemap_urls: int = 0
    link_problems: list[LinkProblem] = field(default_factory=list)
    parsed: int = 0  # files decoded and parsed (not found in the cache)
    rendered: int = 0  # pages rendered (not carried over unchanged)
    not_articles: str = ""  # files the site's tool would not publish (read/conventions.py)
