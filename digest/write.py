"""I/O at the output edge: replace the output folder atomically, never touching what isn't ours.

A full build writes the new site into a hidden sibling folder and swaps it into place
in one rename, so a crash or Ctrl-C at any moment leaves the previous complete site.
Files whose bytes did not change are hard-linked from the previous site, so they keep
their modification time and cost no write. Files that someone else put into the output
folder (not in our manifest) are carried over untouched. With a spare folder, the site
a swap replaced is kept there and the next build starts from it (see Staging).

A small change (an edited article touches a few pages of ten thousand) is patched into
the output instead: re-creating every folder and link of a large site, and deleting the
old one, costs seconds on a slow disk while the change costs milliseconds. Each file
is then replaced atomically (written beside it, renamed over it), and the manifest
lists the files in flight first, so a build interrupted half-way is repaired by the
next one; only files of ours are ever deleted.
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
import stat
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
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
    loaded = _load_manifest(output)
    return _files(loaded[0]) if loaded is not None else None


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


def _files(data: dict[str, object]) -> dict[str, str]:
    pending = data.get("pending") or []
    # files an interrupted patch may have left half-done: ours, with unknown bytes
    return data["files"] | {rel: "" for rel in pending if isinstance(rel, str)}


def _read_site(folder: Path, record: Path | None
               ) -> tuple[dict[str, str], FolderRecord | None] | None:
    """The files a site folder's manifest lists, and the record of its folders kept in
    the file `record` when it is the record of this folder and of this manifest."""
    loaded = _load_manifest(folder)
    if loaded is None:
        return None
    data, manifest = loaded
    return _files(data), FolderRecord.load(record, folder, manifest) if record else None


@dataclass(frozen=True)
class FolderRecord:
    """The folders of a site as a build left them, so that the next one need not list them.

    Listing each of a large site's 100,000 folders, twice a build (the spare and the live
    output), to find files that are not ours cost seconds; an lstat costs a hundredth of
    a listing. A folder's ctime changes whenever an entry is added to it, removed or
    renamed, and whenever its times are set (touch, tar, rsync), so a folder whose ctime
    and inode are still those recorded has the entries it had: the manifest's files, the
    files of others recorded in `theirs`, and the subfolders recorded under it. A folder
    is recorded as (None, None), to be listed every time, unless its ctime was older than
    the file system's clock when the record was taken (a change within the same clock
    tick would keep the ctime) and its link count shows that all its subfolders are
    recorded.

    Kept in the cache, not in the site: the manifest stays the same from build to build.
    A record belongs to one site folder (the inode of its top folder, which renames keep)
    and one manifest (a patch writes another: then every folder is listed).
    """

    site: int  # inode of the site's top folder
    manifest: str  # hash of the manifest's bytes
    folders: dict[str, tuple[int | None, int | None]]  # folder -> (st_ctime_ns, st_ino)
    theirs: list[str]  # files in the site that are not ours (carried over)

    def save(self, file: Path) -> None:
        data = {"version": 1, "site": self.site, "manifest": self.manifest,
                # in columns: a list of ints is read in a fraction of the time of as many lists
                "folders": list(self.folders),
                "ctimes": [ctime for ctime, _ in self.folders.values()],
                "inodes": [inode for _, inode in self.folders.values()],
                "theirs": self.theirs}
        temporary = file.with_name(f".{file.name}.tmp-{os.getpid()}")
        temporary.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
        os.replace(temporary, file)

    @classmethod
    def load(cls, file: Path, site: Path, manifest: str) -> FolderRecord | None:
        """None (list every folder) when there is no record of this site and manifest, or
        a malformed one."""
        try:
            data = json.loads(file.read_bytes())
            inode = os.stat(site).st_ino
        except (OSError, ValueError):
            return None
        if (not isinstance(data, dict) or data.get("version") != 1
                or data.get("site") != inode or data.get("manifest") != manifest):
            return None
        names, ctimes, inodes, theirs = (data.get(key) for key in
                                         ("folders", "ctimes", "inodes", "theirs"))
        if (not all(isinstance(column, list) for column in (names, ctimes, inodes, theirs))
                or not len(names) == len(ctimes) == len(inodes)
                or not _plain(names) or not _plain(theirs)):
            return None
        # (a stamp of another type than int never equals a folder's: that folder is listed)
        return cls(inode, manifest, dict(zip(names, zip(ctimes, inodes, strict=True),
                                             strict=True)), theirs)


# an empty, `.` or `..` name, a leading or trailing slash, in "\n"-separated paths
_NOT_PLAIN = ("\x00", "//", "\n/", "/\n", "\n\n",
              *(f"{a}{dots}{b}" for dots in (".", "..") for a in "\n/" for b in "\n/"))


def _plain(rels: list[object]) -> bool:
    """Paths of names inside the site (a damaged record must not lead outside it)."""
    try:
        joined = "\n{}\n".format("\n".join(rels))
    except TypeError:  # not all strings
        return False
    return not rels or not any(bad in joined for bad in _NOT_PLAIN)


def _records(spare: Path) -> tuple[Path, Path]:
    """The files, beside the spare, that keep the records of the live site's folders and
    of the spare's."""
    return spare.with_name(f"{spare.name}.live-folders.json"), spare.with_name(
        f"{spare.name}.folders.json")


