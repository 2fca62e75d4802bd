"""Site configuration: one frozen value read from digest.yaml, overridden by the CLI."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from datetime import tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from .config_values import (
    check_cname,
    check_language,
    count_of,
    expect,
    key_lines,
    normalise_base_url,
    patterns_of,
    text_of,
    where_in,
)
from .errors import ConfigError, unknown_key
from .fetch.sources import Source, parse_sources
from .read.sites import Site

CONFIG_NAME = "digest.yaml"
MARKDOWN_ENGINES = ("commonmark", "python-markdown")
# Seconds of quiet that end a burst of changes in the live preview. An editor's save
# (temporary file, rename, chmod) and a git checkout's writes come within milliseconds
# of each other. Here, not in watch.py, so that `digest build` need not import it.
DEBOUNCE = 0.05

# Lines that scrapers leave in articles and readers never want to see.
# Each is a regular expression matched (case-insensitively) against a whole line.
# A pattern whose line ends the text (`Also Read`, `Read Also:`) also takes the
# link lines that follow it, up to the next blank line.
DEFAULT_PROMO_PATTERNS: tuple[str, ...] = (
    r"(see|read) also\b.*",
    r"also read\b.*",
    r"(related|recommended|more) (stories|articles|reading|coverage|on this)\b.*",
    r"(related|more|recommended):?",
    r"table of contents",
    r"(advertisement|sponsored( content)?|subscribe( now)?( to .*)?)",
    r"(click|tap) here .*",
    r"write to .*\[email\s*protected\].*",
    r".*\[email\s*protected\]",
)


@dataclass(frozen=True)
class TopicRule:
    """Assigns `name` to an article whose title or text mentions the keywords."""

    name: str
    keywords: tuple[str, ...]
    min_mentions: int = 2


@dataclass(frozen=True)
class SiteConfig:
    title: str = "News digest"
    description: str = "A digest of the news on one topic."
    base_url: str = ""
    language: str = "en"
    timezone: str = ""  # "" (not set): the site's (hugo.toml, …), else UTC
    author: str = ""
    content_dir: Path = Path("seeds")
    output_dir: Path = Path("site")
    templates_dir: Path | None = None
    static_dir: Path | None = None
    page_size: int = 20
    front_page_days: int = 7
    feed_size: int = 20
    story_window_days: int = 3  # articles this many days apart at most form one story
    excerpt_words: int = 40
    words_per_minute: int = 230
    max_title_length: int = 200
    max_topics: int = 20
    max_rule_topics: int = 4  # topics.max_from_rules: the most the topic rules give
    drafts: bool = False
    future: bool | None = None  # None (not set): the site's (Hugo buildFuture, …), else false
    clean_links: bool = False
    remote_images: bool = False
    search: bool = True
    markdown: str = "commonmark"
    cname: str = ""
    topic_aliases: dict[str, str] = field(default_factory=dict)
    topic_rules: tuple[TopicRule, ...] = ()
    default_topic: str = "Uncategorized"
    promo_patterns: tuple[str, ...] = DEFAULT_PROMO_PATTERNS
    furniture: bool = True  # also drop common page furniture (digest.read.pasted)
    sources: tuple[Source, ...] = ()  # the feeds `digest fetch` pulls
    root: Path = Path(".")
    config_path: Path | None = None
    # The Hugo, Jekyll or Pelican site the content folder is in (read.files.find_site), and
    # the content folder's path from that site's folder ('content/', or '').
    site: Site = field(default_factory=Site)
    site_prefix: str = ""

    @property
    def zone(self) -> tzinfo:
        """digest.yaml's timezone; without one, the site's (Hugo timeZone, …), else UTC."""
        return ZoneInfo(self.timezone) if self.timezone else self.site.zone

    @property
    def shows_future(self) -> bool:
        """Whether stories dated after the build are shown: digest.yaml's `future` or
        --future; without one, what the site's tool does (Hugo buildFuture, Jekyll future,
        Pelican WITH_FUTURE_DATES), else not, as Hugo and Jekyll: they wait for their day."""
        if self.future is not None:
            return self.future
        return self.site.future if self.site.tool != "none" else False

    @property
    def base_path(self) -> str:
        """The path part of base_url, always with a trailing slash: '/repo/' or '/'."""
        path = urlsplit(self.base_url).path if self.base_url else "/"
        return path.rstrip("/") + "/"

    def resolve(self, path: Path) -> Path:
        return path if path.is_absolute() else self.root / path


_PATH_KEYS = {"content_dir", "output_dir", "templates_dir", "static_dir"}
_KEY_ALIASES = {"content": "content_dir", "output": "output_dir", "url": "base_url",
                "templates": "templates_dir", "static": "static_dir", "lang": "language"}


def load_config(path: Path | None = None, overrides: dict[str, Any] | None = None,
                root: Path | None = None) -> SiteConfig:
    """digest.yaml (or no file at all) + CLI overrides -> a checked SiteConfig."""
    raw: dict[str, Any] = {}
    lines: dict[str, int] = {}
    root = root if root is not None else (path.parent if path else Path("."))
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as err:
            raise ConfigError(f"{path}: cannot read the config: {err.strerror}") from err
        except UnicodeDecodeError as err:
            raise ConfigError(f"{path}: the config is not UTF-8 text") from err
        try:
            loaded = yaml.safe_load(text)
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            where = f":{mark.line + 1}" if mark is not None else ""
            problem = getattr(err, "problem", None) or str(err)
            raise ConfigError(f"{path}{where}: invalid YAML: {problem}") from err
        except RecursionError as err:
            raise ConfigError(f"{path}: invalid YAML: nested too deeply") from err
        if loaded is None:
            loaded = {}
        if not isinstance(loaded, dict):
            raise ConfigError(f"{path}: the config must be a mapping of keys to values")
        raw = loaded
        lines = key_lines(text, path)
    values = _coerce({**raw, **{k: v for k, v in (overrides or {}).items() if v is not None}},
                     path, lines)
    return SiteConfig(root=root, config_path=path, **values)


def _coerce(raw: dict[str, Any], path: Path | None,
            lines: dict[str, int] | None = None) -> dict[str, Any]:
    """Raw YAML values -> typed SiteConfig fields; unknown keys and bad values are errors
    that name the file, the line and the key as it was written."""
    at = where_in(path, lines or {})
    out: dict[str, Any] = {}
    for written, value in raw.items():
        name = str(written)
        key = _KEY_ALIASES.get(name, name)
        where = at(name)
        if key not in _ACCEPTED:
            raise unknown_key(where, name, DOCUMENTED_KEYS)
        if key == "topics":
            out.update(_coerce_topics(value, at))
        elif key in _PATH_KEYS:
            out[key] = None if value is None else Path(expect(value, str | Path, name, where))
        elif key == "sources":
            out[key] = parse_sources(value, path)
        elif key == "promo_patterns":
            out[key] = patterns_of(value, name, where)
        elif key == "default_topic":
            out[key] = text_of(value, name, where).strip()
        elif key == "future":  # (unset is None: the site's policy)
            if not isinstance(value, bool):
                raise ConfigError(f"{where}: {name} must be true or false, not {value!r}")
            out[key] = value
        else:
            kind = type(getattr(SiteConfig(), key))
            if kind is int:
                out[key] = count_of(value, name, where)
            elif kind is bool:
                if not isinstance(value, bool):
                    raise ConfigError(f"{where}: {name} must be true or false, not {value!r}")
                out[key] = value
            else:
                out[key] = text_of(value, name, where, empty=True)
    if out.get("language"):
        out["language"] = check_language(out["language"], at(_written(raw, "language")))
    if out.get("markdown", "commonmark") not in MARKDOWN_ENGINES:
        where = at(_written(raw, "markdown"))
        raise ConfigError(f"{where}: markdown must be one of {', '.join(MARKDOWN_ENGINES)}, "
                          f"not {out['markdown']!r}")
    if out.get("timezone"):  # '' is "not set": the site's zone, else UTC
        where = at(_written(raw, "timezone"))
        try:
            ZoneInfo(out["timezone"])
        except (ZoneInfoNotFoundError, ValueError) as err:
            raise ConfigError(f"{where}: unknown timezone {out['timezone']!r} "
                              "(use an IANA name such as 'Europe/Paris' or 'UTC')") from err
    if out.get("cname"):
        out["cname"] = check_cname(out["cname"], at(_written(raw, "cname")))
        # A custom domain is where the site lives, unless base_url says otherwise.
        if not out.get("base_url"):
            out["base_url"] = f"https://{out['cname']}/"
    if out.get("base_url"):
        out["base_url"] = normalise_base_url(out["base_url"], at(_written(raw, "base_url")))
    return out


def _written(raw: dict[str, Any], key: str) -> str:
    """A field -> the name it was written as in digest.yaml ('lang' for language)."""
    return next((str(k) for k in raw if _KEY_ALIASES.get(str(k), str(k)) == key), key)


# The keys the README documents, what an unknown key's message lists and suggests; the
# field names (content_dir, …) are read too, as they always were, but never suggested.
DOCUMENTED_KEYS = (
    "author", "base_url", "clean_links", "cname", "content", "description", "drafts",
    "excerpt_words", "feed_size", "front_page_days", "furniture", "future", "language",
    "markdown", "max_title_length", "max_topics", "output", "page_size", "promo_patterns",
    "remote_images", "search", "sources", "static", "story_window_days", "templates",
    "timezone", "title", "topics", "words_per_minute")
_ACCEPTED = frozenset({f.name for f in fields(SiteConfig)} | {"topics"}) - {
    "topic_aliases", "topic_rules", "max_rule_topics", "root", "config_path", "site",
    "site_prefix"}


def _coerce_topics(value: Any, at: Callable[[str], str]) -> dict[str, Any]:
    """The `topics:` section: aliases, rules and the fallback topic."""
    section = expect(value or {}, dict, "topics", at("topics"))
    for key in section:
        if key not in TOPICS_KEYS:
            raise unknown_key(at(f"topics.{key}"), str(key), TOPICS_KEYS, "topics")
    out: dict[str, Any] = {}
    where = at("topics.aliases")
    aliases = expect(section.get("aliases") or {}, dict, "topics.aliases", where)
    out["topic_aliases"] = {
        text_of(spelling, "topics.aliases: a spelling", where).strip().casefold():
        text_of(name, f"topics.aliases.{spelling}", at(f"topics.aliases.{spelling}")).strip()
        for spelling, name in aliases.items()}
    rules = expect(section.get("rules") or [], list, "topics.rules", at("topics.rules"))
    out["topic_rules"] = tuple(_rule(rule, f"topics.rules[{i}]", at)
                               for i, rule in enumerate(rules))
    if "max_from_rules" in section:
        out["max_rule_topics"] = count_of(section["max_from_rules"], "topics.max_from_rules",
                                        at("topics.max_from_rules"))
    if section.get("default") is not None:
        out["default_topic"] = text_of(section["default"], "topics.default",
                                     at("topics.default")).strip()
    return out


TOPICS_KEYS = ("aliases", "rules", "default", "max_from_rules")
RULE_KEYS = ("name", "keywords", "min_mentions")


def _rule(rule: Any, key: str, at: Callable[[str], str]) -> TopicRule:
    """One entry of topics.rules: {name, keywords, min_mentions}."""
    for name in rule if isinstance(rule, dict) else ():
        if name not in RULE_KEYS:
            raise unknown_key(at(f"{key}.{name}"), str(name), RULE_KEYS, key)
    if not isinstance(rule, dict) or "name" not in rule or "keywords" not in rule:
        raise ConfigError(f"{at(key)}: {key} needs a name and a list of keywords, "
                          "such as {name: Chips, keywords: [Nvidia, GPU], min_mentions: 2}")
    keywords = rule["keywords"]
    if isinstance(keywords, str | int | float) and not isinstance(keywords, bool):
        keywords = [keywords]  # one keyword
    keywords = expect(keywords, list, f"{key}.keywords", at(f"{key}.keywords"))
    if not keywords:
        raise ConfigError(f"{at(f'{key}.keywords')}: {key}.keywords must list at least one "
                          "keyword")
    return TopicRule(
        name=text_of(rule["name"], f"{key}.name", at(f"{key}.name")).strip(),
        keywords=tuple(text_of(k, f"{key}.keywords[{i}]", at(f"{key}.keywords[{i}]"))
                       for i, k in enumerate(keywords)),
        min_mentions=count_of(rule.get("min_mentions", 2), f"{key}.min_mentions",
                            at(f"{key}.min_mentions")))


def find_config(start: Path) -> Path | None:
    candidate = start / CONFIG_NAME
    return candidate if candidate.is_file() else None


def with_overrides(config: SiteConfig, **changes: Any) -> SiteConfig:
    return replace(config, **{k: v for k, v in changes.items() if v is not None})
