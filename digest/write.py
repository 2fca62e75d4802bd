"""I/O at the output edge: replace the output folder atomically, never touching what isn't ours.

The new site is written into a hidden sibling folder and swapped into place in one
rename, so a crash or Ctrl-C at any moment leaves the previous complete site. Files
whose bytes did not change are hard-linked from the previous site, so they keep their
modification time and cost no write. Files that someone else put into the output
folder (not in our manifest) are carried over untouched.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import hashlib
import json
import os
import posixpath
import shutil
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


def check_relative(path: str) -> str:
    """An output path must stay inside the output folder; raise otherwise."""
    normal = posixpath.normpath(path)
    if (not path or path.startswith("/") or "\\" in path or "\x00" in path or normal == ".."
            or normal.startswith("../") or normal != path.rstrip("/")):
        raise OutputError(f"refusing to write {path!r}: not a plain path inside the output")
    return normal


def read_manifest(output: Path) -> dict[str, str] | None:
    """The {path: sha256} of files the last build wrote, or None if digest did not write here."""
    try:
        data = json.loads((output / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != _MANIFEST_VERSION:
        return None
    files = data.get("files")
    return files if isinstance(files, dict) else None


def write_site(files: Mapping[str, bytes], output: Path) -> WriteResult:
    """{path: bytes} -> the output folder, replaced in one atomic swap."""
    output = output.absolute()
    previous = read_manifest(output) if output.exists() else None
    if output.exists() and not output.is_dir():
        raise OutputError(f"{output} exists and is not a folder; choose another output")
    if output.exists() and previous is None and any(output.iterdir()):
        raise OutputError(
            f"{output} is not empty and was not written by digest (it has no {MANIFEST}); "
            "refusing to replace it. Choose an empty or new output folder, or move its "
            "files away yourself.")
    output.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(output)
    staging = output.parent / f".{output.name}.tmp-{os.getpid()}"
    staging.mkdir()
    try:
        result = _fill(staging, files, output, previous or {})
        _swap(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return result


def _fill(staging: Path, files: Mapping[str, bytes], output: Path,
          previous: dict[str, str]) -> WriteResult:
    result = WriteResult()
    made: set[Path] = set()
    hashes: dict[str, str] = {}
    for path in sorted(files):
        rel = check_relative(path)
        data = files[path]
        digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        hashes[rel] = digest
        target = staging / rel
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        if previous.get(rel) == digest and _link(output / rel, target):
            result.unchanged += 1
        else:
            target.write_bytes(data)
            result.written += 1
    result.removed = len(set(previous) - set(hashes))
    if output.is_dir():
        for theirs in _files_not_ours(output, previous):
            rel = theirs.relative_to(output).as_posix()
            if rel in hashes:
                continue
            destination = staging / rel
            destination.parent.mkdir(parents=True, exist_ok=True)
            if not _link(theirs, destination):
                shutil.copy2(theirs, destination, follow_symlinks=False)
            result.kept.append(rel)
    manifest = {"version": _MANIFEST_VERSION, "files": dict(sorted(hashes.items()))}
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=0), encoding="utf-8")
    return result


def _files_not_ours(output: Path, ours: dict[str, str]) -> list[Path]:
    found = []
    for folder, dirs, names in os.walk(output):
        dirs.sort()
        for name in sorted(names):
            path = Path(folder) / name
            rel = path.relative_to(output).as_posix()
            if rel != MANIFEST and rel not in ours:
                found.append(path)
    return found


def _link(source: Path, target: Path) -> bool:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        return False
    return True


def _remove_leftovers(output: Path) -> None:
    """Folders an interrupted build left beside the output; we made them, so we remove them."""
    for prefix in (f".{output.name}.tmp-", f".{output.name}.old-"):
        for leftover in output.parent.glob(prefix + "*"):
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _swap(staging: Path, output: Path) -> None:
    """Put staging where output is, in one step when the kernel can (renameat2 EXCHANGE)."""
    if not output.exists():
        os.rename(staging, output)
        return
    if _exchange(staging, output):
        shutil.rmtree(staging, ignore_errors=True)  # staging now holds the previous site
        return
    old = output.parent / f".{output.name}.old-{os.getpid()}"
    os.rename(output, old)
    os.rename(staging, output)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(libc_name, use_errno=True)
        result = libc.renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b),
                                _RENAME_EXCHANGE)
        return result == 0
    return False
