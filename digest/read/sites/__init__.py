"""Pure: what Pelican, Hugo or Jekyll would make of a file in the folder it builds.

    detect_site(files) -> Site                 the tool and its settings, from config texts
    scan_tree(site, metas) -> Tree             Hugo's bundles and cascades, from every file
    role(site, rel, has_front_matter, meta, tree) -> Role     article, draft or skip, and why
    title(site, rel, meta, tree) -> str | None
    date_of(site, rel, meta, tree, mtime) -> Dated
    tags(site, rel, meta, tree) -> tuple[str, ...]
    slug(site, rel, meta, tree) -> str | None
    old_paths(site, rel, meta, tree) -> tuple[str, ...]
    conventions(site, rel, meta, tree, mtime) -> Reading      all of the above for one file

`rel` is the file's path from the site's folder (where its config file is), with '/';
`meta` is what the readers found (`Document.meta`, None without front matter). The rules
are bench/COMPAT.md's, observed from Pelican 4.12, Hugo 0.168 and Jekyll 4.3. Nothing here
reads a file, runs the config, or looks at the clock: what depends on "now" (Hugo's
publishDate and expiryDate, Jekyll's future posts) comes back as dates for the caller.
For tool "none" every rule answers "digest's own" (None, or an empty tuple).
"""

from __future__ import annotations

import ast
import html
import json
import re
import tomllib
import unicodedata
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from fnmatch import fnmatchcase
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote
from zoneinfo import ZoneInfo

from text_unidecode import unidecode

from ..formats.toml_fm import error_place
from ..frontmatter import YamlProblem, load_yaml

HUGO_FILES = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json")
HUGO_LEGACY_FILES = ("config.toml", "config.yaml", "config.yml", "config.json")
JEKYLL_FILES = ("_config.yml", "_config.yaml", "_config.toml")
PELICAN_FILES = ("pelicanconf.py", "pelican.conf.py")
CONFIG_FILES = (*HUGO_FILES, *PELICAN_FILES, *JEKYLL_FILES, *HUGO_LEGACY_FILES)
# keys only a Hugo config has: config.toml or config.yaml is Hugo's only with one of them
_HUGO_KEYS = {"baseurl", "languagecode", "theme", "contentdir", "timezone", "markup",
              "module", "defaultcontentlanguage", "taxonomies", "enablerobotstxt", "outputs"}

HUGO_CONTENT = frozenset({".md", ".markdown", ".mdown", ".mkd", ".mkdn", ".html", ".htm",
                          ".rst", ".adoc", ".asciidoc", ".ad", ".org", ".pandoc", ".pdc"})
HUGO_DATE_KEYS = ("date", "publishdate", "pubdate", "published", "lastmod", "modified")
HUGO_PUBLISH_KEYS = ("publishdate", "pubdate", "published")
HUGO_EXPIRY_KEYS = ("expirydate", "unpublishdate")
PELICAN_SUFFIXES = {".md": "md", ".markdown": "markdown", ".mkd": "mkd", ".mdown": "mdown",
                    ".rst": "rst", ".html": "html", ".htm": "htm"}
PELICAN_SLUG_SUBSTITUTIONS = ((r"[^\w\s-]", ""), (r"(?u)\A\s*", ""), (r"(?u)\s*\Z", ""),
                              (r"[-\s]+", "-"))
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

ConfigProblem = tuple[str, int | None, str]  # (config file, line, message)


