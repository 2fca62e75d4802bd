"""Pure: Jekyll's rules: its config and defaults, posts and drafts, slugs and permalinks.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime, time
from fnmatch import fnmatchcase
from pathlib import PurePosixPath
from typing import Any

from .common import (
    JEKYLL_FILES,
    ConfigProblem,
    Dated,
    Role,
    Site,
    _first_dated,
    _terms,
    _zone_setting,
)

JEKYLL_STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
_JEKYLL_POST = re.compile(r"(\d{2,4})-(\d{1,2})-(\d{1,2})-([^/]*)(\.[^./]+)")
JEKYLL_MARKDOWN = frozenset({".markdown", ".mkdown", ".mkdn", ".mkd", ".md"})  # markdown_ext
_JEKYLL_SKIPPED = {"_site", "node_modules", "vendor", ".jekyll-cache", ".sass-cache",
                   ".bundle", "Gemfile", "Gemfile.lock"}


def _jekyll_site(name: str, text: str, settings: dict[str, Any],
                 problems: list[ConfigProblem]) -> Site:
    """_config.yml's settings -> Site."""
    zone = _zone_setting(name, text, settings.get("timezone"), problems)
    permalink = settings.get("permalink")
    exclude = settings.get("exclude")
    return Site(
        tool="jekyll", config=name, timezone=zone,
        permalink=permalink.strip() if isinstance(permalink, str) else "",
        future=settings.get("future") is True,
        exclude=tuple(str(e).strip("/") for e in exclude if isinstance(e, str))
        if isinstance(exclude, list) else (),
        defaults=_jekyll_defaults(settings.get("defaults")),
        problems=tuple(problems))


def _jekyll_defaults(value: Any) -> tuple[tuple[str, str, Mapping[str, Any]], ...]:
    """_config.yml's `defaults` -> (path, type, values) for each well-formed entry."""
    if not isinstance(value, list):
        return ()
    out = []
    for entry in value:
        if not isinstance(entry, dict) or not isinstance(entry.get("values"), dict):
            continue
        scope = entry.get("scope") if isinstance(entry.get("scope"), dict) else {}
        path = scope.get("path") if isinstance(scope.get("path"), str) else ""
        kind = scope.get("type") if isinstance(scope.get("type"), str) else ""
        out.append((path.strip("/"), kind, entry["values"]))
    return tuple(out)


# ------------------------------------------------------------------ Jekyll


def _jekyll_place(rel: str) -> tuple[str, int]:
    """'sports/_posts/x.md' -> ('post', index of _posts); ('draft', i); ('', -1) elsewhere.

    Jekyll reads `_posts/` and `_drafts/` in the site and in any folder it reads (none
    whose name starts with '_' or '.').
    """
    parts = rel.split("/")
    for index, part in enumerate(parts[:-1]):
        if part in {"_posts", "_drafts"}:
            return ("post" if part == "_posts" else "draft"), index
        if part.startswith(("_", ".")):
            return "", -1
    return "", -1


def _jekyll_name(rel: str) -> tuple[date | None, str, str] | None:
    """A post's file name -> (its date, or None if impossible; its slug; its extension)."""
    found = _JEKYLL_POST.fullmatch(PurePosixPath(rel).name)
    if found is None:
        return None
    year, month, day, slug_part, suffix = found.groups()
    slug_part = slug_part.rstrip(".")  # Jekyll: slugs don't end with a period
    try:
        day_value: date | None = date(int(year), int(month), int(day))
    except ValueError:
        day_value = None
    return day_value, slug_part, suffix


def _jekyll_meta(site: Site, rel: str, meta: Mapping[str, Any] | None) -> dict[str, Any]:
    """Front matter over the config's `defaults` whose scope takes the file."""
    values: dict[str, Any] = {}
    place, _ = _jekyll_place(rel)
    kind = {"post": "posts", "draft": "drafts"}.get(place, "pages")
    for path, scope_type, defaults in site.defaults:
        if path and not (rel == path or rel.startswith(path + "/")) and not fnmatchcase(
                rel, path):
            continue
        if scope_type and scope_type != kind:
            continue
        values.update({str(k): v for k, v in defaults.items()})
    values.update({str(k): v for k, v in (meta or {}).items()})
    return values


def _jekyll_role(site: Site, rel: str, has_front_matter: bool,
                 meta: Mapping[str, Any] | None) -> Role:
    """Jekyll's rules: _posts/ naming, _drafts/, published: false, future posts."""
    parts = rel.split("/")
    if len(parts) == 1 and parts[0] in JEKYLL_FILES:
        return Role("skip", "the site's config, not content")
    if any(p in _JEKYLL_SKIPPED or p.startswith(".") for p in parts) or any(
            rel == e or rel.startswith(e + "/") or fnmatchcase(rel, e) for e in site.exclude):
        return Role("skip", "excluded from Jekyll's build")
    place, _ = _jekyll_place(rel)
    values = _jekyll_meta(site, rel, meta)
    if place == "draft":
        return Role("draft", "in _drafts/: published only with --drafts")
    if place == "":
        underscore = next((p for p in parts[:-1] if p.startswith("_")), None)
        if underscore:
            return Role("skip", f"in {underscore}/: not a folder of posts")
        if has_front_matter:
            return Role("skip", "a page with front matter, not a post")
        return Role("skip", "no front matter outside _posts/: a static file, not a post")
    named = _jekyll_name(rel)
    if named is None:
        return Role("skip", "in _posts/ but not named YYYY-MM-DD-title.ext: not a post")
    if named[2].lower() in {".yml", ".yaml"}:
        return Role("skip", "a YAML data file in _posts/, not a post")
    if named[0] is None:
        return Role("skip", "in _posts/ with an impossible date in its name")
    if values.get("published") is False:
        return Role("draft", "published: false")
    not_before = None if site.future else _jekyll_date(site, rel, meta).date
    return Role("article", "", not_before)


