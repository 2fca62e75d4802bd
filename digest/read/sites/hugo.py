"""Pure: Hugo's rules: its config, bundles and cascades, roles, dates' keys and URLs.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import datetime, tzinfo
from fnmatch import fnmatchcase
from pathlib import PurePosixPath
from typing import Any

from .common import (
    EMPTY_TREE,
    ConfigProblem,
    Dated,
    Role,
    Site,
    Tree,
    _first_dated,
    _folder,
    _inside,
    _lower_keys,
    _present,
    _truthy,
    _zone_setting,
    read_date,
)

# keys only a Hugo config has: config.toml or config.yaml is Hugo's only with one of them
_HUGO_KEYS = {"baseurl", "languagecode", "theme", "contentdir", "timezone", "markup",
              "module", "defaultcontentlanguage", "taxonomies", "enablerobotstxt", "outputs"}

HUGO_CONTENT = frozenset({".md", ".markdown", ".mdown", ".mkd", ".mkdn", ".html", ".htm",
                          ".rst", ".adoc", ".asciidoc", ".ad", ".org", ".pandoc", ".pdc"})
HUGO_DATE_KEYS = ("date", "publishdate", "pubdate", "published", "lastmod", "modified")
HUGO_PUBLISH_KEYS = ("publishdate", "pubdate", "published")
HUGO_EXPIRY_KEYS = ("expirydate", "unpublishdate")


def _hugo_site(name: str, text: str, settings: dict[str, Any],
               problems: list[ConfigProblem]) -> Site:
    """Hugo's lower-cased settings -> Site."""
    zone = _zone_setting(name, text, settings.get("timezone"), problems)
    languages = settings.get("languages")
    taxonomies = settings.get("taxonomies")
    permalinks = settings.get("permalinks")
    if isinstance(permalinks, dict) and isinstance(permalinks.get("page"), dict):
        permalinks = permalinks["page"]  # the newer form: [permalinks.page]
    return Site(
        tool="hugo", config=name, timezone=zone,
        content_dir=_hugo_content_dir(settings),
        future=settings.get("buildfuture") is True, expired=settings.get("buildexpired") is True,
        taxonomies=tuple(str(v) for v in taxonomies.values() if isinstance(v, str))
        if isinstance(taxonomies, dict) else ("tags", "categories"),
        default_language=str(settings.get("defaultcontentlanguage") or "en").lower(),
        languages=tuple(str(k).lower() for k in languages) if isinstance(languages, dict)
        else (),
        permalinks=tuple((str(k).strip("/"), v) for k, v in permalinks.items()
                         if isinstance(v, str)) if isinstance(permalinks, dict) else (),
        ugly_urls=settings.get("uglyurls") is True,
        problems=tuple(problems))


def _hugo_content_dir(settings: Mapping[str, Any]) -> str:
    """contentDir, or the source of the first [[module.mounts]] whose target is content."""
    module = settings.get("module")
    mounts = _lower_keys(module).get("mounts") if isinstance(module, dict) else None
    for mount in mounts if isinstance(mounts, list) else []:
        mount = _lower_keys(mount)
        if mount.get("target") == "content" and isinstance(mount.get("source"), str) \
                and not mount.get("lang"):
            return _folder(mount["source"], "content")
    return _folder(settings.get("contentdir"), "content")


# ------------------------------------------------------------------ Hugo


def scan_tree(site: Site, metas: Mapping[str, Mapping[str, Any] | None]) -> Tree:
    """Every file's path -> its front matter (None for none, or for a non-text file) -> Tree."""
    if site.tool != "hugo":
        return EMPTY_TREE
    bundles: set[str] = set()
    headless: set[str] = set()
    cascades: dict[str, tuple[Mapping[str, Any], ...]] = {}
    for rel, meta in metas.items():
        content = _inside(rel, site.content_dir)
        if content is None or PurePosixPath(content).suffix.lower() not in HUGO_CONTENT:
            continue
        folder, stem, _ = _hugo_name(site, content)
        own = _lower_keys(meta)
        if stem == "index":
            bundles.add(folder)
            if _truthy(own.get("headless")):
                headless.add(folder)
        elif stem == "_index":
            cascade = own.get("cascade")
            entries = [cascade] if isinstance(cascade, dict) else cascade \
                if isinstance(cascade, list) else []
            found = tuple(e for e in entries if isinstance(e, dict))
            if found:
                cascades[folder] = found
    return Tree(frozenset(bundles), frozenset(headless), cascades)


