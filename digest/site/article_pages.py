"""Pure: Digest -> its article pages, each the last build's Page object when it would be
made of the same objects (the live preview makes 10,000 of them for every edit)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..model import Digest

if TYPE_CHECKING:
    from .render import Page


def article_pages(digest: Digest, last: dict[str, Page] | None = None) -> Iterator[Page]:
    """One page an article, newest first; `last`: {path: page} of the last call, updated."""
    from .render import Page
    neighbours, stories, related = digest.neighbours, digest.stories, digest.related
    made: dict[str, Page] = {}
    for article in digest.articles:
        newer, older = neighbours[article.path]
        story = stories.get(article.path)  # (an article of its own story has no coverage)
        coverage = () if story is None else tuple(a for a in story.articles if a is not article)
        chosen = related.get(article.path, ())
        if last is not None:
            was = last.get(article.path)
            if was is not None:
                shown = was.context
                if shown["article"] is article and shown["newer"] is newer \
                        and shown["older"] is older and shown["related"] is chosen \
                        and shown["coverage"] == coverage:
                    made[article.path] = was
                    yield was
                    continue
        page = Page(article.url, "article.html", {"article": article, "newer": newer,
                                                  "older": older, "coverage": coverage,
                                                  "related": chosen})
        made[article.path] = page
        yield page
    if last is not None:  # (the pages of articles gone go too)
        last.clear()
        last.update(made)