def jekyll_slugify(text: str, mode: str = "pretty", cased: bool = True) -> str:
    """Jekyll's Utils.slugify: 'pretty' keeps letters, digits, marks and ._~!$&'()+,;=@;
    'default' only letters, digits and marks; every other run becomes one '-'."""
    keep = "._~!$&'()+,;=@" if mode == "pretty" else ""
    out: list[str] = []
    for char in text:
        category = unicodedata.category(char)
        if category[0] in "LM" or category == "Nd" or char in keep:
            out.append(char)
        elif not out or out[-1] != "-":
            out.append("-")
    slug_text = "".join(out).strip("-") if out else ""
    slug_text = re.sub(r"^-|-$", "", slug_text)
    return slug_text if cased else slug_text.lower()


def _jekyll_slug_source(rel: str, values: Mapping[str, Any]) -> str:
    """The slug Jekyll starts from: front matter `slug`, else the file name's slug part."""
    own = values.get("slug")
    if isinstance(own, str | int) and not isinstance(own, bool) and str(own).strip():
        return str(own).strip()
    named = _jekyll_name(rel)
    return named[1] if named else PurePosixPath(rel).stem


def _jekyll_categories(rel: str, values: Mapping[str, Any]) -> list[str]:
    """Folders above _posts/, then `categories` (split at spaces), then the one `category`."""
    place, index = _jekyll_place(rel)
    found = [p for p in rel.split("/")[:index]] if place else []
    found += _terms(values.get("categories"), split=True)
    found += _terms(values.get("category"))
    return list(dict.fromkeys(found))


def _jekyll_tags(values: Mapping[str, Any]) -> list[str]:
    """The singular `tag` if present (one term), else `tags` split at spaces."""
    if "tag" in values and values["tag"] is not None:
        return _terms(values["tag"])
    return _terms(values.get("tags"), split=True)


def _jekyll_output_ext(rel: str) -> str:
    """Markdown becomes .html; a file no converter takes keeps its own suffix (.text, .Rmd)."""
    suffix = PurePosixPath(rel).suffix
    return ".html" if suffix.lower() in JEKYLL_MARKDOWN | {".html"} else suffix


def _jekyll_paths(site: Site, rel: str, meta: Mapping[str, Any] | None) -> tuple[str, ...]:
    """Jekyll's URL: `permalink`, else the site's pattern, placeholders filled."""
    values = _jekyll_meta(site, rel, meta)
    own = values.get("permalink")
    if isinstance(own, str) and own.strip():
        template = own.strip()  # as written: the style names are only for _config.yml
    else:
        template = JEKYLL_STYLES.get(site.permalink or "date", site.permalink)
    when = _jekyll_date(site, rel, meta).date
    if ":" in template and when is None and re.search(r":(?:year|month|day|y_day|i_)", template):
        return ()
    source = _jekyll_slug_source(rel, values)
    categories = "/".join(dict.fromkeys(c.lower() for c in _jekyll_categories(rel, values)))
    tokens: dict[str, str] = {
        "title": jekyll_slugify(source, "pretty", cased=True),
        "slug": jekyll_slugify(source, "default", cased=False),
        "name": jekyll_slugify(PurePosixPath(rel).stem, "default", cased=False),
        "categories": categories, "output_ext": _jekyll_output_ext(rel),
        "path": rel.rsplit(".", 1)[0],
    }
    if when is not None:
        tokens |= {
            "year": f"{when:%Y}", "month": f"{when:%m}", "day": f"{when:%d}",
            "i_month": str(when.month), "i_day": str(when.day), "short_year": f"{when:%y}",
            "hour": f"{when:%H}", "minute": f"{when:%M}", "second": f"{when:%S}",
            "y_day": f"{when:%j}", "short_month": f"{when:%b}", "long_month": f"{when:%B}",
            "short_day": f"{when:%a}", "long_day": f"{when:%A}", "week": f"{when:%V}",
        }
    path = template
    for key in sorted(tokens, key=len, reverse=True):
        if ":" not in path:
            break
        path = path.replace(f":{key}", tokens[key])
    path = re.sub(r"/{2,}", "/", "/" + path)
    return (path,)


def _jekyll_date(site: Site, rel: str, meta: Mapping[str, Any] | None,
                 mtime: datetime | None = None) -> Dated:
    """Jekyll's date: `date:`, else the post's file name, else a draft's mtime."""
    zone = site.zone
    problems: list[str] = []
    hit = _first_dated(site, _jekyll_meta(site, rel, meta), ("date",), problems)
    if hit:
        return Dated(hit[0].astimezone(zone), hit[1], tuple(problems))
    place, _ = _jekyll_place(rel)
    named = _jekyll_name(rel)
    if place == "post" and named and named[0]:
        return Dated(datetime.combine(named[0], time(), zone), "file name", tuple(problems))
    if place == "draft" and mtime is not None:
        return Dated(mtime.astimezone(zone), "mtime", tuple(problems))
    return Dated(None, "", tuple(problems))
