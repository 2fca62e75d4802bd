"""Pure: Pelican's rules: its settings (read, never run), roles, categories, slugs and URLs.
"""

from __future__ import annotations

import ast
import html
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from text_unidecode import unidecode

from .common import (
    PELICAN_FILES,
    PELICAN_SLUG_SUBSTITUTIONS,
    ConfigProblem,
    Dated,
    Role,
    Site,
    _first_dated,
    _folder,
    _inside,
    _zone_setting,
    read_date,
)

PELICAN_SUFFIXES = {".md": "md", ".markdown": "markdown", ".mkd": "mkd", ".mdown": "mdown",
                    ".rst": "rst", ".html": "html", ".htm": "htm"}


def pelican_settings(text: str) -> tuple[dict[str, Any], dict[str, int]]:
    """pelicanconf.py's text -> its plain `NAME = literal` settings and the names whose
    value is code (with their lines). The file is parsed, never executed."""
    tree = ast.parse(text)
    settings: dict[str, Any] = {}
    code: dict[str, int] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if not isinstance(target, ast.Name):
            continue
        try:
            settings[target.id] = ast.literal_eval(value)
            code.pop(target.id, None)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            settings.pop(target.id, None)
            code[target.id] = node.lineno
    return settings, code


def _pelican_site(name: str, text: str) -> Site:
    """pelicanconf.py's text -> Site (literal settings only, Pelican's defaults otherwise)."""
    problems: list[ConfigProblem] = []
    try:
        settings, code = pelican_settings(text)
    except Exception as err:  # SyntaxError, ValueError (NUL), RecursionError
        settings, code = {}, {}
        problems.append((name, getattr(err, "lineno", None), f"cannot be parsed as Python "
                         f"({type(err).__name__}); Pelican's defaults are used"))
    for key, line in sorted(code.items(), key=lambda item: item[1]):
        if key in _PELICAN_USED:
            problems.append((name, line, f"{key} is computed, not a plain value; Pelican's "
                             "default is used"))
    zone = _zone_setting(name, text, settings.get("TIMEZONE"), problems)

    def text_of(key: str, default: str) -> str:
        """A text setting, or its default."""
        value = settings.get(key, default)
        return value if isinstance(value, str) else default

    def paths(key: str, default: tuple[str, ...]) -> tuple[str, ...]:
        """A list-of-folders setting, or its default."""
        value = settings.get(key)
        if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            return tuple(v.strip("/") for v in value)
        return default

    default_date = settings.get("DEFAULT_DATE")
    if isinstance(default_date, list | tuple) and 3 <= len(default_date) <= 7 \
            and all(isinstance(v, int) and not isinstance(v, bool) for v in default_date):
        default_date = tuple(default_date)
    elif default_date != "fs":
        default_date = None
    substitutions = settings.get("SLUG_REGEX_SUBSTITUTIONS")
    if not (isinstance(substitutions, list | tuple) and all(
            isinstance(p, list | tuple) and len(p) == 2 and all(isinstance(s, str) for s in p)
            for p in substitutions)):
        substitutions = PELICAN_SLUG_SUBSTITUTIONS
    readers = settings.get("READERS")
    page_paths = paths("PAGE_PATHS", ("pages",))
    return Site(
        tool="pelican", config=name, timezone=zone,
        content_dir=_folder(settings.get("PATH"), None),
        future=settings.get("WITH_FUTURE_DATES", True) is not False,
        default_date=default_date,
        default_category=text_of("DEFAULT_CATEGORY", "misc"),
        use_folder_as_category=settings.get("USE_FOLDER_AS_CATEGORY", True) is not False,
        page_paths=page_paths,
        article_paths=paths("ARTICLE_PATHS", ("",)),
        article_excludes=paths("ARTICLE_EXCLUDES", ()),
        filename_metadata=text_of("FILENAME_METADATA", r"(?P<date>\d{4}-\d{2}-\d{2}).*"),
        article_url=text_of("ARTICLE_URL", "{slug}.html"),
        article_save_as=text_of("ARTICLE_SAVE_AS", "{slug}.html"),
        article_lang_url=text_of("ARTICLE_LANG_URL", "{slug}-{lang}.html"),
        article_lang_save_as=text_of("ARTICLE_LANG_SAVE_AS", "{slug}-{lang}.html"),
        draft_url=text_of("DRAFT_URL", "drafts/{slug}.html"),
        default_lang=text_of("DEFAULT_LANG", "en"),
        slugify_source=text_of("SLUGIFY_SOURCE", "title"),
        slug_substitutions=tuple((a, b) for a, b in substitutions),
        readers_off=tuple(f".{k}" for k, v in readers.items() if v is None and isinstance(
            k, str)) if isinstance(readers, dict) else (),
        problems=tuple(problems))


