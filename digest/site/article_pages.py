"""Pure: Digest -> its article pages, each the last build's page object when it would be
made of the same objects (the live preview makes 10,000 of them for every edit).

When group() says what an edit changed (passes.Edit), only the pages that can show a
changed object are looked at: the changed articles', their neighbours' in time, their
stories' articles', and those whose related reading is new.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from ..model import Article, Digest
from ..passes import Edit

P = TypeVar("P")


@dataclass
class Made(Generic[P]):
    """The last call's article pages: of which articles, and each one's (context, page)."""

    articles: tuple[Article, ...] = ()
    at: dict[str, int] = field(default_factory=dict)  # path -> its index in `articles`
    pages: list[tuple[dict[str, Any], P]] = field(default_factory=list)  # in that order


def article_pages(digest: Digest, page: Callable[[str, str, dict[str, Any]], P],
                  last: Made[P] | None = None, edit: Edit | None = None) -> Iterator[P]:
    """One page an article, newest first, made by `page(path, template, context)`;
    `last`: the last call's (updated); `edit`: what changed since the digest of that call."""
    articles = digest.articles
    if last is not None and edit is not None and edit.before is last.articles \
            and len(articles) == len(last.pages):
        at, made = last.at, list(last.pages)
        look = set()
        for place in edit.places:
            look.update(range(max(0, place - 1), min(len(articles), place + 2)))
            story = digest.stories.get(articles[place].path)
            look.update(at[a.path] for a in story.articles) if story is not None else None
        look.update(at[path] for path in edit.related)
        for i in look:
            made[i] = _made(articles[i], digest, page, made[i])
    else:
        made = [_made(a, digest, page, None) for a in articles] if last is None else \
            [_made(a, digest, page, was) for a, was in zip(
                articles, _lasts(articles, last), strict=True)]
        at = {a.path: i for i, a in enumerate(articles)} if last is not None else {}
    if last is not None:
        last.articles, last.at, last.pages = articles, at, made
    for _, made_page in made:
        yield made_page


def _lasts(articles: tuple[Article, ...], last: Made[P],
           ) -> Iterator[tuple[dict[str, Any], P] | None]:
    """The last call's (context, page) of each article's path, or None."""
    at, pages = last.at, last.pages
    for article in articles:
        i = at.get(article.path)
        yield pages[i] if i is not None else None


def _made(article: Article, digest: Digest, page: Callable[[str, str, dict[str, Any]], P],
          was: tuple[dict[str, Any], P] | None) -> tuple[dict[str, Any], P]:
    """An article's (context, page): `was` when that is made of the same objects."""
    newer, older = digest.neighbours[article.path]
    story = digest.stories.get(article.path)  # (an article of its own story has no coverage)
    coverage = () if story is None else tuple(a for a in story.articles if a is not article)
    chosen = digest.related.get(article.path, ())
    if was is not None:
        shown = was[0]
        if shown["article"] is article and shown["newer"] is newer \
                and shown["older"] is older and shown["related"] is chosen \
                and shown["coverage"] == coverage:
            return was
    context = {"article": article, "newer": newer, "older": older,
               "coverage": coverage, "related": chosen}
    return context, page(article.url, "article.html", context)
