"""Pure: feeds carry one entry a story, its lead's, with the story's other articles linked
at the end of its content."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping

from ..config import SiteConfig
from ..model import Article, Digest


def fed(digest: Digest) -> Callable[[Article], bool]:
    """Digest -> is this article a feed entry: published, and its story's lead."""
    return lambda a: not a.draft and digest.story(a).lead is a


def story_others(digest: Digest) -> dict[str, tuple[Article, ...]]:
    """Digest -> {a story's lead's path: its other published articles}."""
    return {s.lead.path: tuple(a for a in s.others if not a.draft)
            for s in digest.stories.values()}


def also_covered(others: Mapping[str, tuple[Article, ...]], article: Article,
                 config: SiteConfig) -> str:
    """"Also covered by <a>Source</a>, …" for the article's entry, as HTML with absolute
    links ('' when its story has no other article)."""
    found = others.get(article.path, ())
    if not found:
        return ""
    links = ", ".join(f'<a href="{html.escape(config.base_url + a.url)}">'
                      f"{html.escape(a.source.name if a.source else a.title)}</a>"
                      for a in found)
    return f"<p>Also covered by {links}</p>"