def _write_manifest(folder: Path, hashes: Mapping[str, str], pending: list[str] = ()) -> str:
    """-> the hash of the manifest's bytes."""
    manifest: dict[str, object] = {"version": _MANIFEST_VERSION,
                                   "files": dict(sorted(hashes.items()))}
    if pending:
        manifest["pending"] = pending
    temporary = folder / f".{MANIFEST}.tmp-{os.getpid()}"
    # an entry a line, for people reading it, by the C encoder (indent= is pure Python)
    raw = (json.dumps(manifest, separators=(",\n", ": ")) + "\n").encode()
    temporary.write_bytes(raw)
    os.replace(temporary, folder / MANIFEST)
    return file_hash(raw)


def patch_site(output: Path, changed: Mapping[str, bytes],
               hashes: Mapping[str, str]) -> WriteResult:
    """Bring a site we wrote up to date in place: write `changed`, delete our files that
    are not in `hashes` (the hash of every file the site now has)."""
    output = output.absolute()
    previous = read_manifest(output)
    if previous is None:
        raise OutputError(f"{output} has no {MANIFEST}; cannot patch it")
    removed = sorted(set(previous) - set(hashes))
    result = WriteResult(written=len(changed), unchanged=len(hashes) - len(changed),
                         removed=len(removed))
    if not changed and not removed and previous == dict(hashes):
        return result
    rels = {path: check_relative(path) for path in changed}
    _write_manifest(output, {r: h for r, h in previous.items() if h},
                    pending=sorted({*rels.values(), *removed}))
    for path, data in changed.items():
        target = output / rels[path]
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.parent / f".{target.name}.tmp-{os.getpid()}"
        temporary.write_bytes(data)
        os.replace(temporary, target)
    for rel in removed:
        _remove(output / rel, output)
    _write_manifest(output, hashes)
    return result


def write_site(files: Mapping[str, bytes], output: Path,
               spare: Path | None = None) -> WriteResult:
    """{path: bytes} -> the output folder, replaced in one atomic swap."""
    staging = Staging(output, spare)
    try:
        hashes = {}
        for path in sorted(files):
            hashes[check_relative(path)] = staging.put(path, files[path])
        return staging.commit(hashes)
    except BaseException:
        staging.abort()
        raise


