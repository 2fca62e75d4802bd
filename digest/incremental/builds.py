"""The build cache as build() consults it: a few named questions, each 'nothing known' when
the cache is off.

- scan: the content folder's files and the key of each one's bytes;
- already_built: the last build's result, when nothing it read has changed;
- parsed / remember: the parsed article for these bytes;
- page_keys, old_pages, key_memo: what decides whether a page's bytes are unchanged;
- may_patch, spare: whether the output is as the last build left it, and its spare copy;
- save: what this build learnt, for the next one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import Any

from jinja2 import TemplateError

from ..config import SiteConfig
from ..model import Article
from ..output.assemble import SPARE
from ..output.manifest import MANIFEST, WriteResult, read_manifest
from ..output.records import intact
from ..output.static import read_static
from ..results import BuildResult
from ..site.render import shared_environment
from ..stories.blocks import StoryMemo
from ..stories.related_memo import RelatedMemo
from .cache import Cache, Entry, cache_folder, code_fingerprint, parse_fingerprint
from .keys import KeyMemo
from .scan import Scan, scan_sources
from .templates import compiled_templates


class BuildCache:
    """One build's view of `.digest-cache/`; with the cache off, every answer is 'unknown'."""

    def __init__(self, config: SiteConfig, store: Cache | None) -> None:
        self.config = config
        self.store = store
        # Templates, static files and config as they are before this build reads them. Taken
        # at the end, a template saved during the build would be recorded as built, and
        # the rebuild its save asks for would find nothing to do.
        self.settings = _settings_key(config) if store is not None else ""
        self.inputs = ""
        self._stories: StoryMemo | None = None

    @classmethod
    def open(cls, config: SiteConfig, enabled: bool) -> BuildCache:
        """The cache of this config's site, or a null one."""
        store = Cache.open(cache_folder(config), parse_fingerprint(config)) if enabled else None
        try:
            return cls(config, store)
        except BaseException:
            if store is not None:
                store.close()
            raise

    def __enter__(self) -> BuildCache:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self.store is not None:
            self.store.close()

    def also_read(self, key: str) -> None:
        """Something else the build reads, by a key (the git commit of the feeds' entry
        times): when it changes, the build is not 'already built'."""
        if self.store is not None and key:
            self.settings = hashlib.sha256(f"{self.settings}|{key}".encode()).hexdigest()

    def scan(self, changed: Collection[Path] | None) -> Scan:
        """The content folder's files, with the key of each one's bytes when caching."""
        return scan_sources(self.config, self.store, changed)

    def already_built(self, scan: Scan, changed: Collection[Path] | None,
                      now: datetime) -> BuildResult | None:
        """The last build's result when nothing it read has changed and its output is intact."""
        if self.store is None or changed is not None:  # told of a change: not worth asking
            return None
        self.inputs = _inputs_key(self.settings, scan)
        done = _already_built(self.store, self.inputs, self.config, now)
        if done is not None:
            self.store.save_files()  # what it learnt about the files' hashes
        return done

    def parsed(self, keys: Iterable[str]) -> dict[str, Entry]:
        """The parsed article (and its problems) for each of these file keys it knows."""
        return self.store.entries(keys) if self.store is not None else {}

    def remember(self, key: str, entry: Entry) -> None:
        """Keep a file's parsed article under the key of its bytes."""
        if self.store is not None:
            self.store.add(key, entry)

    def page_keys(self, keys: dict[str, str]) -> dict[str, str] | None:
        """{article path: file key} for the page keys, or None: render every page."""
        return keys if self.store is not None else None

    def old_pages(self) -> dict[str, Any]:
        """The page keys the last build wrote: a page whose key is unchanged is not rendered."""
        return self.store.pages() if self.store is not None else {}

    def key_memo(self) -> KeyMemo | None:
        """The page-key memo this process keeps from one build to the next."""
        if self.store is None:
            return None
        memo = self.store.recall("keys") or KeyMemo()
        self.store.keep("keys", memo)
        return memo

    def story_memo(self) -> StoryMemo | None:
        """What the last build's story clustering found (stories.blocks), or None."""
        if self.store is None:
            return None
        memo = self.store.value("stories")
        if not isinstance(memo, StoryMemo):
            memo = StoryMemo()
        self._stories = memo
        return memo

    def kept(self, name: str, made: Callable[[], Any]) -> Any:
        """What the last build of this process kept under this name (`made()` in a new
        process, and kept for the next build), or None with the cache off."""
        if self.store is None:
            return None
        value = self.store.recall(name)
        if value is None:
            value = made()
            self.store.keep(name, value)
        return value

    def related_memo(self) -> RelatedMemo | None:
        """The related reading this process kept from its last build (the live preview's:
        one build has no next to keep it for), or None."""
        if self.store is None:
            return None
        memo = self.store.recall("related")
        if not isinstance(memo, RelatedMemo):
            memo = RelatedMemo()
            self.store.keep("related", memo)
        return memo

    def may_patch(self) -> bool:
        """Whether the output's manifest is the one the last build with this cache wrote: a
        patch goes only into the site the last build left, not after another process (a
        `digest build` between two rebuilds of the preview) wrote it since."""
        return self.store is not None and _left_as_built(self.store, self.config)

    def spare(self) -> Path | None:
        """The folder where the site a swap replaces is kept for the next build."""
        return cache_folder(self.config) / SPARE if self.store is not None else None

    def save(self, keys: Mapping[str, str], pages: Any, scan: Scan, articles: list[Article],
             result: BuildResult, now: datetime) -> None:
        """What this build read and wrote, for the next build to know."""
        if self.store is None:
            return
        self.store.save(set(keys.values()), pages)
        if self._stories is not None and self._stories.changed:
            self._stories.changed = False
            self.store.set_value("stories", self._stories)
        inputs = self.inputs or _inputs_key(self.settings, scan)
        self.store.set_last_build(_LastBuild(inputs, now.timestamp(),
                                             _valid_until(articles, now),
                                             _manifest_hash(self.config), _summary(result)))


