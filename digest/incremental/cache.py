"""I/O: the build cache in `.digest-cache/`: parsed articles by content, and page input keys.

A parsed article is stored under the sha256 of its file's bytes and its path (the file
name can give the title and date), so an unchanged file is never parsed or rendered
from Markdown again, whatever its mtime says. The whole store belongs to one
*fingerprint* (cache format, the code of the package, the config fields that parsing
reads); a different fingerprint empties it. For every output page it also keeps the key
of the page's inputs and the hash of the bytes written, so a page whose inputs did not
change is carried over from the previous site instead of being rendered again.

The store is one SQLite file: every write is a transaction, so a crash never leaves half
a cache, and a file that is not a readable database is deleted and rebuilt. A second layer
in memory lets a long-running process (the live-preview server) skip even the disk.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from .. import __version__
from ..config import SiteConfig
from ..model import Article, Problem

CACHE_DIR = ".digest-cache"
CACHE_FILE = "cache.sqlite"
FORMAT = 2  # bump when the layout of the database changes

Entry = tuple[Article | None, list[Problem]]  # what read_source + normalise made of one file

# Config fields that only matter after parsing (grouping, rendering, writing). Every
# other field, including any added later, is part of the fingerprint: a new option that
# changes parsing empties the cache by default instead of serving stale articles.
_NOT_READ_BY_PARSING = frozenset({
    "title", "description", "base_url", "language", "author", "content_dir", "output_dir",
    "templates_dir", "static_dir", "page_size", "front_page_days", "feed_size", "drafts",
    "clean_links", "remote_images", "cname", "topic_aliases", "root", "config_path",
    "sources",  # what `digest fetch` pulls; a build never reads it
})


@functools.cache  # the code cannot change under a running process: read it once, not per build
def code_fingerprint() -> str:
    """The package's version and the bytes of its modules: a changed parser empties the cache."""
    digest = hashlib.sha256(f"{FORMAT}:{__version__}".encode())
    package = Path(__file__).resolve().parents[1]
    for module in sorted(package.rglob("*.py")):
        digest.update(module.relative_to(package).as_posix().encode())
        digest.update(module.read_bytes())
    return digest.hexdigest()


def parse_fingerprint(config: SiteConfig) -> str:
    """Code + the config fields that parsing reads -> the key the article store belongs to."""
    relevant = [(f.name, repr(getattr(config, f.name))) for f in fields(config)
                if f.name not in _NOT_READ_BY_PARSING]
    return hashlib.sha256(f"{code_fingerprint()}:{relevant!r}".encode()).hexdigest()


def entry_key(rel: str, sha256: str) -> str:
    """A file's path and hash -> its key in the store. A name that is not UTF-8 (Python
    keeps its bad bytes as lone surrogates, which SQLite cannot store) is keyed by its
    bytes in hex, after a '/' where other keys have a ':', so no two names share a key."""
    if storable(rel):
        return f"{sha256}:{rel}"
    return f"{sha256}/{os.fsencode(rel).hex()}"


def paired_sha(sha256: str, sidecar: str, sidecar_sha: str) -> str:
    """An article's hash and its sidecar's path and hash -> the one hash its parse is kept
    under: editing, adding or removing only the sidecar parses the article again."""
    return hashlib.sha256(f"{sha256}|{sidecar}|{sidecar_sha}".encode(
        errors="surrogateescape")).hexdigest()


def storable(text: str) -> bool:
    """Can SQLite store this text (no lone surrogates from a file name that is not UTF-8)?"""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def cache_folder(config: SiteConfig) -> Path:
    """`.digest-cache/` beside digest.yaml, or in the folder the build runs from."""
    return config.root / CACHE_DIR


@dataclass
class _Memory:
    """What the last build in this process read or wrote, for the next one."""

    fingerprint: str = ""
    entries: dict[str, Entry] = field(default_factory=dict)
    pages: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    files: dict[str, tuple[str, str]] | None = None  # rel -> (stat key, sha256)
    last: Any = None  # what the last build left for the next (see incremental/builds._LastBuild)
    kept: dict[str, Any] = field(default_factory=dict)  # see Cache.keep
    values: dict[str, Any] = field(default_factory=dict)  # see Cache.value


_MEMORY: dict[Path, _Memory] = {}


