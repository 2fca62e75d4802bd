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
    feeds: int = 0  # feeds written (each in RSS and JSON Feed); 0 without base_url
    atom_feeds: int = 0  # of which also in Atom (those with an entry Atom can date)
    feed_undated: int = 0  # undated stories Atom leaves out (no first commit to date them)
    sitemap_urls: int = 0
    link_problems: list[LinkProblem] = field(default_factory=list)
    parsed: int = 0  # files decoded and parsed (not found in the cache)
    rendered: int = 0  # pages rendered (not carried over unchanged)
    not_articles: str = ""  # files the site's tool would not publish (read/conventions.py)

    def left_out(self) -> list[str]:
        """The summary's lines for what was read but not built: drafts, future, non-articles."""
        lines = []
        if self.drafts_skipped:
            noun = "draft" if self.drafts_skipped == 1 else "drafts"
            lines.append(f"{self.drafts_skipped} {noun} left out (use --drafts to include "
                         f"{'it' if self.drafts_skipped == 1 else 'them'})")
        if self.future_skipped:
            noun = "story" if self.future_skipped == 1 else "stories"
            lines.append(f"{self.future_skipped} {noun} dated in the future left out "
                         "(use --future to include "
                         f"{'it' if self.future_skipped == 1 else 'them'})")
        if self.not_articles:
            lines.append(self.not_articles)
        return lines

    def feed_lines(self, has_base_url: bool) -> list[str]:
        """The summary's lines for the feeds and the sitemap."""
        if not has_base_url:
            return ["feeds and sitemap not written: they need absolute URLs (set base_url "
                    "in digest.yaml or pass --base-url)"]
        if not self.feeds:
            return [f"no feeds: no published articles; sitemap of {self.sitemap_urls} URLs"]
        kinds = ("Atom, RSS, JSON Feed" if self.atom_feeds == self.feeds else
                 f"RSS, JSON Feed; {self.atom_feeds} in Atom too")
        lines = [f"{self.feeds} feed{'s' * (self.feeds != 1)} ({kinds}), "
                 f"sitemap of {self.sitemap_urls} URLs"]
        if self.feed_undated:
            lines.append(f"{self.feed_undated} undated stor"
                         f"{'ies' if self.feed_undated != 1 else 'y'} in RSS and JSON Feed "
                         "only: Atom needs a time, and no git commit gives one")
        return lines