def _hugo_name(site: Site, content: str) -> tuple[str, str, str]:
    """'posts/x.fr.md' -> ('posts', 'x', 'fr') when fr is one of the site's languages."""
    path = PurePosixPath(content)
    folder = "" if str(path.parent) == "." else str(path.parent)
    stem = path.stem
    base, _, lang = stem.rpartition(".")
    if base and lang.lower() in site.languages:
        return folder, base, lang.lower()
    return folder, stem, ""


def _ancestors(folder: str) -> list[str]:
    """'a/b' -> ['a/b', 'a', '']."""
    out = []
    while folder:
        out.append(folder)
        folder = folder.rpartition("/")[0]
    out.append("")
    return out


def _hugo_meta(site: Site, rel: str, meta: Mapping[str, Any] | None, tree: Tree) -> dict[str, Any]:
    """Front matter with lower-cased keys, and what sections above cascade onto it."""
    own = _lower_keys(meta)
    content = _inside(rel, site.content_dir)
    if content is None or not tree.cascades:
        return own
    folder, stem, _ = _hugo_name(site, content)
    folders = _ancestors(folder)
    if stem == "_index":
        folders = folders[1:]  # a section's cascade is for what is below it
    logical = "/" + content.rsplit(".", 1)[0]
    for ancestor in folders:
        for entry in tree.cascades.get(ancestor, ()):
            values = _lower_keys(entry)
            target = values.pop("_target", None) or values.pop("target", None)
            if target is not None and not _targets(target, logical):
                continue
            for key, value in values.items():
                own.setdefault(key, value)
    return own


def _targets(target: Any, logical: str) -> bool:
    """Does a cascade's `_target` take this regular page?"""
    if not isinstance(target, dict):
        return False
    target = _lower_keys(target)
    kind = target.get("kind")
    if kind not in (None, "", "page"):
        return False
    path = target.get("path")
    return not isinstance(path, str) or not path or fnmatchcase(logical, path) or \
        fnmatchcase(logical, path.replace("**", "*"))


def _enclosing_bundle(site: Site, content: str, tree: Tree) -> str | None:
    """The leaf bundle a file is a resource of (its index page is not), or None."""
    folder, stem, _ = _hugo_name(site, content)
    folders = _ancestors(folder)[:-1]  # the content folder itself is no leaf bundle
    if stem == "index":
        folders = folders[1:]
    return next((f for f in folders if f in tree.leaf_bundles), None)


def _hugo_role(site: Site, rel: str, meta: Mapping[str, Any] | None, tree: Tree) -> Role:
    """Hugo's rules: content folder, _index pages, bundles, build, drafts, dates."""
    content = _inside(rel, site.content_dir)
    if content is None:
        return Role("skip", f"outside Hugo's content folder ({site.content_dir or '.'}/)")
    if PurePosixPath(content).suffix.lower() not in HUGO_CONTENT:
        return Role("skip", "not a content file: a resource, copied as it is")
    folder, stem, _ = _hugo_name(site, content)
    if stem == "_index":
        what = "the home page's" if not folder else "a section's"
        return Role("skip", f"{what} list page (_index), not an article")
    bundle = _enclosing_bundle(site, content, tree)
    if bundle is not None:
        kind = "headless bundle" if bundle in tree.headless else "leaf bundle"
        return Role("skip", f"a resource of the {kind} {bundle}/ (only its index is a page)")
    if stem == "index" and folder in tree.headless:
        return Role("skip", "headless: true: the bundle is never published")
    values = _hugo_meta(site, rel, meta, tree)
    build = values.get("build", values.get("_build"))
    if isinstance(build, dict):
        render = _lower_keys(build).get("render")
        if render is False or str(render).lower() in {"never", "false", "link"}:
            return Role("skip", f"build: render: {str(render).lower()}")
    if _truthy(values.get("draft")):
        own = _truthy(_lower_keys(meta).get("draft"))
        return Role("draft", "draft: true" if own else "draft: true by cascade from a section")
    zone = site.zone
    not_before = None if site.future else _first_date(values, HUGO_PUBLISH_KEYS, zone)
    not_after = None if site.expired else _first_date(values, HUGO_EXPIRY_KEYS, zone)
    return Role("article", "", not_before, not_after)


def _first_date(values: Mapping[str, Any], keys: Iterable[str], zone: tzinfo) -> datetime | None:
    """The first of `keys` that reads as a date -> that date."""
    for key in keys:
        if _present(values.get(key)):
            found, _ = read_date(values[key], zone)
            if found is not None:
                return found
    return None