class Cache:
    """The article store and the page keys of one site; open with `Cache.open`."""

    def __init__(self, folder: Path, fingerprint: str, db: sqlite3.Connection | None) -> None:
        self.folder = folder
        self.fingerprint = fingerprint
        self._db = db
        memory = _MEMORY.get(folder)
        if memory is None or memory.fingerprint != fingerprint:
            memory = _MEMORY[folder] = _Memory(fingerprint)
        self._memory = memory
        self._new: dict[str, Entry] = {}
        self._stored_files: dict[str, tuple[str, str]] | None = (
            dict(memory.files) if memory.files is not None else None)

    @classmethod
    def open(cls, folder: Path, fingerprint: str) -> Cache:
        """Open (or create) the store; an unusable file is replaced, an unwritable one skipped."""
        folder = folder.absolute()
        try:
            db = _connect(folder, fingerprint)
        except (sqlite3.DatabaseError, OSError):
            for name in (CACHE_FILE, f"{CACHE_FILE}-wal", f"{CACHE_FILE}-shm"):
                with contextlib.suppress(OSError):
                    (folder / name).unlink()
            try:
                db = _connect(folder, fingerprint)
            except (sqlite3.DatabaseError, OSError):
                db = None  # a read-only checkout: build without the disk cache
        return cls(folder, fingerprint, db)

    def entries(self, keys: Iterable[str]) -> dict[str, Entry]:
        """The cached entries for these keys (a damaged one counts as missing)."""
        wanted = set(keys)
        found = {k: self._memory.entries[k] for k in wanted if k in self._memory.entries}
        missing = wanted - found.keys()
        if missing and self._db is not None:
            with contextlib.suppress(sqlite3.DatabaseError):  # a damaged file: parse again
                for key, blob in self._rows(missing):
                    if key in missing:
                        with contextlib.suppress(Exception):  # any damage: parse the file again
                            found[key] = _checked(pickle.loads(blob))
        self._memory.entries.update(found)
        return found

    def _rows(self, keys: set[str]) -> Iterable[tuple[str, bytes]]:
        """The stored rows for these keys: looked up one by one when they are few (the
        server after an edit), read in one pass when they are many (a new process)."""
        assert self._db is not None
        if len(keys) > 1000:
            yield from self._db.execute("SELECT key, value FROM articles")
            return
        ordered = sorted(keys)
        for start in range(0, len(ordered), 500):
            batch = ordered[start:start + 500]
            yield from self._db.execute(
                f"SELECT key, value FROM articles WHERE key IN ({','.join('?' * len(batch))})",
                batch)

    def known_hash(self, rel: str, stat: os.stat_result) -> str | None:
        """The sha256 of a file that has not changed since it was hashed, as git's index
        knows it: same size, inode, mtime and ctime (which no tool can set back)."""
        files = self._files()
        known = files.get(rel)
        return known[1] if known is not None and known[0] == _stat_key(stat) else None

    def remember_hash(self, rel: str, stat: os.stat_result, sha256: str) -> None:
        """Remember a file's hash, unless it changed too recently to trust its times (or
        its name cannot be stored: then it is hashed again every build)."""
        if stat.st_ctime_ns < time.time_ns() - 2_000_000_000 and storable(rel):
            self._files()[rel] = (_stat_key(stat), sha256)

    def forget_files_but(self, rels: set[str]) -> None:
        files = self._files()
        for rel in [r for r in files if r not in rels]:
            del files[rel]

    def _files(self) -> dict[str, tuple[str, str]]:
        if self._memory.files is None:
            self._memory.files = {}
            if self._db is not None:
                with contextlib.suppress(sqlite3.DatabaseError):
                    self._memory.files = {rel: (stat, sha) for rel, stat, sha in
                                          self._db.execute("SELECT rel, stat, sha FROM files")}
            self._stored_files = dict(self._memory.files)
        return self._memory.files

    def recall(self, name: str) -> Any:
        """What `keep` kept under this name in this process (None in a new one)."""
        return self._memory.kept.get(name)

    def keep(self, name: str, value: Any) -> None:
        """Keep a value for the next build of this site in this process (the live preview):
        the last scan of the content folder, the last keys. Never written to disk; gone
        when the fingerprint changes."""
        self._memory.kept[name] = value

    def last_build(self) -> Any:
        """What set_last_build stored (None when there is nothing, or it is damaged)."""
        if self._memory.last is not None or self._db is None:
            return self._memory.last
        with contextlib.suppress(Exception):  # damaged: as if there were no last build
            row = self._db.execute("SELECT value FROM meta WHERE name = 'last'").fetchone()
            self._memory.last = pickle.loads(row[0]) if row else None
        return self._memory.last

    def set_last_build(self, value: Any) -> None:
        self._memory.last = value
        if self._db is not None:
            with contextlib.suppress(sqlite3.DatabaseError), self._db:
                self._db.execute("INSERT OR REPLACE INTO meta VALUES ('last', ?)",
                                 (pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL),))

    def value(self, name: str) -> Any:
        """What set_value stored under this name (None when nothing, or damaged)."""
        if name in self._memory.values or self._db is None:
            return self._memory.values.get(name)
        found = None
        with contextlib.suppress(Exception):  # damaged: as if nothing were stored
            row = self._db.execute("SELECT value FROM meta WHERE name = ?",
                                   (f"value:{name}",)).fetchone()
            found = pickle.loads(row[0]) if row else None
        self._memory.values[name] = found
        return found

    def set_value(self, name: str, value: Any) -> None:
        """Store a value for the next build (in this process and on disk)."""
        self._memory.values[name] = value
        if self._db is not None:
            with contextlib.suppress(sqlite3.DatabaseError), self._db:
                self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                                 (f"value:{name}",
                                  pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)))

    def add(self, key: str, entry: Entry) -> None:
        self._new[key] = entry
        self._memory.entries[key] = entry

    def pages(self) -> dict[str, tuple[str, str, str]]:
        """{output file: (input key, hash of the bytes written, its link problems as JSON)}
        of the last build."""
        if self._memory.pages or self._db is None:
            return dict(self._memory.pages)
        try:
            rows = self._db.execute("SELECT file, input, hash, links FROM pages").fetchall()
        except sqlite3.DatabaseError:
            return {}
        self._memory.pages = {file: (key, digest, links) for file, key, digest, links in rows}
        return dict(self._memory.pages)

    def save(self, used: set[str], pages: dict[str, tuple[str, str, str]]) -> None:
        """Store the new entries and this build's page keys; forget entries no file uses."""
        memory = self._memory
        memory.entries = {k: v for k, v in memory.entries.items() if k in used}
        old_pages, memory.pages = memory.pages, dict(pages)
        if self._db is None:
            return
        try:
            with self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO articles (key, value) VALUES (?, ?)",
                    ((k, pickle.dumps(v, protocol=pickle.HIGHEST_PROTOCOL))
                     for k, v in self._new.items()))  # one at a time: no second copy
                stored = self._db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
                if stored > len(used):
                    self._db.execute("CREATE TEMP TABLE IF NOT EXISTS used (key TEXT PRIMARY KEY)")
                    self._db.execute("DELETE FROM used")
                    self._db.executemany("INSERT INTO used VALUES (?)", [(k,) for k in used])
                    self._db.execute("DELETE FROM articles WHERE key NOT IN (SELECT key FROM used)")
                self._save_files()
                _store_changes(self._db, "pages", "file", old_pages, pages)
        except sqlite3.DatabaseError:
            memory.pages = {}
        self._new = {}

    def save_files(self) -> None:
        """Store only what was learnt about the files' hashes (a build with nothing to do)."""
        if self._db is not None:
            with contextlib.suppress(sqlite3.DatabaseError), self._db:
                self._save_files()

    def _save_files(self) -> None:
        assert self._db is not None
        files = self._memory.files
        if files is not None:
            _store_changes(self._db, "files", "rel", self._stored_files or {}, files)
            self._stored_files = dict(files)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def _store_changes(db: sqlite3.Connection, table: str, key: str,
                   old: dict[str, tuple[str, ...]], new: dict[str, tuple[str, ...]]) -> None:
    """Make a table whose rows were `old` (keyed by column `key`, its first) hold `new`, writing
    only the rows that differ: after an edit, one or two of 10,000. An empty `old` means
    not known: then the table is written whole."""
    if new == old:
        return
    columns = ", ".join("?" * (1 + len(next(iter(new.values()), ()))))
    if not old:
        db.execute(f"DELETE FROM {table}")
        db.executemany(f"INSERT INTO {table} VALUES ({columns})",
                       [(name, *row) for name, row in new.items()])
        return
    db.executemany(f"DELETE FROM {table} WHERE {key} = ?",
                   [(name,) for name in old if name not in new])
    db.executemany(f"INSERT OR REPLACE INTO {table} VALUES ({columns})",
                   [(name, *row) for name, row in new.items() if old.get(name) != row])


