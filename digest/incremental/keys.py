"""Pure: what each output page depends on, as one key, so unchanged pages need no rendering.

A page's bytes are a function of the templates, the code, the config, the site-wide
context values, its own path and its own context. Articles enter a key by the key of
the file they were parsed from plus the fields the build sets afterwards (slug, topics,
source), never by pickling their text. A template that reads `digest` (the whole site)
gets the key of every article in the site, so the front page changes when any article
does, while an article page changes only with its own inputs and its neighbours.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from pathlib import PurePath
from typing import Any

from jinja2 import Environment, TemplateError, meta

from ..model import Article, Digest, Image, Source, Story, Topic
from ..site.article_pages import Made
from ..site.images import Shown
from ..site.render import Page, Paginated


class Uncacheable(Exception):
    """A context value this module does not know how to key; the page is always rendered."""


def _hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _hash_bytes(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass
class KeyMemo:
    """Keys a long-running process (the live preview) made in its last build, for the next.

    An article is frozen, so the very same object, parsed from the same file, has the
    same key; a page that shows only articles has the same key when its articles' keys
    are the same. Hashing 10,000 of each again was most of a rebuild after an edit.
    """

    articles: dict[str, tuple[Article, str, str]] = field(default_factory=dict)
    pages: dict[str, tuple[tuple[Any, ...], str | None]] = field(default_factory=dict)
    article_pages: Made[Page] = field(default_factory=Made)  # site/article_pages.py
    images: Shown = field(default_factory=Shown)  # site/images.py: shown_images_kept


def article_keys(articles: Iterable[Article], entry_keys: Mapping[str, str],
                 memo: KeyMemo | None = None,
                 stories: Mapping[str, Story] | None = None) -> dict[str, str]:
    """Final articles -> {path: key}, from the parsed file's key and what grouping set.

    An article in a story of several also takes what its card says of the others ("Also
    covered by": their pages and sources), so every page showing it changes with them.
    """
    known = memo.articles if memo is not None else {}
    stories = stories or {}
    keys: dict[str, str] = {}
    kept: dict[str, tuple[Article, str, str]] = {}
    for a in articles:
        entry = entry_keys.get(a.path)
        if entry is None:
            continue
        story = stories.get(a.path)
        if story is not None:
            entry += "|" + story.id + "".join(
                f"|{m.path}\0{entry_keys.get(m.path)}\0{m.slug}\0{m.source!r}"
                for m in story.articles)
        old = known.get(a.path)
        if old is not None and old[0] is a and old[1] == entry:
            key = old[2]
        else:
            key = _hash(f"{entry}|{a.url}|{a.topics!r}|{a.source!r}")
        keys[a.path] = key
        kept[a.path] = (a, entry, key)
    if memo is not None:
        memo.articles = kept
    return keys


def digest_key(digest: Digest, keys: Mapping[str, str]) -> str:
    """The whole site: every article's key in site order (grouping is a function of them)."""
    return _hash("|".join(keys[a.path] for a in digest.articles))


def reads_digest(env: Environment, name: str,
                 memo: dict[str, tuple[bool, tuple[str | None, ...]]] | None = None) -> bool:
    """Does this template, or one it extends, includes or imports, use `digest`?

    A template name that is computed at render time cannot be followed, so it counts as
    yes. `memo` keeps what each template says for the next call.
    """
    memo = {} if memo is None else memo
    seen: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        if current not in memo:
            try:
                assert env.loader is not None
                source, _, _ = env.loader.get_source(env, current)
                memo[current] = _analyse(env, source)
            except (TemplateError, AssertionError):
                return True
        uses, referenced = memo[current]
        if uses or None in referenced:
            return True
        todo.extend(r for r in referenced if r is not None)
    return False


_ANALYSED: dict[str, tuple[bool, tuple[str | None, ...]]] = {}


def _analyse(env: Environment, source: str) -> tuple[bool, tuple[str | None, ...]]:
    """Template source -> (uses `digest`, templates it references). Kept by source for the
    life of the process: parsing every template on every rebuild was most of a preview's
    rebuild on a small site."""
    key = _hash(source)
    if key not in _ANALYSED:
        tree = env.parse(source)
        _ANALYSED[key] = ("digest" in meta.find_undeclared_variables(tree),
                          tuple(meta.find_referenced_templates(tree)))
    return _ANALYSED[key]


def value_key(value: Any, articles: Mapping[str, str],
              memo: dict[int, str] | None = None) -> str:
    """A context value -> its key; raises Uncacheable for a type it does not know.

    `memo` remembers the keys of model objects by identity across calls (a day is in its
    day page, its month, its year and the front page); only pass one while they are alive.
    """
    parts: list[str] = []
    _walk(value, articles, parts, {} if memo is None else memo)
    return _hash("\x1f".join(parts))


def page_key(page: Page, base: str, articles: Mapping[str, str], digest: str | None,
             memo: dict[int, str] | None = None, keys: KeyMemo | None = None,
             kept: dict[str, tuple[tuple[Any, ...], str | None]] | None = None) -> str | None:
    """One page's inputs -> its key (None: always render it).

    `base` keys what every page shares; `digest` is the whole-site key for a page whose
    template reads `digest`, else None. With `keys`, a page whose context is articles
    alone (an article page) takes its key from the last build when its inputs are those
    of then; `kept` collects what the next build needs for that.
    """
    inputs: tuple[Any, ...] | None = None
    if keys is not None and all(_articles_only(v) for v in page.context.values()):
        inputs = (base, page.template, digest,
                  *[(name, _article_inputs(v, articles)) for name, v in page.context.items()])
        old = keys.pages.get(page.file)
        if old is not None and old[0] == inputs:
            if kept is not None:
                kept[page.file] = old
            return old[1]
    key = _page_key(page, base, articles, digest, memo)
    if inputs is not None and kept is not None:
        kept[page.file] = (inputs, key)
    return key


def _articles_only(value: Any) -> bool:
    """None, an article, or a tuple of articles (an article page's context)."""
    return value is None or type(value) is Article or (
        type(value) is tuple and all(type(item) is Article for item in value))


def _article_inputs(value: Any, articles: Mapping[str, str]) -> Any:
    if value is None:
        return None
    if type(value) is tuple:
        return tuple(articles.get(item.path) for item in value)
    return articles.get(value.path)


def _page_key(page: Page, base: str, articles: Mapping[str, str], digest: str | None,
              memo: dict[int, str] | None) -> str | None:
    try:
        context = value_key(page.context, articles, memo)
    except Uncacheable:
        return None
    return _hash(f"{base}|{page.path}|{page.template}|{context}|{digest or ''}")


_VALUE_OBJECTS = (Topic, Source, Image)


def _walk(value: Any, articles: Mapping[str, str], out: list[str],
          memo: dict[int, str]) -> None:
    kind = type(value)
    if kind is Article:  # the commonest by far: every page's context is mostly articles
        key = articles.get(value.path)
        if key is None:
            raise Uncacheable(value.path)
        out.append("A" + key)
    elif kind is str or value is None or isinstance(value, bool | int | float | PurePath):
        out.append(repr(value))
    elif isinstance(value, bytes):
        out.append("b" + _hash_bytes(value))
    elif isinstance(value, Article):
        key = articles.get(value.path)
        if key is None:
            raise Uncacheable(value.path)
        out.append("A" + key)
    elif isinstance(value, datetime | date):
        out.append(f"{type(value).__name__}:{value.isoformat()}:{value!r}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for item in value:
            if type(item) is Article and item.path in articles:
                out.append("A" + articles[item.path])
            else:
                _walk(item, articles, out, memo)
        out.append("]")
    elif kind in _VALUE_OBJECTS:  # plain values all the way down: their repr says it all
        out.append(repr(value))
    elif isinstance(value, dict):
        out.append("{")
        for key in sorted(value, key=repr) if any(type(k) is not str for k in value) \
                else sorted(value):
            out.append(repr(key))
            _walk(value[key], articles, out, memo)
        out.append("}")
    elif isinstance(value, Paginated):
        out.append(f"Paginated:{value.number}:{value.count}:{value.previous}:{value.next}")
        _walk(value.items, articles, out, memo)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        known = memo.get(id(value))
        if known is None:
            inner: list[str] = [type(value).__qualname__ + "("]
            for field in dataclasses.fields(value):
                inner.append(field.name)
                _walk(getattr(value, field.name), articles, inner, memo)
            known = memo[id(value)] = _hash("\x1f".join(inner))
        out.append("D" + known)
    elif isinstance(value, partial):
        out.append("partial(")
        _walk([value.func, value.args, value.keywords], articles, out, memo)
        out.append(")")
    elif callable(value):
        # site helpers (url builders, feed links): their code is in the code key; what
        # they were made with (defaults, closed-over values) goes in here
        out.append(f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', '')}")
        if getattr(value, "__self__", None) is not None:
            raise Uncacheable("a bound method")
        _walk([getattr(value, "__defaults__", None), getattr(value, "__kwdefaults__", None),
               [cell.cell_contents for cell in getattr(value, "__closure__", None) or ()]],
              articles, out, memo)
    else:
        raise Uncacheable(type(value).__name__)