@dataclass(frozen=True)
class Site:
    """The tool a folder was written for, and the settings of it the rules read."""

    tool: str = "none"  # "hugo" | "jekyll" | "pelican" | "none"
    config: str = ""  # the config file the settings came from
    timezone: str = ""  # IANA name from the config; "" reads naive dates in UTC
    content_dir: str = ""  # where the articles are: Hugo's contentDir, Pelican's PATH
    future: bool = True  # future-dated posts published? Jekyll `future`, Hugo buildFuture
    expired: bool = False  # Hugo buildExpired
    # Jekyll
    permalink: str = ""
    exclude: tuple[str, ...] = ()
    defaults: tuple[tuple[str, str, Mapping[str, Any]], ...] = ()  # (path, type, values)
    # Pelican
    default_date: tuple[int, ...] | str | None = None
    default_category: str = "misc"
    use_folder_as_category: bool = True
    page_paths: tuple[str, ...] = ("pages",)
    article_paths: tuple[str, ...] = ("",)
    article_excludes: tuple[str, ...] = ()  # besides page_paths, which are never articles
    filename_metadata: str = r"(?P<date>\d{4}-\d{2}-\d{2}).*"
    article_url: str = "{slug}.html"
    article_save_as: str = "{slug}.html"
    article_lang_url: str = "{slug}-{lang}.html"
    article_lang_save_as: str = "{slug}-{lang}.html"
    draft_url: str = "drafts/{slug}.html"
    default_lang: str = "en"
    slugify_source: str = "title"
    slug_substitutions: tuple[tuple[str, str], ...] = PELICAN_SLUG_SUBSTITUTIONS
    readers_off: tuple[str, ...] = ()  # suffixes whose reader READERS turns off
    # Hugo
    taxonomies: tuple[str, ...] = ("tags", "categories")
    default_language: str = "en"
    languages: tuple[str, ...] = ()
    permalinks: tuple[tuple[str, str], ...] = ()  # (section, pattern)
    ugly_urls: bool = False
    problems: tuple[ConfigProblem, ...] = ()

    @property
    def zone(self) -> tzinfo:
        """The site's time zone (UTC without one)."""
        return _zone(self.timezone) or UTC


@dataclass(frozen=True)
class Tree:
    """What Hugo's rules need to know of the other files: bundles and cascades."""

    leaf_bundles: frozenset[str] = frozenset()  # content folders holding an index page
    headless: frozenset[str] = frozenset()  # leaf bundles with `headless: true`
    cascades: Mapping[str, tuple[Mapping[str, Any], ...]] = field(default_factory=dict)


EMPTY_TREE = Tree()


@dataclass(frozen=True)
class Role:
    """What the tool makes of a file: an article, a draft, or nothing (skip), and why."""

    kind: str  # "article" | "draft" | "skip"
    reason: str = ""
    not_before: datetime | None = None  # published only from then (publishDate, future posts)
    not_after: datetime | None = None  # and only until then (Hugo's expiryDate)
    hidden: bool = False  # published at its URL but left out of lists (Pelican's hidden)

    def published(self, now: datetime) -> bool:
        """Does the tool publish it at `now`?"""
        if self.kind != "article":
            return False
        if self.not_before is not None and self.not_before > now:
            return False
        return self.not_after is None or self.not_after >= now


@dataclass(frozen=True)
class Dated:
    """A file's date as the tool reads it, which rule gave it, and what went wrong."""

    date: datetime | None
    source: str = ""  # "date", "publishdate", …, "file name", "DEFAULT_DATE", "mtime"
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reading:
    """Everything the tool's conventions say about one file."""

    role: Role
    title: str | None
    date: Dated
    tags: tuple[str, ...]
    slug: str | None
    old_paths: tuple[str, ...]


# ------------------------------------------------------------------ detecting the site


def detect_site(files: Mapping[str, str], folders: Collection[str] | None = None) -> Site:
    """Config file names (or paths) -> their texts -> the Site (never raises, never runs code).

    `folders`, the names of the site folder's subfolders, matter to a Pelican site without
    PATH (its articles are in content/ when there is one, as `pelican content` reads them,
    else in the site folder; without `folders`, content/ is assumed), and make a folder
    with `_posts/` or `_drafts/` and no config file a Jekyll site.
    """
    texts = {PurePosixPath(name).name: text for name, text in files.items()
             if isinstance(text, str)}
    found = [name for name in CONFIG_FILES if name in texts]
    for name in found:
        try:
            site = _site_from(name, texts[name])
            if site is not None and site.tool == "pelican" and site.content_dir is None:
                guess = "content" if folders is None or "content" in folders else ""
                site = replace(site, content_dir=guess)
        except Exception as err:  # a rule's bug must not stop the build: no conventions
            return Site(problems=((name, None, f"could not read the settings "
                                   f"({type(err).__name__}); the site's conventions are not "
                                   "used"),))
        if site is None:
            continue
        others = [n for n in found if n != name and _tool_of(n) != site.tool
                  and (_tool_of(n) != "hugo-legacy" or site.tool == "hugo")]
        if others:
            note = (name, None, f"also found {', '.join(others)}; the folder is read as "
                    f"{site.tool.capitalize()}'s ({name})")
            site = _with_problems(site, [note])
        return site
    if folders is not None and {"_posts", "_drafts"} & set(folders):
        return Site(tool="jekyll", future=False, problems=(("", None, "no config file; read "
                    "as a Jekyll site, which _posts/ or _drafts/ make it"),))
    return Site()