def _connect(folder: Path, fingerprint: str) -> sqlite3.Connection:
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# digest's build cache; safe to delete\n*\n", encoding="utf-8")
    db = sqlite3.connect(folder / CACHE_FILE, timeout=10)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")  # a cache: consistent after a crash is enough
        with db:
            db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BLOB)")
            row = db.execute("SELECT value FROM meta WHERE name = 'fingerprint'").fetchone()
            if row is None or row[0] != fingerprint:  # another version: start afresh
                for table in ("articles", "pages", "files"):
                    db.execute(f"DROP TABLE IF EXISTS {table}")
                db.execute("DELETE FROM meta")
                db.execute("INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)",
                           (fingerprint,))
            db.execute("CREATE TABLE IF NOT EXISTS articles (key TEXT PRIMARY KEY, value BLOB)")
            db.execute("CREATE TABLE IF NOT EXISTS pages "
                       "(file TEXT PRIMARY KEY, input TEXT, hash TEXT, links TEXT)")
            db.execute("CREATE TABLE IF NOT EXISTS files (rel TEXT PRIMARY KEY, stat TEXT, "
                       "sha TEXT)")
    except BaseException:
        db.close()
        raise
    return db


def _stat_key(stat: os.stat_result) -> str:
    return f"{stat.st_size}:{stat.st_ino}:{stat.st_mtime_ns}:{stat.st_ctime_ns}"


def _checked(value: Any) -> Entry:
    """An unpickled value that is not an (Article | None, [Problem]) pair is damage."""
    article, problems = value
    if not (article is None or isinstance(article, Article)) or not isinstance(problems, list):
        raise ValueError("not a cache entry")
    return article, problems
