"""The output folder's manifest: which files are ours, by hash; and what writing returns.

Every path read back from a manifest is checked to be a plain path inside its folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = ".digest-manifest.json"
_MANIFEST_VERSION = 1


class OutputError(Exception):
    """The output folder cannot be (safely) replaced."""


@dataclass
class WriteResult:
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    kept: list[str] = field(default_factory=list)  # files we did not write, carried over
    warnings: list[str] = field(default_factory=list)  # about the output (a bad manifest)


def check_relative(path: str) -> str:
    """An output path must stay inside the output folder; raise otherwise."""
    normal = posixpath.normpath(path)
    if (not path or path.startswith("/") or "\\" in path or "\x00" in path or normal == ".."
            or normal.startswith("../") or normal != path.rstrip("/")):
        raise OutputError(f"refusing to write {path!r}: not a plain path inside the output")
    return normal


def read_manifest(output: Path, ignored: list[str] | None = None) -> dict[str, str] | None:
    """The {path: hash} of files the last build wrote, or None if digest did not write here.
    Entries that are not plain paths inside the folder are left out (and added to `ignored`)."""
    loaded = _load_manifest(output)
    return _files(loaded[0], ignored) if loaded is not None else None


def _load_manifest(folder: Path) -> tuple[dict[str, object], str] | None:
    """The manifest of a site folder and the hash of its bytes."""
    try:
        raw = (folder / MANIFEST).read_bytes()
        data = json.loads(raw)
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != _MANIFEST_VERSION:
        return None
    return (data, file_hash(raw)) if isinstance(data.get("files"), dict) else None


def _files(data: dict[str, object], ignored: list[str] | None = None) -> dict[str, str]:
    """A manifest's files, with those of an interrupted patch; only plain paths inside the
    folder (a forged ../x or /x is never deleted or followed)."""
    listed = data["files"]
    assert isinstance(listed, dict)
    pending = data.get("pending")
    found = {rel: digest for rel, digest in listed.items() if isinstance(digest, str)}
    # files an interrupted patch may have left half-done: ours, with unknown bytes
    found |= {rel: "" for rel in (pending if isinstance(pending, list) else [])
              if isinstance(rel, str)}
    if _plain(list(found)):
        return found
    bad = {rel for rel in found if not _plain([rel])}
    if ignored is not None:
        ignored.extend(sorted(bad))
    return {rel: digest for rel, digest in found.items() if rel not in bad}


def _ignored(manifest: Path, ignored: list[str]) -> str:
    """The warning for a manifest's entries that are not plain paths inside its folder."""
    shown = ", ".join(repr(rel) for rel in ignored[:3]) + (", …" if len(ignored) > 3 else "")
    one = len(ignored) == 1
    return (f"{manifest}: ignored {len(ignored)} entr{'y' if one else 'ies'} that "
            f"{'is' if one else 'are'} not a plain path inside the folder ({shown}); "
            "nothing outside it was deleted or followed")


def _write_manifest(folder: Path, hashes: Mapping[str, str], pending: list[str] = ()) -> str:
    """-> the hash of the manifest's bytes."""
    manifest: dict[str, object] = {"version": _MANIFEST_VERSION,
                                   "files": dict(sorted(hashes.items()))}
    if pending:
        manifest["pending"] = pending
    temporary = folder / f".{MANIFEST}.tmp-{os.getpid()}"
    # an entry a line, for people reading it, by the C encoder (indent= is pure Python)
    raw = (json.dumps(manifest, separators=(",\n", ": ")) + "\n").encode()
    try:
        temporary.write_bytes(raw)
    except OSError as err:  # the disk is full: say which file
        with contextlib.suppress(OSError):
            temporary.unlink()
        err.filename = err.filename or str(temporary)
        raise
    os.replace(temporary, folder / MANIFEST)
    return file_hash(raw)


def file_hash(data: bytes) -> str:
    """The hash the manifest keeps for a file's bytes."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _plain(rels: list[object]) -> bool:
    """Paths of names inside the site (a damaged record must not lead outside it): no
    empty, `.` or `..` name, no leading or trailing slash, no NUL."""
    try:  # one string searched four times: a site has 100,000 paths
        framed = "/{}/".format("/".join(rels))  # type: ignore[arg-type]
    except TypeError:  # not all strings
        return False
    return not rels or not any(bad in framed for bad in ("//", "/./", "/../", "\x00"))
