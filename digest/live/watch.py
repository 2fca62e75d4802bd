"""Watch the site's inputs and call back once per burst of changes. No build logic here.

watchdog reports raw file events; `classify` (pure) says what kind of input each one
touches; a `Debounce` (pure, clock injected) turns a burst of them into one batch; the
`Watcher` (the I/O shell) wires the two to watchdog and a thread that calls `on_change`.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from fnmatch import fnmatch
from pathlib import Path, PurePath
from typing import Any

from ..config import DEBOUNCE, SiteConfig
from ..read.files import ARTICLE_SUFFIXES, LITTER_PATTERNS, shown_name
from ..read.sites import CONFIG_FILES
from ..site.images import IMAGE_SUFFIXES

# What editors, VCSs and operating systems write next to the real files (vim's
# "4913" probe, swap files, hidden folders such as .git), on top of what load skips.
LITTER = (*LITTER_PATTERNS, ".*", "*.swx", "*.part", "4913", "__pycache__", "*.pyc",
          "Thumbs.db", "desktop.ini")
DEFAULT_DELAY = DEBOUNCE  # seconds of quiet that end a burst
MAX_WAIT = 2.0  # a stream of changes that never pauses still rebuilds this often


class Kind(Enum):
    """What an input change means for the site; ordered from most to least sweeping."""

    CONFIG = "config"
    TEMPLATE = "template"
    STATIC = "static"
    ARTICLE = "article"
    IMAGE = "image"  # in the content folder: an article's lead image
    IGNORED = "ignored"


@dataclass(frozen=True)
class Targets:
    """The inputs of one site: what to watch and how to tell them apart."""

    content: Path
    output: Path
    config: Path | None = None
    templates: Path | None = None
    static: Path | None = None
    root: Path | None = None  # watched on its own, not recursively: digest.yaml, new folders

    def folders(self) -> list[tuple[Path, bool]]:
        """(folder, recursive) pairs that exist and should be watched, outermost first."""
        wanted: list[tuple[Path, bool]] = []
        for folder in (self.content, self.templates, self.static):
            if folder is not None and folder.is_dir():
                wanted.append((folder, True))
        # (the content folder's parent: where a Hugo, Jekyll or Pelican site's config is)
        for folder in (self.root, self.config.parent if self.config else None,
                       self.content.parent):
            if folder is not None and folder.is_dir() and not any(
                    folder.is_relative_to(f) for f, recursive in wanted if recursive):
                wanted.append((folder, False))
        return sorted(set(wanted))


def site_targets(config: SiteConfig) -> Targets:
    """A site's config -> its inputs, as absolute paths (watchdog reports them so)."""
    def folder(path: Path | None, default: str) -> Path:
        return (config.resolve(path) if path else config.root / default).resolve()

    return Targets(
        content=config.resolve(config.content_dir).resolve(),
        output=config.resolve(config.output_dir).resolve(),
        config=config.config_path.resolve() if config.config_path else None,
        templates=folder(config.templates_dir, "templates"),
        static=folder(config.static_dir, "static"),
        root=config.root.resolve(),
    )


@dataclass(frozen=True)
class Change:
    kind: Kind
    path: Path
    folder: bool = False  # the event was about a folder (and so about all inside it)


def classify(path: PurePath, targets: Targets, is_dir: bool = False) -> Kind:
    """An input path -> the kind of change it makes (IGNORED for output, litter, others)."""
    if _inside(path, targets.output):
        return Kind.IGNORED
    if targets.config is not None and path == targets.config:
        return Kind.CONFIG
    if _litter(path, targets):
        return Kind.IGNORED
    if path.name in CONFIG_FILES and path.parent in (targets.content, targets.content.parent):
        return Kind.CONFIG  # a Hugo, Jekyll or Pelican site's own (read.files.find_site)
    for kind, folder in ((Kind.TEMPLATE, targets.templates), (Kind.STATIC, targets.static)):
        if folder is not None and _inside(path, folder):
            return kind
    # A folder that goes away or moves takes its articles with it.
    if not _inside(path, targets.content):
        return Kind.IGNORED
    if is_dir or path == targets.content or path.suffix.lower() in ARTICLE_SUFFIXES \
            or path.suffix == ".yaml":  # a sidecar (digest.read.sidecar), or may become one
        return Kind.ARTICLE
    return Kind.IMAGE if path.suffix.lower() in IMAGE_SUFFIXES else Kind.IGNORED


def changed_files(changes: Sequence[Change]) -> frozenset[Path] | None:
    """The content files a batch names, when files in the content folder are all it names
    (the build then looks at just those); None when the build must look at everything: a
    folder came or went, or a template, static file or the config changed."""
    if not changes or any(c.folder or c.kind not in (Kind.ARTICLE, Kind.IMAGE)
                          for c in changes):
        return None
    return frozenset(c.path for c in changes)


def _inside(path: PurePath, folder: Path) -> bool:
    return path == folder or path.is_relative_to(folder)


def _litter(path: PurePath, targets: Targets) -> bool:
    """Editor backups, swap files, hidden files and anything in a hidden folder (.git)."""
    base = next((f for f in (targets.templates, targets.static, targets.content, targets.root)
                 if f is not None and path.is_relative_to(f)), None)
    parts = path.relative_to(base).parts if base is not None else (path.name,)
    return any(fnmatch(part, pattern) for part in parts for pattern in LITTER)


def describe(changes: Sequence[Change], root: Path | None = None) -> str:
    """Changes -> 'seeds/a.md' or '3 articles, 1 template' for the terminal line."""
    if not changes:
        return "start"
    if len(changes) == 1:
        return _shown(changes[0].path, root)
    counts = {kind: sum(1 for c in changes if c.kind is kind) for kind in Kind}
    return ", ".join(f"{n} {_NOUNS[kind]}{'s' * (n != 1)}" for kind, n in counts.items() if n)


