"""The fetch state (one small JSON file: conditional-GET validators, what fetch wrote and
the hash of each file), dedup lookups, and writes that never clobber a person's file."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STATE_NAME = ".digest-fetch.json"
STATE_VERSION = 1


def sha256(data: bytes) -> str:
    """Bytes -> hex SHA-256."""
    return hashlib.sha256(data).hexdigest()


def state_path(cache_dir: Path) -> Path:
    """The state file: a sibling of the build cache folder, so clearing the cache keeps it."""
    return cache_dir.parent / STATE_NAME


@dataclass
class State:
    """What earlier runs left: validators per feed, and per written file its keys + hash."""

    path: Path
    feeds: dict[str, dict[str, str]] = field(default_factory=dict)
    articles: dict[str, dict[str, Any]] = field(default_factory=dict)
    note: str = ""  # why an unreadable state file was ignored
    _index: dict[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, path: Path) -> State:
        """Read the state file; a missing or unreadable one is an empty state (a note says
        why): losing it only costs a full download."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls(path)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            return cls(path, note=f"{path}: unreadable fetch state ({err}); starting afresh")
        if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
            return cls(path, note=f"{path}: fetch state of another version; starting afresh")
        state = cls(path, dict(data.get("feeds") or {}), dict(data.get("articles") or {}))
        for rel, record in state.articles.items():
            for key in record.get("keys", []):
                state._index.setdefault(key, rel)
        return state

    def find(self, keys: tuple[str, ...]) -> str | None:
        """The file an entry with any of these keys was written to, or None."""
        return next((self._index[k] for k in keys if k in self._index), None)

    def record(self, rel: str, keys: tuple[str, ...], digest: str, source: str) -> None:
        """Remember that fetch wrote `rel` with these bytes for an entry with these keys."""
        old = self.articles.get(rel, {})
        merged = tuple(dict.fromkeys([*old.get("keys", []), *keys]))
        self.articles[rel] = {"keys": list(merged), "sha256": digest, "source": source}
        for key in merged:
            self._index.setdefault(key, rel)

    def validators(self, feed: str) -> tuple[str, str]:
        """The ETag and Last-Modified a feed sent last time ('' when none)."""
        known = self.feeds.get(feed, {})
        return known.get("etag", ""), known.get("last_modified", "")

    def set_validators(self, feed: str, etag: str, last_modified: str) -> None:
        """Keep a feed's validators for the next conditional GET."""
        if etag or last_modified:
            self.feeds[feed] = {k: v for k, v in (("etag", etag),
                                                  ("last_modified", last_modified)) if v}
        else:
            self.feeds.pop(feed, None)

    def text(self) -> str:
        """The state as deterministic JSON (sorted, no timestamps)."""
        return json.dumps({"version": STATE_VERSION, "feeds": self.feeds,
                           "articles": self.articles}, indent=1, sort_keys=True,
                          ensure_ascii=False) + "\n"

    def save(self) -> bool:
        """Write the state if its bytes changed; True when it was written."""
        data = self.text().encode("utf-8")
        with contextlib.suppress(OSError):
            if self.path.read_bytes() == data:
                return False
        replace_file(self.path, data)
        return True


def _temporary(target: Path, data: bytes) -> str:
    """Write data to a new temporary file beside target -> its name."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=".digest-", suffix=".tmp")
    try:
        os.chmod(name, 0o644)  # mkstemp's 0600 would hide articles from a web server
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
    return name


def create_file(target: Path, data: bytes) -> bool:
    """Write a new file atomically; False (and nothing written) when target exists."""
    name = _temporary(target, data)
    try:
        os.link(name, target)  # atomic and exclusive: fails if target exists
    except FileExistsError:
        return False
    except OSError:  # a file system without hard links: O_EXCL, then the bytes
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            return False
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(name)
    return True


def replace_file(target: Path, data: bytes) -> None:
    """Write target atomically (temporary file + rename), whether or not it exists."""
    name = _temporary(target, data)
    try:
        os.replace(name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise


def file_hash(path: Path) -> str | None:
    """The SHA-256 of a file's bytes, or None when it cannot be read."""
    try:
        return sha256(path.read_bytes())
    except OSError:
        return None
