"""Pure: what the site rules share: the config file names, Site, Tree, Role, Dated and
Reading, the small helpers for settings, paths and meta, and reading a date as the tools do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from typing import Any
from zoneinfo import ZoneInfo

from ..text import kind_of

HUGO_FILES = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json")
HUGO_LEGACY_FILES = ("config.toml", "config.yaml", "config.yml", "config.json")
JEKYLL_FILES = ("_config.yml", "_config.yaml", "_config.toml")
PELICAN_FILES = ("pelicanconf.py", "pelican.conf.py")
CONFIG_FILES = (*HUGO_FILES, *PELICAN_FILES, *JEKYLL_FILES, *HUGO_LEGACY_FILES)


PELICAN_SLUG_SUBSTITUTIONS = ((r"[^\w\s-]", ""), (r"(?u)\A\s*", ""), (r"(?u)\s*\Z", ""),
                              (r"[-\s]+", "-"))


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
        return None, f"{kind_of(value)} is not a date"
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


def _first_dated(site: Site, values: Mapping[str, Any], keys: Iterable[str],
                 problems: list[str]) -> tuple[datetime, str] | None:
    """The first of `keys` that reads as a date, with the key; each that does not, in `problems`."""
    zone = site.zone
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
