"""Pure: Digest -> its article pages, each the last build's page object when it would be
made of the same objects (the live preview makes 10,000 of them for every edit)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from ..model import Digest

P = TypeVar("P")


def article_pages(digest: Digest, page: Callable[[str, str, dict[str, Any]], P],
                  last: dict[str, tuple[dict[str, Any], P]] | None = None) -> Iterator[P]:
    """One page an article, newest first, made by `page(path, template, context)`;
    `last`: {path: (context, page)} of the last call, updated."""
    neighbours, stories, related = digest.neighbours, digest.stories, digest.related
    made: dict[str, tuple[dict[str, Any], P]] = {}
    for article in digest.articles:
        newer, older = neighbours[article.path]
        story = stories.get(article.path)  # (an article of its own story has no coverage)
        coverage = () if story is None else tuple(a for a in story.articles if a is not article)
        chosen = related.get(article.path, ())
        if last is not None and (was := last.get(article.path)) is not None:
            shown = was[0]
            if shown["article"] is article and shown["newer"] is newer \
                    and shown["older"] is older and shown["related"] is chosen \
                    and shown["coverage"] == coverage:
                made[article.path] = was
                yield was[1]
                continue
        context = {"article": article, "newer": newer, "older": older,
                   "coverage": coverage, "related": chosen}
        made[article.path] = (context, new := page(article.url, "article.html", context))
        yield new
    if last is not None:  # (the pages of articles gone go too)
        last.clear()
        last.update(made)