def _tool_of(name: str) -> str:
    """Config file name -> the tool it belongs to."""
    if name in HUGO_FILES:
        return "hugo"
    if name in PELICAN_FILES:
        return "pelican"
    if name in JEKYLL_FILES:
        return "jekyll"
    return "hugo-legacy"


def _site_from(name: str, text: str) -> Site | None:
    """One config file -> its Site, or None when a legacy config.* is not Hugo's."""
    tool = _tool_of(name)
    if tool == "pelican":
        return _pelican_site(name, text)
    settings, problems = _load_config(name, text)
    if tool == "jekyll":
        return _jekyll_site(name, text, settings, problems)
    lowered = _lower_keys(settings)
    if tool == "hugo-legacy" and not (_HUGO_KEYS & set(lowered)):
        return None
    return _hugo_site(name, text, lowered, problems)


def _load_config(name: str, text: str) -> tuple[dict[str, Any], list[ConfigProblem]]:
    """A TOML, YAML or JSON config text -> its mapping (empty, with a problem, if unreadable)."""
    suffix = PurePosixPath(name).suffix
    try:
        if suffix == ".toml":
            value: Any = tomllib.loads(text)
        elif suffix == ".json":
            value = json.loads(text)
        else:
            value, _ = load_yaml(text)
    except YamlProblem as err:
        return {}, [(name, err.line, f"not valid YAML: {err.message}; its settings are not "
                     "used")]
    except tomllib.TOMLDecodeError as err:
        message, line = error_place(str(err))
        return {}, [(name, line, f"not valid TOML: {message}; its settings are not used")]
    except json.JSONDecodeError as err:
        return {}, [(name, err.lineno, f"not valid JSON: {err.msg}; its settings are not "
                     "used")]
    except Exception as err:  # RecursionError and the like
        return {}, [(name, None, f"could not be read ({type(err).__name__}); its settings "
                     "are not used")]
    if value is None:
        return {}, []
    if not isinstance(value, dict):
        return {}, [(name, 1, f"is a {type(value).__name__}, not a mapping of settings; not "
                     "used")]
    return value, []


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


def _zone_setting(name: str, text: str, value: Any, problems: list[ConfigProblem]) -> str:
    """A config's time zone setting -> a valid IANA name, or "" (UTC) with a problem."""
    if value is None or value == "":
        return ""
    if isinstance(value, str) and _zone(value.strip()) is not None:
        return value.strip()
    line = _line_of(text, ("timeZone", "timezone", "TIMEZONE"))
    problems.append((name, line, f"time zone {str(value)[:60]!r} is not an IANA zone name; "
                     "naive dates are read in UTC"))
    return ""


def _zone(name: str) -> tzinfo | None:
    """IANA name -> tzinfo, or None when there is no such zone."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except Exception:  # ZoneInfoNotFoundError, ValueError for '../x', NUL, …
        return None


def _line_of(text: str, keys: Iterable[str]) -> int | None:
    """The line where one of `keys` is set in a config text, or None."""
    pattern = "|".join(re.escape(k) for k in keys)
    found = re.search(rf"^\s*[\"']?(?:{pattern})[\"']?\s*[:=]", text, re.MULTILINE)
    return text.count("\n", 0, found.start()) + 1 if found else None


def _folder(value: Any, default: Any) -> Any:
    """A folder setting ('./content/', '.') -> 'content', ''; anything else -> default."""
    if not isinstance(value, str):
        return default
    folder = value.strip().strip("/")
    return "" if folder in {"", "."} else folder.removeprefix("./")


def _with_problems(site: Site, problems: list[ConfigProblem]) -> Site:
    """Site -> the same with more config problems."""
    return replace(site, problems=site.problems + tuple(problems))


# ------------------------------------------------------------------ paths and meta


def _inside(rel: str, folder: str) -> str | None:
    """'content/posts/x.md', 'content' -> 'posts/x.md'; a path outside the folder -> None."""
    if not folder:
        return rel
    return rel[len(folder) + 1:] if rel.startswith(folder + "/") else None


def _lower_keys(meta: Mapping[Any, Any] | None) -> dict[str, Any]:
    """Hugo's front matter keys are case-insensitive."""
    return {str(k).lower(): v for k, v in meta.items()} if isinstance(meta, Mapping) else {}