def file_hash(data: bytes) -> str:
    """The hash the manifest keeps for a file's bytes."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class Staging:
    """A new site assembled in a hidden sibling of the output, then swapped in by `commit`.

    With a `spare` folder (in the cache), the site the last swap replaced is kept there,
    and the next build starts from it: only the files that differ are written, instead
    of a folder and a link for every page (at 10,000 articles that was seconds of
    mkdir, and as many again deleting the old site). The spare is ours alone; anything in
    it that its manifest does not list is deleted before it is used.

    One process writes: see assemble._replace for why.
    """

    def __init__(self, output: Path, spare: Path | None = None) -> None:
        output = output.absolute()
        self.records = _records(spare) if spare is not None else None
        live_record = self.records[0] if self.records is not None else None
        site = _read_site(output, live_record) if output.exists() else None
        previous, self.record = site if site is not None else (None, None)
        if output.exists() and not output.is_dir():
            raise OutputError(f"{output} exists and is not a folder; choose another output")
        if output.exists() and previous is None and any(output.iterdir()):
            raise OutputError(
                f"{output} is not empty and was not written by digest (it has no {MANIFEST}); "
                "refusing to replace it. Choose an empty or new output folder, or move its "
                "files away yourself.")
        output.parent.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(output)
        self.output = output
        self.previous: dict[str, str] = previous or {}
        self.folder = output.parent / f".{output.name}.tmp-{os.getpid()}"
        self.spare = spare
        self.base = (_take_spare(spare, self.folder, self.records[1])
                     if spare is not None and self.records is not None else None)
        if self.base is None:
            self.folder.mkdir()
            self.base = {}
        self.done: set[str] = set()  # files put or reused
        self.written = 0
        self.unchanged = 0

    def put(self, path: str, data: bytes, digest: str | None = None) -> str:
        """Write one file (or link the previous one when the bytes are the same) -> its
        hash (`digest`, when the caller has it already)."""
        rel = check_relative(path)
        digest = digest or file_hash(data)
        if not self.reuse(rel, digest):
            if rel in self.base or not _create(f"{self.folder}/{rel}", data):
                target = self.folder / rel
                _clear(target, self.folder)
                target.write_bytes(data)
            self.written += 1
            self.done.add(rel)
        return digest

    def reuse(self, rel: str, digest: str) -> bool:
        """Keep the file the staging folder already has, or link the previous site's, when
        the manifests say it has these bytes."""
        same_as_output = self.previous.get(rel) == digest
        if self.base.get(rel) == digest:  # the spare already holds these bytes
            self._count(same_as_output, rel)
            return True
        if not same_as_output:
            return False
        target = self.folder / rel
        _clear(target, self.folder)
        if not _link(self.output / rel, target):
            return False
        self._count(True, rel)
        return True

    def _count(self, unchanged: bool, rel: str) -> None:
        if unchanged:
            self.unchanged += 1
        else:
            self.written += 1
        self.done.add(rel)

    def prune(self, keep: Callable[[str], bool]) -> None:
        """Remove what the spare had that the new site will not: before anything reads
        the staging folder as the new site (the search indexer reads its pages)."""
        for rel in sorted(rel for rel in self.base if not keep(rel)):
            _remove(self.folder / rel, self.folder)
            del self.base[rel]

    def commit(self, hashes: Mapping[str, str]) -> WriteResult:
        """Drop what the spare had that the new site has not, carry over files that are
        not ours, write the manifest, swap the folders."""
        stale = [rel for rel, digest in hashes.items()
                 if rel not in self.done and self.base.get(rel) != digest]
        if stale:  # a bug, not bad input: never publish a file with the wrong bytes
            raise OutputError(f"internal error: {stale[0]} (and {len(stale) - 1} more) was "
                              "never written into the new site, so the previous site was "
                              "left in place; please report this, and build with --no-cache "
                              "meanwhile")
        for rel in sorted(set(self.base) - set(hashes)):
            _remove(self.folder / rel, self.folder)
        result = WriteResult(written=self.written, unchanged=self.unchanged,
                             removed=len(set(self.previous) - set(hashes)))
        output = self.output
        if output.is_dir():
            for rel in _files_not_ours(output, self.previous, self.record):
                if rel in hashes:
                    continue
                theirs, destination = output / rel, self.folder / rel
                _clear(destination, self.folder)
                if not _link(theirs, destination):
                    shutil.copy2(theirs, destination, follow_symlinks=False)
                result.kept.append(rel)
        # after the last change to a subfolder of the new site: the swap renames only its top
        folders = _record(self.folder, hashes, result.kept) if self.records else None
        manifest = _write_manifest(self.folder, hashes)
        # the site being replaced is worth keeping only if it is one we wrote
        _swap(self.folder, output, self.spare if self.previous else None)
        if self.records is not None and folders is not None:
            live, spare = self.records
            with contextlib.suppress(OSError):  # the live site's record goes with it
                os.replace(live, spare)
            with contextlib.suppress(OSError):  # (no record: every folder is listed)
                replace(folders, manifest=manifest).save(live)
        return result

    def abort(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _take_spare(spare: Path, folder: Path, record: Path) -> dict[str, str] | None:
    """The spare site, moved to `folder`, with only the files its manifest lists ->
    {path: hash} of what it holds; None when there is no usable spare."""
    if not spare.is_dir() or spare.is_symlink():
        return None
    site = _read_site(spare, record)
    if site is not None:
        try:
            os.rename(spare, folder)
        except OSError:
            site = None
    if site is None:
        shutil.rmtree(spare, ignore_errors=True)
        return None
    held, record = site
    for extra in _files_not_ours(folder, held, record):  # files carried over for someone else
        _remove(folder / extra, folder)
    with contextlib.suppress(FileNotFoundError):
        (folder / MANIFEST).unlink()
    # files of an interrupted patch ("": bytes unknown) too: what the folder holds is all here
    return held


def _create(target: str, data: bytes) -> bool:
    """Write a file where there is none yet, the common case in a staging folder, in the
    fewest system calls (a build writes one per page); False, having written nothing,
    when anything is in the way (see _clear)."""
    folder = os.path.dirname(target)
    try:
        try:
            os.mkdir(folder)
        except FileExistsError:
            pass
        except FileNotFoundError:
            os.makedirs(folder, exist_ok=True)
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    except OSError:
        return False
    try:  # os.write, not open(): no isatty, seek and stat calls for a file of one write
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view):]
    finally:
        os.close(descriptor)
    return True


def _clear(target: Path, top: Path) -> None:
    """Make way for a new file at target inside top: the old file goes (it may be a hard
    link to the live site's, so it is never written over), and so does a folder where the
    file must be or a file where one of its folders must be."""
    try:
        target.unlink()
    except (FileNotFoundError, NotADirectoryError):  # nothing there, or a file in its way
        pass
    except (IsADirectoryError, PermissionError):
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        folder = target.parent
        while folder != top and not folder.is_dir():
            if folder.exists() or folder.is_symlink():
                folder.unlink()
                break
            folder = folder.parent
        target.parent.mkdir(parents=True, exist_ok=True)


def _remove(target: Path, top: Path) -> None:
    """Delete one file of ours and the folders it leaves empty."""
    if target.is_dir() and not target.is_symlink():
        return  # the new site has a folder of that name, made in its place
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):  # gone, or its
        target.unlink()  # folder became a file of the new site
    folder = target.parent
    while folder != top:
        try:
            folder.rmdir()
        except OSError:
            break
        folder = folder.parent


def _files_not_ours(site: Path, ours: Mapping[str, str],
                    record: FolderRecord | None = None) -> list[str]:
    """Files in a site folder (by path inside it) that its manifest does not list; a
    symlink is a file here.

    A folder the record shows unchanged is not listed (see FolderRecord); the top folder
    always is (a swap renames it). By os.scandir and plain strings: this visits every
    folder of the site on every build, and a Path for each of its files cost more."""
    found: list[str] = []
    stamps = record.folders if record is not None else {}
    subfolders: dict[str, list[str]] = {}
    theirs: dict[str, list[str]] = {}
    if record is not None:
        for rel in stamps:
            parent, _, name = rel.rpartition("/")
            subfolders.setdefault(parent, []).append(name)
        for rel in record.theirs:
            theirs.setdefault(rel.rpartition("/")[0], []).append(rel)

    # a stack, not nested functions calling each other: those would make a reference
    # cycle that keeps the record's tables alive until the cycle collector runs
    pending: list[tuple[str, str, os.stat_result | None]] = [(str(site), "", None)]
    try:
        while pending:
            folder, rel, status = pending.pop()
            stamp = stamps.get(rel) if rel else None
            if stamp is not None and stamp[0] is not None:
                status = status or os.lstat(folder)
                if stat.S_ISDIR(status.st_mode) and (status.st_ctime_ns, status.st_ino) == stamp:
                    if rel in theirs:
                        found.extend(file for file in theirs[rel] if file not in ours)
                    for name in subfolders.get(rel, ()):
                        path = f"{folder}/{name}"
                        inner = os.lstat(path)
                        if not stat.S_ISDIR(inner.st_mode):  # cannot be: its folder is as it was
                            raise NotADirectoryError(path)
                        pending.append((path, f"{rel}/{name}", inner))
                    continue
            prefix = f"{rel}/" if rel else ""
            with os.scandir(folder) as listing:
                for entry in listing:
                    inside = prefix + entry.name
                    if entry.is_dir(follow_symlinks=False):
                        pending.append((entry.path, inside, None))
                    elif inside != MANIFEST and inside not in ours:
                        found.append(inside)
    except (FileNotFoundError, NotADirectoryError):
        if record is None:
            raise
        return _files_not_ours(site, ours)  # a recorded folder is not where it was: walk
    return sorted(found)


def _record(site: Path, ours: Iterable[str], theirs: list[str]) -> FolderRecord:
    """The folders of a site we just wrote, holding `ours` and `theirs` and nothing else
    (the manifest's hash is to be filled in)."""
    now = _clock(site)
    folders = {rel.rpartition("/")[0] for rel in (*ours, *theirs)}
    for rel in list(folders):  # and the folders above them
        parent = rel.rpartition("/")[0]
        while parent and parent not in folders:
            folders.add(parent)
            parent = parent.rpartition("/")[0]
    folders.discard("")
    found: dict[str, os.stat_result] = {}
    for rel in folders:
        try:
            status = os.lstat(f"{site}/{rel}")
        except OSError:
            continue
        if stat.S_ISDIR(status.st_mode):
            found[rel] = status
    counts = Counter(rel.rpartition("/")[0] for rel in found)
    return FolderRecord(os.stat(site).st_ino, "", {
        rel: (status.st_ctime_ns, status.st_ino)
        # a folder's link count is 2 + its subfolders' (where the file system keeps it so)
        if status.st_ctime_ns < now and status.st_nlink == 2 + counts[rel] else (None, None)
        for rel, status in found.items()}, list(theirs))


def _clock(folder: Path) -> int:
    """The file system's clock: the ctime it gives a file made now. It ticks more coarsely
    than the system clock, and any change made later gets a ctime at least this."""
    probe = f"{folder}/.digest-clock.tmp-{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        os.unlink(probe)
    descriptor = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    try:
        return os.fstat(descriptor).st_ctime_ns
    finally:
        os.close(descriptor)
        os.unlink(probe)


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


def _swap(staging: Path, output: Path, spare: Path | None = None) -> None:
    """Put staging where output is, in one step when the kernel can (renameat2 EXCHANGE);
    the previous site goes to `spare` for the next build, or is deleted."""
    if not output.exists():
        os.rename(staging, output)
        return
    if _exchange(staging, output):
        _retire(staging, spare)  # staging now holds the previous site
        return
    old = output.parent / f".{output.name}.old-{os.getpid()}"
    os.rename(output, old)
    os.rename(staging, output)
    _retire(old, spare)


def _retire(previous: Path, spare: Path | None) -> None:
    if spare is not None:
        shutil.rmtree(spare, ignore_errors=True)
        with contextlib.suppress(OSError):
            spare.parent.mkdir(parents=True, exist_ok=True)
            os.rename(previous, spare)
            return
    shutil.rmtree(previous, ignore_errors=True)


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