_NOUNS = {Kind.CONFIG: "config file", Kind.TEMPLATE: "template", Kind.STATIC: "static file",
          Kind.ARTICLE: "article", Kind.IMAGE: "image", Kind.IGNORED: "other file"}


def _shown(path: Path, root: Path | None) -> str:
    if root is not None and path.is_relative_to(root):
        return shown_name(path.relative_to(root).as_posix())
    return shown_name(str(path))


@dataclass
class Debounce:
    """Collects changes until `delay` seconds pass without one (or `max_wait` since the
    first), then hands them over as one batch. Pure: the caller passes the time."""

    delay: float = DEFAULT_DELAY
    max_wait: float = MAX_WAIT
    pending: dict[Path, Change] = field(default_factory=dict)
    first: float | None = None
    last: float | None = None

    def add(self, change: Change, now: float) -> None:
        old = self.pending.get(change.path)
        if old is not None and old.folder and not change.folder:
            change = replace(change, folder=True)  # once a folder, the whole of it counts
        self.pending[change.path] = change
        self.first = now if self.first is None else self.first
        self.last = now

    def wait(self, now: float) -> float | None:
        """Seconds until the batch is due (0: now), or None when nothing is pending."""
        if self.first is None or self.last is None:
            return None
        due = min(self.last + self.delay, self.first + self.max_wait)
        return max(0.0, due - now)

    def take(self, now: float) -> list[Change] | None:
        """The batch if it is due (and start afresh), else None."""
        if self.wait(now) != 0.0:
            return None
        batch = sorted(self.pending.values(), key=lambda c: (list(Kind).index(c.kind), c.path))
        self.pending, self.first, self.last = {}, None, None
        return batch


class Watcher:
    """watchdog -> classify -> Debounce -> on_change(batch), on a thread of its own.

    `on_change` runs on the watcher's thread, one batch at a time; changes that arrive
    while it runs are collected into the next batch, so a rebuild is never stale.
    """

    def __init__(self, targets: Targets, on_change: Callable[[list[Change]], None], *,
                 delay: float = DEFAULT_DELAY, poll: bool = False,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.targets = targets
        self.on_change = on_change
        self.debounce = Debounce(delay=delay)
        self.poll = poll
        self.clock = clock
        self._lock = threading.Condition()
        self._stopping = False
        self._observer: Any = None
        self._watches: dict[tuple[Path, bool], Any] = {}
        self._thread = threading.Thread(target=self._run, name="digest-watch", daemon=True)

    def start(self) -> None:
        # Imported here so `digest build` never pays for (or needs) watchdog.
        from watchdog.observers import Observer
        from watchdog.observers.polling import PollingObserver

        self._observer = PollingObserver(timeout=0.5) if self.poll else Observer()
        self._schedule(self.targets)
        self._observer.start()
        self._thread.start()

    def retarget(self, targets: Targets) -> None:
        """Watch another set of inputs (the config moved the content folder, say)."""
        with self._lock:
            self.targets = targets
        if self._observer is not None:
            self._schedule(targets)

    def _schedule(self, targets: Targets) -> None:
        from watchdog import events

        # Only the events that can change an input: a build opens and reads every
        # article, and hearing about each of those reads would cost time on every build.
        # A folder's "modified" only says that something inside changed, and that
        # something has an event of its own.
        wanted_events = [events.FileCreatedEvent, events.DirCreatedEvent,
                         events.FileModifiedEvent, events.FileClosedEvent,
                         events.FileMovedEvent, events.DirMovedEvent,
                         events.FileDeletedEvent, events.DirDeletedEvent]
        wanted = targets.folders()
        for key in [k for k in self._watches if k not in wanted]:
            self._observer.unschedule(self._watches.pop(key))
        handler = _Handler(self)
        for folder, recursive in wanted:
            if (folder, recursive) not in self._watches:
                self._watches[(folder, recursive)] = self._observer.schedule(
                    handler, str(folder), recursive=recursive, event_filter=wanted_events)

    def stop(self) -> None:
        """Stop watching at once; a batch that is running finishes on its own daemon thread."""
        with self._lock:
            self._stopping = True
            self._lock.notify_all()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=2)
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=0.5)

    def add(self, paths: Iterable[tuple[str, bool]]) -> None:
        """Raw (path, is_dir) events -> pending changes (what the watchdog handler calls)."""
        with self._lock:
            now = self.clock()
            added = False
            for raw, is_dir in paths:
                path = Path(raw)
                kind = classify(path, self.targets, is_dir)
                if kind is not Kind.IGNORED:
                    self.debounce.add(Change(kind, path, is_dir), now)
                    added = True
            if added:
                self._lock.notify_all()

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._stopping:
                    wait = self.debounce.wait(self.clock())
                    if wait == 0.0:
                        break
                    self._lock.wait(timeout=wait)  # None: sleep until an event comes
                if self._stopping:
                    return
                batch = self.debounce.take(self.clock())
            if batch:
                try:
                    self.on_change(batch)
                except Exception:  # a bug in one rebuild must not end the watching
                    traceback.print_exc()


class _Handler:
    """The watchdog event handler: hands every path an event names to the Watcher."""

    def __init__(self, watcher: Watcher) -> None:
        self.watcher = watcher

    def dispatch(self, event: Any) -> None:
        paths = [(_text(event.src_path), event.is_directory)]
        if getattr(event, "dest_path", ""):
            paths.append((_text(event.dest_path), event.is_directory))
        self.watcher.add(paths)


def _text(path: str | bytes) -> str:
    return path.decode(errors="surrogateescape") if isinstance(path, bytes) else path