_PELICAN_USED = {"TIMEZONE", "PATH", "DEFAULT_DATE", "DEFAULT_CATEGORY", "USE_FOLDER_AS_CATEGORY",
                 "PAGE_PATHS", "ARTICLE_PATHS", "ARTICLE_EXCLUDES", "FILENAME_METADATA",
                 "ARTICLE_URL", "ARTICLE_SAVE_AS", "DEFAULT_LANG", "SLUGIFY_SOURCE"}


# ------------------------------------------------------------------ Pelican


def pelican_slugify(text: str, substitutions: Iterable[tuple[str, str]] = PELICAN_SLUG_SUBSTITUTIONS
                    ) -> str:
    """Pelican's slugify: tags stripped, NFKC, transliterated to ASCII, the substitutions
    (by default: drop what is not a word character, space or '-'; runs of '-' and spaces
    to one '-'), lower case."""
    text = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
    text = html.unescape(" ".join(re.sub(r"<.*?>", "", text, flags=re.DOTALL).split()))
    text = unidecode(unicodedata.normalize("NFKC", text))
    for pattern, replacement in substitutions:
        try:
            text = re.sub(unicodedata.normalize("NFKC", pattern),
                          unicodedata.normalize("NFKC", replacement), text, flags=re.IGNORECASE)
        except (re.error, IndexError):  # a bad pattern in the site's settings
            continue
    return text.lower().strip()


def _pelican_content(site: Site, rel: str) -> str | None:
    """A path -> its path inside PATH, or None outside it."""
    return _inside(rel, site.content_dir)


def _pelican_category(site: Site, rel: str, meta: Mapping[str, Any]) -> str:
    """Category:, else the immediate folder (USE_FOLDER_AS_CATEGORY), else DEFAULT_CATEGORY."""
    own = meta.get("category")
    if isinstance(own, str) and own.strip():
        return own.strip()
    content = _pelican_content(site, rel) or rel
    parent = PurePosixPath(content).parent.name
    if site.use_folder_as_category and parent:
        return parent
    return site.default_category


def _pelican_tool_slug(site: Site, rel: str, meta: Mapping[str, Any]) -> str:
    """Slug:, else Pelican's slugify of the title (or of the file name, per SLUGIFY_SOURCE)."""
    own = meta.get("slug")
    if isinstance(own, str) and own.strip():
        return own.strip()
    if site.slugify_source == "basename":
        source = PurePosixPath(rel).stem
    else:
        title_value = meta.get("title")
        source = title_value if isinstance(title_value, str) else ""
    return pelican_slugify(source, site.slug_substitutions)


def _pelican_role(site: Site, rel: str, meta: Mapping[str, Any] | None) -> Role:
    """Pelican's rules: readers, PATH, pages, Status, required title and date."""
    if PurePosixPath(rel).name in PELICAN_FILES and "/" not in rel:
        return Role("skip", "the site's settings, not content")
    content = _pelican_content(site, rel)
    if content is None:
        return Role("skip", f"outside Pelican's PATH ({site.content_dir}/)")
    suffix = PurePosixPath(rel).suffix.lower()
    if suffix not in PELICAN_SUFFIXES or suffix in site.readers_off:
        return Role("skip", f"Pelican has no reader for {suffix or 'files without a suffix'}")
    if any(content == p or content.startswith(p + "/")
           for p in (*site.article_excludes, *site.page_paths) if p):
        return Role("skip", "under a page folder (PAGE_PATHS): a page, not an article")
    if not any(not p or content == p or content.startswith(p + "/") for p in site.article_paths):
        return Role("skip", "outside ARTICLE_PATHS")
    values = meta or {}
    status = str(values.get("status") or "published").strip().lower()
    if status == "skip":
        return Role("skip", "Status: skip: Pelican does not process it")
    if not (isinstance(values.get("title"), str) and values["title"].strip()):
        return Role("skip", "no title: Pelican skips it")
    if _pelican_date(site, rel, meta).date is None:
        return Role("skip", "no date and no DEFAULT_DATE: Pelican skips it")
    if status == "draft":
        return Role("draft", "Status: draft: written to drafts/, not published")
    if status == "hidden":  # Pelican writes it at its URL but lists it nowhere: a draft here
        return Role("draft", "Status: hidden: not listed, so a draft", hidden=True)
    return Role("article")