def hugo_urlize(text: str) -> str:
    """Hugo's path sanitising: letters, digits, marks and '._~#+-@/' kept, a run of spaces
    becomes one '-', anything else is dropped."""
    out: list[str] = []
    hyphen = was_hyphen = False
    for index, char in enumerate(text):
        allowed = char in "./\\_#+~-@" or char.isalpha() or char.isdigit() or \
            unicodedata.category(char).startswith("M") or (
                char == "%" and re.fullmatch(r"[0-9a-fA-F]{2}", text[index + 1:index + 3])
                is not None)
        if allowed:
            was_hyphen = char == "-"
            if hyphen and not was_hyphen:
                out.append("-")
            hyphen = False
            out.append(char)
        elif out and not was_hyphen and char.isspace():
            hyphen = True
    return "".join(out)


def _hugo_paths(site: Site, rel: str, meta: Mapping[str, Any] | None,
                tree: Tree) -> tuple[str, ...]:
    """Hugo's URL: `url`, else sections and slug (or a [permalinks] pattern); then aliases."""
    content = _inside(rel, site.content_dir)
    if content is None:
        return ()
    values = _hugo_meta(site, rel, meta, tree)
    folder, stem, lang = _hugo_name(site, content)
    folders = [f for f in folder.split("/") if f]
    url = values.get("url")
    if isinstance(url, str) and url.strip():
        primary = "/" + url.strip().lstrip("/")
    else:
        if stem == "index" and folders:
            stem = folders.pop()
        name = values.get("slug") if isinstance(values.get("slug"), str | int) and not \
            isinstance(values.get("slug"), bool) and str(values.get("slug")).strip() else stem
        pattern = dict(site.permalinks).get(folders[0] if folders else "")
        if pattern:
            primary = _hugo_permalink(site, pattern, folders, str(name), stem, values)
        else:
            segments = [hugo_urlize(part) for part in [*folders, str(name).strip()]]
            end = ".html" if site.ugly_urls else "/"
            primary = "/" + "/".join(segments).lower() + end
        if lang and lang != site.default_language:
            primary = f"/{lang}{primary}"
    aliases = values.get("aliases")
    extra = [aliases] if isinstance(aliases, str) else aliases if isinstance(aliases, list) else []
    return tuple(dict.fromkeys([primary, *("/" + a.strip().lstrip("/") for a in extra
                                          if isinstance(a, str) and a.strip())]))


def _hugo_permalink(site: Site, pattern: str, folders: list[str], name: str, stem: str,
                    values: Mapping[str, Any]) -> str:
    """A [permalinks] pattern (':year/:month/:slug/', …) for one page -> its path."""
    when, _ = read_date(next((values[k] for k in HUGO_DATE_KEYS if _present(values.get(k))),
                             None), site.zone)
    title = hugo_urlize(str(values.get("title") or "")).lower()
    slug_value = hugo_urlize(name).lower()
    tokens = {
        "year": f"{when:%Y}" if when else "", "month": f"{when:%m}" if when else "",
        "monthname": f"{when:%B}".lower() if when else "", "day": f"{when:%d}" if when else "",
        "weekday": str(when.isoweekday() % 7) if when else "",
        "weekdayname": f"{when:%A}".lower() if when else "",
        "yearday": str(when.timetuple().tm_yday) if when else "",
        "section": folders[0].lower() if folders else "",
        "sections": "/".join(folders).lower(), "title": title,
        "slug": slug_value if name != stem else title or hugo_urlize(stem).lower(),
        "filename": hugo_urlize(stem).lower(), "contentbasename": hugo_urlize(stem).lower(),
        "slugorfilename": slug_value, "slugorcontentbasename": slug_value,
    }
    path = re.sub(r":([a-z]+)", lambda m: tokens.get(m.group(1), m.group(0)), pattern)
    return "/" + re.sub(r"/{2,}", "/", path).lstrip("/")


def _hugo_date(site: Site, rel: str, meta: Mapping[str, Any] | None, tree: Tree) -> Dated:
    """Hugo's date: the first of its date keys, front matter and cascades."""
    problems: list[str] = []
    hit = _first_dated(site, _hugo_meta(site, rel, meta, tree), HUGO_DATE_KEYS, problems)
    return Dated(*hit, tuple(problems)) if hit else Dated(None, "", tuple(problems))