def _truthy(value: Any) -> bool:
    """true or 'true' (any case) -> True."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _present(value: Any) -> bool:
    """Is a front matter value there at all (not empty)?"""
    return value not in (None, "", [], {})


def _terms(value: Any, split: bool = False) -> list[str]:
    """A tags value -> its terms: a list as listed; a string one term (or split at spaces)."""
    if value is None or isinstance(value, bool | dict):
        return []
    if isinstance(value, list | tuple):
        return [" ".join(str(v).split()) for v in value
                if v is not None and not isinstance(v, dict | list | bool) and str(v).strip()]
    text = " ".join(str(value).split())
    return text.split() if split else ([text] if text else [])


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
    not_before = None if site.future else date_of(site, rel, meta).date
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
    when = date_of(site, rel, meta).date
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
    if date_of(site, rel, meta).date is None:
        return Role("skip", "no date and no DEFAULT_DATE: Pelican skips it")
    if status == "draft":
        return Role("draft", "Status: draft: written to drafts/, not published")
    if status == "hidden":
        return Role("article", "Status: hidden: published at its URL, left out of lists",
                    hidden=True)
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
        "author": pelican_slugify(str(author)), "date": date_of(site, rel, meta).date,
    }
    out = []
    for pattern in patterns:
        try:
            path = pattern.format(**fields)
        except (KeyError, ValueError, IndexError, AttributeError, TypeError):
            path = f"{slug_value}.html"
        out.append("/" + path.lstrip("/"))
    return tuple(dict.fromkeys(out))


# ------------------------------------------------------------------ dates

_DATE_TEXT = re.compile(
    r"(?P<y>\d{4})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})"
    r"(?:(?:[Tt]|\s+)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d{1,9}))?)?)?"
    r"\s*(?P<z>[Zz]|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?")
_LOOSE = re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
                    r"(?:\D+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?")
_MONTHS = {name: number for number, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
     ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
     ("oct", "october"), ("nov", "november"), ("dec", "december")], start=1)
    for name in names}
_WORDY = re.compile(
    r"(?:(?P<mon1>[A-Za-z]{3,9})\.?\s+(?P<d1>\d{1,2})(?:st|nd|rd|th)?,?|"
    r"(?P<d2>\d{1,2})(?:st|nd|rd|th)?\s+(?P<mon2>[A-Za-z]{3,9})\.?,?)\s+(?P<y>\d{4})"
    r"(?:,?\s+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?")


def read_date(value: Any, zone: tzinfo,
              lenient: bool = False) -> tuple[datetime | None, str | None]:
    """A front matter date -> (aware datetime, None), or (None, why not). Naive values and
    bare dates are read in `zone`; an explicit offset is kept. `lenient` takes the date,
    time and final offset out of text with more in it, as Ruby's parser (Jekyll's) does."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=zone)), None
    if isinstance(value, date):
        return datetime.combine(value, time(), zone), None
    if isinstance(value, bool) or value is None:
        return None, f"{value!r} is not a date"
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(value, UTC), None
        except (OverflowError, OSError, ValueError):
            return None, f"{value!r} is out of range for a Unix time"
    if not isinstance(value, str):
        return None, f"a {type(value).__name__} is not a date"
    text = " ".join(value.split())
    if len(text) > 80:
        return None, "too long to be a date"
    found = _DATE_TEXT.fullmatch(text)
    if found:
        return _from_parts(found.groupdict(), zone, text)
    wordy = _WORDY.fullmatch(text)
    if wordy:
        parts = wordy.groupdict()
        month = _MONTHS.get((parts["mon1"] or parts["mon2"] or "").lower())
        if month is not None:
            parts |= {"m": str(month), "d": parts["d1"] or parts["d2"], "z": None, "f": None}
            return _from_parts(parts, zone, text)
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        loose = _LOOSE.search(text) if lenient else None
        if loose is None:
            return None, f"cannot read {text[:40]!r} as a date"
        offset = re.search(r"\s([+-]\d{2}:?\d{2})$", text)
        return _from_parts(loose.groupdict() | {"z": offset.group(1) if offset else None},
                           zone, text)
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)), None


