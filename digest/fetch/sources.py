"""The `sources:` list of digest.yaml -> checked Source values (errors name file, key, fix)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from digest.errors import ConfigError, unknown_key

SOURCE_KEYS = ("name", "feed", "topics", "include", "exclude")
_EXAMPLE = ("sources:\n  - name: Example Wire\n    feed: https://example.org/feed.xml\n"
            "    topics: [AI]")


@dataclass(frozen=True)
class Source:
    """One feed to pull: its name (the articles' source), URL and filters."""

    name: str
    feed: str
    topics: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    @property
    def slug(self) -> str:
        """The folder its articles go in: 'Example Wire' -> 'example-wire'."""
        return slugify(self.name)

    def wants(self, text: str) -> bool:
        """Does an entry with this title + text pass the include/exclude filters?"""
        folded = text.casefold()
        if self.include and not any(_mentions(folded, word) for word in self.include):
            return False
        return not any(_mentions(folded, word) for word in self.exclude)


def _mentions(folded: str, word: str) -> bool:
    """Whole-word, case-blind mention of `word` in already case-folded text."""
    return re.search(rf"(?<!\w){re.escape(word.casefold())}(?!\w)", folded) is not None


def slugify(text: str, max_length: int = 80) -> str:
    """'Meta’s AI: the race!' -> 'metas-ai-the-race'; never empty, never a path."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = re.sub(r"['’`]", "", ascii_text.lower())
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug or "untitled"


def parse_sources(raw: Any, config_file: Path | str | None) -> tuple[Source, ...]:
    """The raw YAML value of `sources` -> Sources; a wrong shape raises ConfigError."""
    where = str(config_file) if config_file else "config"
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ConfigError(f"{where}: sources must be a list of feeds, not {raw!r}; "
                          f"write it as:\n{_EXAMPLE}")
    sources = [_source(item, f"sources[{i}]", where) for i, item in enumerate(raw)]
    seen: dict[str, int] = {}
    for i, source in enumerate(sources):
        for key, value in (("name", source.name.casefold()), ("slug", source.slug)):
            first = seen.setdefault(f"{key}:{value}", i)
            if first != i:
                raise ConfigError(f"{where}: sources[{i}].name {source.name!r} is the same "
                                  f"{'name' if key == 'name' else 'folder name'} as "
                                  f"sources[{first}]; give each source its own name")
    return tuple(sources)


def _source(item: Any, key: str, where: str) -> Source:
    """One entry of `sources`: {name, feed, topics?, include?, exclude?}."""
    if not isinstance(item, dict):
        raise ConfigError(f"{where}: {key} must be a mapping such as "
                          f"{{name: Example Wire, feed: https://example.org/feed.xml}}, "
                          f"not {item!r}")
    for name in item:
        if name not in SOURCE_KEYS:
            raise unknown_key(where, str(name), SOURCE_KEYS, key)
    for needed in ("name", "feed"):
        if needed not in item:
            raise ConfigError(f"{where}: {key} needs a {needed}, as in\n{_EXAMPLE}")
    name = _text(item["name"], f"{key}.name", where)
    feed = _text(item["feed"], f"{key}.feed", where)
    parts = urlsplit(feed)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ConfigError(f"{where}: {key}.feed must be an http(s) URL such as "
                          f"'https://example.org/feed.xml', not {feed!r}")
    return Source(name=name, feed=feed,
                  topics=_words(item.get("topics"), f"{key}.topics", where),
                  include=_words(item.get("include"), f"{key}.include", where),
                  exclude=_words(item.get("exclude"), f"{key}.exclude", where))


def _text(value: Any, key: str, where: str) -> str:
    """Non-empty text (a number reads as text); anything else is a ConfigError."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        hint = " (put it in quotes)" if isinstance(value, bool) else ""
        raise ConfigError(f"{where}: {key} must be text, not {value!r}{hint}")
    text = str(value).strip()
    if not text:
        raise ConfigError(f"{where}: {key} must not be empty")
    return text


def _words(value: Any, key: str, where: str) -> tuple[str, ...]:
    """A list of words (or one word, or comma-separated text) -> a tuple of non-empty text."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = [part for part in value.split(",") if part.strip()]
    if not isinstance(value, list):
        raise ConfigError(f"{where}: {key} must be a list such as [AI, Chips], not {value!r}")
    return tuple(_text(word, f"{key}[{i}]", where) for i, word in enumerate(value))