@dataclass(frozen=True)
class _LastBuild:
    """What a build left behind, to tell the next one that there is nothing to do."""

    inputs: str  # key of everything the build read
    now: float  # its clock…
    valid_until: float  # …and the moment an article's date would change what it shows
    manifest: str  # hash of the manifest it wrote
    summary: dict[str, Any]  # BuildResult fields for the report


_SUMMARY_FIELDS = ("articles_read", "articles_built", "drafts_skipped", "future_skipped",
                   "undated", "problems", "pages", "feeds", "atom_feeds", "feed_undated",
                   "sitemap_urls", "link_problems", "warnings", "not_articles")


def _summary(result: BuildResult) -> dict[str, Any]:
    return {name: getattr(result, name) for name in _SUMMARY_FIELDS}


def _settings_key(config: SiteConfig) -> str:
    """What a build reads besides the articles: code, config, templates, static files."""
    try:
        _, templates = shared_environment(
            config, partial(compiled_templates, cache_folder(config) / "templates"))
    except TemplateError:
        templates = "unreadable"
    digest = hashlib.sha256(f"{code_fingerprint()}|{config!r}|{templates}".encode())
    for rel, data in sorted(read_static(config).items()):
        digest.update(f"|{rel}|{hashlib.sha256(data).hexdigest()}".encode(errors="surrogateescape"))
    return digest.hexdigest()


def _inputs_key(settings: str, scan: Scan) -> str:
    """Everything a build reads: its settings (_settings_key) and every article file."""
    digest = hashlib.sha256(settings.encode())
    digest.update(repr(sorted(scan.hashed.items())).encode())
    digest.update(repr(sorted(scan.images.items())).encode())
    digest.update(repr(sorted(scan.unreadable.items()) + scan.problems).encode())
    return digest.hexdigest()


def _valid_until(articles: list[Article], now: datetime) -> float:
    """When the clock next changes a result: an article stops being in the future, or
    comes within the day before its date (the 'in the future' warning)."""
    moments = [moment for a in articles if a.published is not None
               for moment in (a.published.timestamp() - 86400, a.published.timestamp())
               if moment > now.timestamp()]
    return min(moments, default=float("inf"))


def _manifest_hash(config: SiteConfig) -> str:
    try:
        data = (config.resolve(config.output_dir) / MANIFEST).read_bytes()
    except OSError:
        return ""
    return hashlib.sha256(data).hexdigest()


def _left_as_built(store: Cache, config: SiteConfig) -> bool:
    """Whether the output's manifest is the one the last build with this cache wrote."""
    last = store.last_build()
    return isinstance(last, _LastBuild) and bool(last.manifest) and \
        _manifest_hash(config) == last.manifest


def _already_built(store: Cache, inputs: str, config: SiteConfig,
                   now: datetime) -> BuildResult | None:
    """The last build's result when nothing it read has changed and its output is intact."""
    last = store.last_build()
    if not isinstance(last, _LastBuild) or last.inputs != inputs:
        return None
    if not last.now <= now.timestamp() < last.valid_until:
        return None
    output = config.resolve(config.output_dir)
    if not last.manifest or _manifest_hash(config) != last.manifest:
        return None
    manifest = read_manifest(output) or {}
    if not intact(output, manifest, cache_folder(config) / SPARE):  # edited, truncated, gone
        return None
    result = BuildResult(**{k: list(v) if isinstance(v, list) else v
                            for k, v in last.summary.items()})
    result.write = WriteResult(unchanged=len(manifest))
    return result