def _from_parts(parts: dict[str, str | None], zone: tzinfo,
                text: str) -> tuple[datetime | None, str | None]:
    """Date parts matched from text -> aware datetime, or why not."""
    def number(key: str) -> int:
        """One matched part as a number (0 when absent)."""
        return int(parts.get(key) or 0)

    try:
        fraction = int(((parts.get("f") or "") + "000000")[:6])
        value = datetime(number("y"), number("m"), number("d"), number("H"), number("M"),
                         number("S"), fraction)
    except ValueError:
        return None, f"impossible date {text[:40]!r}"
    offset = parts.get("z")
    if not offset:
        return value.replace(tzinfo=zone), None
    if offset.upper() in {"Z", "UTC", "GMT"}:
        return value.replace(tzinfo=UTC), None
    digits = offset[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 23 or minutes > 59:
        return None, f"impossible offset in {text[:40]!r}"
    sign = -1 if offset[0] == "-" else 1
    return value.replace(tzinfo=timezone(sign * timedelta(hours=hours, minutes=minutes))), None


def date_of(site: Site, rel: str, meta: Mapping[str, Any] | None, tree: Tree = EMPTY_TREE,
            mtime: datetime | None = None) -> Dated:
    """The date the tool gives a file (`mtime` for the rules that use the file's time)."""
    zone = site.zone
    problems: list[str] = []

    def first(values: Mapping[str, Any], keys: Iterable[str]) -> tuple[datetime, str] | None:
        """The first of `keys` that reads as a date, with the key."""
        for key in keys:
            if _present(values.get(key)):
                value = values[key]
                if isinstance(value, str) and site.tool == "pelican":
                    value = value.replace("_", " ")
                found, why = read_date(value, zone, lenient=site.tool == "jekyll")
                if found is not None:
                    return found, key
                problems.append(f"{key}: {why}")
        return None

    if site.tool == "hugo":
        hit = first(_hugo_meta(site, rel, meta, tree), HUGO_DATE_KEYS)
        return Dated(*hit, tuple(problems)) if hit else Dated(None, "", tuple(problems))
    if site.tool == "jekyll":
        hit = first(_jekyll_meta(site, rel, meta), ("date",))
        if hit:
            return Dated(hit[0].astimezone(zone), hit[1], tuple(problems))
        place, _ = _jekyll_place(rel)
        named = _jekyll_name(rel)
        if place == "post" and named and named[0]:
            return Dated(datetime.combine(named[0], time(), zone), "file name", tuple(problems))
        if place == "draft" and mtime is not None:
            return Dated(mtime.astimezone(zone), "mtime", tuple(problems))
        return Dated(None, "", tuple(problems))
    if site.tool == "pelican":
        values = meta or {}
        hit = first(values, ("date",))
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
    return Dated(None)


def _pelican_filename_date(site: Site, rel: str) -> str | None:
    """FILENAME_METADATA's `date` group, matched against the file name without suffix."""
    try:
        found = re.match(site.filename_metadata, PurePosixPath(rel).stem)
    except (re.error, RecursionError):
        return None
    if found is None or "date" not in found.groupdict() or not found.group("date"):
        return None
    return found.group("date")


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


def _split_pelican(value: Any) -> list[str]:
    """Pelican's list rule for text: split at ';' if it has one, else at ','."""
    if not isinstance(value, str):
        return []
    items = value.split(";") if ";" in value else value.split(",")
    return list(dict.fromkeys(s for s in (i.strip() for i in items) if s))


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