def _pelican_paths(site: Site, rel: str, meta: Mapping[str, Any] | None) -> tuple[str, ...]:
    """Pelican's URL and save_as: url/save_as metadata, else the site's patterns."""
    values = meta or {}
    slug_value = _pelican_tool_slug(site, rel, values)
    if not slug_value:
        return ()
    lang = values.get("lang") if isinstance(values.get("lang"), str) else ""
    translated = bool(lang.strip()) and lang.strip() != site.default_lang
    status = str(values.get("status") or "").strip().lower()
    if status == "draft":
        patterns = [site.draft_url]
    elif translated:
        patterns = [site.article_lang_url, site.article_lang_save_as]
    else:
        patterns = [site.article_url, site.article_save_as]
    for key, index in (("url", 0), ("save_as", 1)):
        if isinstance(values.get(key), str) and values[key].strip() and status != "draft":
            patterns[index] = values[key].strip().replace("{", "{{").replace("}", "}}")
    authors = values.get("authors")
    author = values.get("author") or (authors[0] if isinstance(authors, list) and authors
                                      else authors if isinstance(authors, str) else "")
    fields = {
        "slug": slug_value, "lang": lang.strip() or site.default_lang,
        "category": pelican_slugify(_pelican_category(site, rel, values)),
        "author": pelican_slugify(str(author)), "date": _pelican_date(site, rel, meta).date,
    }
    out = []
    for pattern in patterns:
        try:
            path = pattern.format(**fields)
        except (KeyError, ValueError, IndexError, AttributeError, TypeError):
            path = f"{slug_value}.html"
        out.append("/" + path.lstrip("/"))
    return tuple(dict.fromkeys(out))


def _pelican_filename_date(site: Site, rel: str) -> str | None:
    """FILENAME_METADATA's `date` group, matched against the file name without suffix."""
    try:
        found = re.match(site.filename_metadata, PurePosixPath(rel).stem)
    except (re.error, RecursionError):
        return None
    if found is None or "date" not in found.groupdict() or not found.group("date"):
        return None
    return found.group("date")


def _split_pelican(value: Any) -> list[str]:
    """Pelican's list rule for text: split at ';' if it has one, else at ','."""
    if not isinstance(value, str):
        return []
    items = value.split(";") if ";" in value else value.split(",")
    return list(dict.fromkeys(s for s in (i.strip() for i in items) if s))


def _pelican_date(site: Site, rel: str, meta: Mapping[str, Any] | None,
                  mtime: datetime | None = None) -> Dated:
    """Pelican's date: `date:`, else FILENAME_METADATA's, else DEFAULT_DATE."""
    zone = site.zone
    problems: list[str] = []
    values = meta or {}
    hit = _first_dated(site, values, ("date",), problems)
    if hit:
        return Dated(*hit, tuple(problems))
    named = _pelican_filename_date(site, rel)
    if named is not None:
        found, why = read_date(named, zone)
        if found is not None:
            return Dated(found, "file name", tuple(problems))
        problems.append(f"file name: {why}")
    if isinstance(site.default_date, tuple):
        try:
            return Dated(datetime(*site.default_date, tzinfo=zone), "DEFAULT_DATE",
                         tuple(problems))
        except (TypeError, ValueError):
            problems.append("DEFAULT_DATE is not a possible date")
    if site.default_date == "fs" and mtime is not None:
        return Dated(mtime.astimezone(zone), "mtime", tuple(problems))
    return Dated(None, "", tuple(problems))
