"""Pure: the public rules, each one asking the tool's own module: role, title, date, tags,
slug, old paths, and all of them at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from .common import (
    EMPTY_TREE,
    Dated,
    Reading,
    Role,
    Site,
    Tree,
    _inside,
    _terms,
)
from .hugo import (
    _hugo_date,
    _hugo_meta,
    _hugo_name,
    _hugo_paths,
    _hugo_role,
    hugo_urlize,
)
from .jekyll import (
    _jekyll_categories,
    _jekyll_date,
    _jekyll_meta,
    _jekyll_paths,
    _jekyll_place,
    _jekyll_role,
    _jekyll_slug_source,
    _jekyll_tags,
    jekyll_slugify,
)
from .pelican import (
    _pelican_category,
    _pelican_date,
    _pelican_paths,
    _pelican_role,
    _pelican_tool_slug,
    _split_pelican,
)


def date_of(site: Site, rel: str, meta: Mapping[str, Any] | None, tree: Tree = EMPTY_TREE,
            mtime: datetime | None = None) -> Dated:
    """The date the tool gives a file (`mtime` for the rules that use the file's time)."""
    if site.tool == "hugo":
        return _hugo_date(site, rel, meta, tree)
    if site.tool == "jekyll":
        return _jekyll_date(site, rel, meta, mtime)
    if site.tool == "pelican":
        return _pelican_date(site, rel, meta, mtime)
    return Dated(None)


# ------------------------------------------------------------------ the public rules


def role(site: Site, rel: str, has_front_matter: bool, meta: Mapping[str, Any] | None,
         tree: Tree = EMPTY_TREE) -> Role:
    """Is the file an article of the site, a draft, or not an article at all (and why)?"""
    if site.tool == "hugo":
        return _hugo_role(site, rel, meta, tree)
    if site.tool == "jekyll":
        return _jekyll_role(site, rel, has_front_matter, meta)
    if site.tool == "pelican":
        return _pelican_role(site, rel, meta)
    return Role("article")


def title(site: Site, rel: str, meta: Mapping[str, Any] | None,
          tree: Tree = EMPTY_TREE) -> str | None:
    """The title the tool shows: front matter, or Jekyll's title made from the file name."""
    values: Mapping[str, Any] = _hugo_meta(site, rel, meta, tree) if site.tool == "hugo" \
        else _jekyll_meta(site, rel, meta) if site.tool == "jekyll" else (meta or {})
    own = values.get("title")
    if isinstance(own, str | int | float) and not isinstance(own, bool) and str(own).strip():
        return " ".join(str(own).split())
    if site.tool == "jekyll" and _jekyll_place(rel)[0]:
        source = _jekyll_slug_source(rel, {})
        return " ".join(word[:1].upper() + word[1:].lower() for word in source.split("-")
                        if word) or None
    return None


def tags(site: Site, rel: str, meta: Mapping[str, Any] | None,
         tree: Tree = EMPTY_TREE) -> tuple[str, ...]:
    """The terms the tool files it under: tags, then categories (Pelican: category first).

    Hugo's other taxonomies (`series`, …) are not among them, as the harness compares.
    """
    if site.tool == "hugo":
        values = _hugo_meta(site, rel, meta, tree)
        names = [n for n in ("tags", "categories") if n in site.taxonomies]
        return tuple(t for name in names for t in _terms(values.get(name)))
    if site.tool == "jekyll":
        values = _jekyll_meta(site, rel, meta)
        return (*_jekyll_tags(values), *_jekyll_categories(rel, values))
    if site.tool == "pelican":
        values = meta or {}
        category = _pelican_category(site, rel, values)
        raw = values.get("tags")
        found = raw if isinstance(raw, list) else _split_pelican(raw)
        return tuple([category] if category else []) + tuple(str(t) for t in found)
    return ()


def old_paths(site: Site, rel: str, meta: Mapping[str, Any] | None,
              tree: Tree = EMPTY_TREE) -> tuple[str, ...]:
    """The URL paths the tool published the file at, decoded, its own first, then aliases."""
    if site.tool == "hugo":
        return _hugo_paths(site, rel, meta, tree)
    if site.tool == "jekyll":
        return _jekyll_paths(site, rel, meta)
    if site.tool == "pelican":
        return _pelican_paths(site, rel, meta)
    return ()


def url_slug(path: str) -> str:
    """'/posts/my-trip/' -> 'my-trip'; '/2024/03/05/x.html' -> 'x'; '/a/index.html' -> 'a'."""
    path = unquote(path).rstrip("/").removesuffix("/index.html")
    last = path.rsplit("/", 1)[-1]
    return last.removesuffix(".html")


def slug(site: Site, rel: str, meta: Mapping[str, Any] | None,
         tree: Tree = EMPTY_TREE) -> str | None:
    """The name the tool published the file under: the last segment of its URL (so an
    article keeps it), else the tool's own slug; None for digest's own rule."""
    if site.tool == "none":
        return None
    paths = old_paths(site, rel, meta, tree)
    last = url_slug(paths[0]) if paths else ""
    if last and not last.isdigit():
        return last
    if site.tool == "pelican":
        return _pelican_tool_slug(site, rel, meta or {}) or None
    if site.tool == "jekyll":
        return jekyll_slugify(_jekyll_slug_source(rel, _jekyll_meta(site, rel, meta))) or None
    content = _inside(rel, site.content_dir) or rel
    folder, stem, _ = _hugo_name(site, content)
    if stem == "index" and folder:
        stem = folder.rsplit("/", 1)[-1]
    return hugo_urlize(stem).lower() or None


def conventions(site: Site, rel: str, meta: Mapping[str, Any] | None, tree: Tree = EMPTY_TREE,
                mtime: datetime | None = None) -> Reading:
    """All the tool's rules for one file, at once."""
    return Reading(
        role=role(site, rel, meta is not None, meta, tree),
        title=title(site, rel, meta, tree),
        date=date_of(site, rel, meta, tree, mtime),
        tags=tags(site, rel, meta, tree),
        slug=slug(site, rel, meta, tree),
        old_paths=old_paths(site, rel, meta, tree),
    )
