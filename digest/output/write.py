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

Every path read back from a manifest or a record is checked to be a plain path inside its
folder, and a file is deleted only when every folder on its way is a real folder (not a
symlink out of the site). A file kept from the last build is trusted only when its stamp
(inode, size, times: see Stamps) says it is as written, or its bytes say so. One build
writes a site at a time: a build holds a lock beside the output (`hold`), and waits for
another one holding it.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import fcntl
import hashlib
import json
import os
import posixpath
import shutil
import stat
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
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


def _read_site(folder: Path, record: Path | None, ignored: list[str] | None = None
               ) -> tuple[dict[str, str], FolderRecord | None] | None:
    """The files a site folder's manifest lists, and the record of its folders kept in
    the file `record` when it is the record of this folder and of this manifest."""
    loaded = _load_manifest(folder)
    if loaded is None:
        return None
    data, manifest = loaded
    return (_files(data, ignored),
            FolderRecord.load(record, folder, manifest) if record else None)


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


def _plain(rels: list[object]) -> bool:
    """Paths of names inside the site (a damaged record must not lead outside it): no
    empty, `.` or `..` name, no leading or trailing slash, no NUL."""
    try:  # one string searched four times: a site has 100,000 paths
        framed = "/{}/".format("/".join(rels))  # type: ignore[arg-type]
    except TypeError:  # not all strings
        return False
    return not rels or not any(bad in framed for bad in ("//", "/./", "/../", "\x00"))


def _records(spare: Path) -> tuple[Path, Path]:
    """The files, beside the spare, that keep the records of the live site's folders and
    of the spare's."""
    return spare.with_name(f"{spare.name}.live-folders.json"), spare.with_name(
        f"{spare.name}.folders.json")


def _stamp_records(spare: Path) -> tuple[Path, Path]:
    """The files, beside the spare, that keep the stamps of the live site's files and of
    the spare's (see Stamps)."""
    return spare.with_name(f"{spare.name}.live-files.json"), spare.with_name(
        f"{spare.name}.files.json")


Stamp = tuple[int, int, int, int, str]  # (st_ino, st_size, st_mtime_ns, st_ctime_ns, hash)


def _stamp(status: os.stat_result, digest: str) -> Stamp:
    return status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns, digest


@dataclass
class Stamps:
    """Each file of ours in a site folder as a build left it, and the hash of its bytes.

    A build keeps unchanged files from the last one (hard links shared by the live site
    and the spare) without reading them. It trusts such a file the way git's index does:
    when its inode, size, mtime and ctime are those recorded. Writing a file, replacing
    it, linking it or setting its times changes its ctime, which no tool can set back; so
    a file edited in place, truncated or replaced is read, and used only if its bytes are
    still the recorded ones. A file changed within the file system clock's last tick
    before the record was taken could keep its times: its ctime is recorded as -1, and it
    is read whenever it is used. Kept in the cache beside the spare, like FolderRecord.
    """

    site: int  # inode of the site's top folder
    files: dict[str, Stamp]

    @classmethod
    def load(cls, file: Path | None, site: Path) -> Stamps:
        """The record in `file` of this site folder; an empty one when there is none, or a
        damaged one (every file is then read to be trusted)."""
        try:
            inode = os.stat(site).st_ino
        except OSError:
            return cls(-1, {})
        try:
            data = json.loads(file.read_bytes()) if file is not None else None
        except (OSError, ValueError):
            return cls(inode, {})
        if not isinstance(data, dict) or data.get("version") != 1 or data.get("site") != inode:
            return cls(inode, {})
        columns = [data.get(key) for key in _STAMP_COLUMNS]
        if (not all(isinstance(column, list) for column in columns)
                or len({len(column) for column in columns}) != 1 or not _plain(columns[0])):
            return cls(inode, {})
        names, *values = columns
        # (a value of another type never equals a file's: that file is read)
        return cls(inode, dict(zip(names, zip(*values, strict=True), strict=True)))

    def save(self, file: Path, clock: int) -> None:
        """Write the record; `clock` is the file system's clock now (see _clock)."""
        stamps = list(self.files.values())
        data: dict[str, object] = {"version": 1, "site": self.site, "files": list(self.files)}
        for index, key in enumerate(_STAMP_COLUMNS[1:]):
            data[key] = [stamp[index] for stamp in stamps]
        data["ctimes"] = [ctime if ctime < clock else -1 for ctime in data["ctimes"]]
        temporary = file.with_name(f".{file.name}.tmp-{os.getpid()}")
        try:
            temporary.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
            os.replace(temporary, file)
        finally:
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()

    def check(self, folder: Path | str, rel: str, digest: str,
              status: os.stat_result | None = None) -> Stamp | None:
        """The stamp of the file `rel` of this site when it holds the bytes whose hash is
        `digest` (by its lstat, `status` when the caller has it, or else by its bytes);
        None when it holds others, or is not a plain file."""
        path = f"{folder}/{rel}"
        if status is None:
            try:
                status = os.lstat(path)
            except OSError:
                return None
        known = self.files.get(rel)
        if (known is not None and known[3] == status.st_ctime_ns and known[0] == status.st_ino
                and known[2] == status.st_mtime_ns and known[1] == status.st_size
                and known[4] == digest and digest):  # (one file in a site's many)
            return known
        if not digest or not stat.S_ISREG(status.st_mode):
            return None
        now = _stamp(status, digest)
        if known is not None and known[4] == digest and known[1] != status.st_size:
            return None
        try:
            with open(path, "rb") as file:
                data = file.read()
        except OSError:
            return None
        return now if file_hash(data) == digest else None


_STAMP_COLUMNS = ("files", "inodes", "sizes", "mtimes", "ctimes", "hashes")


def intact(site: Path, files: Mapping[str, str], spare: Path | None = None) -> bool:
    """Whether every file of `files` ({path: hash}) is in the site folder with those bytes:
    one lstat a file when the stamps kept beside `spare` say it is as written, its bytes
    read otherwise (and its stamp then kept for the next time)."""
    record = _stamp_records(spare)[0] if spare is not None else None
    stamps = Stamps.load(record, site)
    fresh: dict[str, Stamp] = {}
    known = stamps.files
    for rel, digest in files.items():
        stamp = stamps.check(site, rel, digest)
        if stamp is None:
            return False
        if stamp is not known.get(rel):
            fresh[rel] = stamp
    if fresh and record is not None:
        stamps.files.update(fresh)
        with contextlib.suppress(OSError):
            stamps.save(record, _clock(site))
    return True


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


def patch_site(output: Path, changed: Mapping[str, bytes], hashes: Mapping[str, str],
               spare: Path | None = None) -> WriteResult:
    """Bring a site we wrote up to date in place: write `changed`, delete our files that
    are not in `hashes` (the hash of every file the site now has). With a `spare`, the
    stamps kept beside it follow (see Stamps). The caller holds the output's lock.

    A file is written or deleted only where every folder on its way is a real folder:
    NotADirectoryError, before anything is written, when one to write is not (a symlink
    out of the site, a file); one to delete is then left, with a warning."""
    output = output.absolute()
    ignored: list[str] = []
    previous = read_manifest(output, ignored)
    if previous is None:
        raise OutputError(f"{output} has no {MANIFEST}; cannot patch it")
    removed = sorted(set(previous) - set(hashes))
    result = WriteResult(written=len(changed), unchanged=len(hashes) - len(changed),
                         removed=len(removed))
    if ignored:
        result.warnings.append(_ignored(output / MANIFEST, ignored))
    if not changed and not removed and previous == dict(hashes):
        return result
    rels = {path: check_relative(path) for path in changed}
    for rel in rels.values():
        if not _real_folders(output, rel):
            raise NotADirectoryError(errno.ENOTDIR, "a folder on its way is a symlink or a "
                                     "file", str(output / rel))
    record = _stamp_records(spare)[0] if spare is not None else None
    stamps = Stamps.load(record, output)
    _write_manifest(output, {r: h for r, h in previous.items() if h},
                    pending=sorted({*rels.values(), *removed}))
    for path, data in changed.items():
        target = output / rels[path]
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.parent / f".{target.name}.tmp-{os.getpid()}"
        try:
            temporary.write_bytes(data)
            os.replace(temporary, target)
        except OSError as err:
            with contextlib.suppress(OSError):
                temporary.unlink()
            err.filename = err.filename or str(temporary)
            raise
        stamps.files[rels[path]] = _stamp(os.lstat(target), hashes[path])
    for rel in removed:
        stamps.files.pop(rel, None)
        if not _remove(output, rel):
            result.warnings.append(f"{output / rel}: not deleted: a folder on its way is a "
                                   "symlink or a file")
    _write_manifest(output, hashes)
    if record is not None:
        with contextlib.suppress(OSError):
            stamps.save(record, _clock(output))
    return result


def write_site(files: Mapping[str, bytes], output: Path,
               spare: Path | None = None) -> WriteResult:
    """{path: bytes} -> the output folder, replaced in one atomic swap (holding its lock)."""
    output = output.absolute()
    output.parent.mkdir(parents=True, exist_ok=True)
    with hold(lock_file(output)):
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
    it that its manifest does not list is deleted before it is used, and a file of it (or
    of the live site) is used only when its stamp or its bytes say it is as written.

    The caller holds the output's lock (see hold): folders that an interrupted build left
    beside the output are then a dead build's, and are removed.
    One process writes: see assemble._replace for why.
    """

    def __init__(self, output: Path, spare: Path | None = None) -> None:
        output = output.absolute()
        self.warnings: list[str] = []
        self.records = _records(spare) if spare is not None else None
        self.stamp_records = _stamp_records(spare) if spare is not None else None
        live_record = self.records[0] if self.records is not None else None
        ignored: list[str] = []
        site = _read_site(output, live_record, ignored) if output.exists() else None
        previous, self.record = site if site is not None else (None, None)
        if output.exists() and not output.is_dir():
            raise OutputError(f"{output} exists and is not a folder; choose another output")
        if output.exists() and previous is None and any(output.iterdir()):
            raise OutputError(
                f"{output} is not empty and was not written by digest (it has no {MANIFEST}); "
                "refusing to replace it. Choose an empty or new output folder, or move its "
                "files away yourself.")
        if ignored:
            self.warnings.append(_ignored(output / MANIFEST, ignored))
        output.parent.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(output)
        self.output = output
        self.previous: dict[str, str] = previous or {}
        self.live = Stamps.load(self.stamp_records[0] if self.stamp_records else None, output)
        self.folder = output.parent / f".{output.name}.tmp-{os.getpid()}"
        self.spare = spare
        self.spare_stamps = Stamps(-1, {})
        self.found: dict[str, os.stat_result] = {}  # the spare's files, as found
        taken = None
        if spare is not None and self.records is not None and self.stamp_records is not None:
            self.spare_stamps = Stamps.load(self.stamp_records[1], spare)
            taken = _take_spare(spare, self.folder, self.records[1], self.warnings)
        if taken is None:
            self.folder.mkdir()
            taken = {}, {}
        self.base, self.found = taken  # base: {path: hash} of the spare's files here
        self.done: set[str] = set()  # files put or reused
        self.stamps: dict[str, Stamp] = {}  # of the new site's files, as placed
        self.retired: dict[str, Stamp] = {}  # of the live site's files linked into it
        self.written = 0
        self.unchanged = 0

    def put(self, path: str, data: bytes, digest: str | None = None) -> str:
        """Write one file (or link the previous one when the bytes are the same) -> its
        hash (`digest`, when the caller has it already)."""
        rel = check_relative(path)
        digest = digest or file_hash(data)
        if not self.reuse(rel, digest):
            target = f"{self.folder}/{rel}"
            status = None if rel in self.base else _create(target, data)
            if status is None:
                _clear(Path(target), self.folder)
                try:
                    Path(target).write_bytes(data)
                except OSError as err:
                    err.filename = err.filename or target
                    raise
                status = os.lstat(target)
            self.base.pop(rel, None)
            self.stamps[rel] = _stamp(status, digest)
            self.written += 1
            self.done.add(rel)
        return digest

    def reuse(self, rel: str, digest: str) -> bool:
        """Keep the file the staging folder already has, or link the previous site's, when
        the manifests say it has these bytes and its stamp (or its bytes) agrees."""
        same_as_output = self.previous.get(rel) == digest
        if self.base.get(rel) == digest:  # the spare holds these bytes, if it is as written
            stamp = self.spare_stamps.check(self.folder, rel, digest, self.found.pop(rel, None))
            if stamp is not None:
                self.stamps[rel] = stamp
                self._count(same_as_output, rel)
                return True
            self.base[rel] = ""  # changed since it was written: never used
        if not same_as_output:
            return False
        before = self.live.check(self.output, rel, digest)
        if before is None:  # edited, truncated or replaced since it was written
            return False
        target = self.folder / rel
        _clear(target, self.folder)
        if not _link(self.output / rel, target):
            return False
        after = os.lstat(target)
        if (after.st_ino, after.st_size, after.st_mtime_ns) != before[:3]:
            return False  # replaced since it was checked: written instead (see put)
        # (the link changed its ctime: the new stamp is the live file's too)
        self.stamps[rel] = self.retired[rel] = _stamp(after, digest)
        self._count(True, rel)
        return True

    def drop(self, rel: str) -> None:
        """Take a file put or reused back out of the new site."""
        _remove(self.folder, rel)
        self.base.pop(rel, None)
        self.stamps.pop(rel, None)
        self.done.discard(rel)

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
            _remove(self.folder, rel)
            del self.base[rel]

    def commit(self, hashes: Mapping[str, str]) -> WriteResult:
        """Drop what the spare had that the new site has not, carry over files that are
        not ours, write the manifest, swap the folders."""
        stale = [rel for rel in hashes if rel not in self.stamps]
        if stale:  # a bug, not bad input: never publish a file with the wrong bytes
            raise OutputError(f"internal error: {stale[0]} (and {len(stale) - 1} more) was "
                              "never written into the new site, so the previous site was "
                              "left in place; please report this, and build with --no-cache "
                              "meanwhile")
        for rel in sorted(set(self.base) - set(hashes)):
            _remove(self.folder, rel)
        result = WriteResult(written=self.written, unchanged=self.unchanged,
                             removed=len(set(self.previous) - set(hashes)),
                             warnings=list(self.warnings))
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
        clock = _clock(self.folder) if self.stamp_records is not None else 0
        # the site being replaced is worth keeping only if it is one we wrote
        _swap(self.folder, output, self.spare if self.previous else None)
        if self.records is not None and folders is not None:
            live, spare = self.records
            with contextlib.suppress(OSError):  # the live site's record goes with it
                os.replace(live, spare)
            with contextlib.suppress(OSError):  # (no record: every folder is listed)
                replace(folders, manifest=manifest).save(live)
        if self.stamp_records is not None and self.spare is not None:
            self._save_stamps(clock)
        return result

    def _save_stamps(self, clock: int) -> None:
        """The stamps of the new live site's files, and of the spare's: the replaced
        site's, with the files linked into the new site stamped anew."""
        assert self.stamp_records is not None and self.spare is not None
        live, spare = self.stamp_records
        with contextlib.suppress(OSError):  # (no record: every file is read to be trusted)
            Stamps(os.stat(self.output).st_ino, self.stamps).save(live, clock)
        with contextlib.suppress(OSError):
            if self.previous and self.spare.is_dir():
                Stamps(os.stat(self.spare).st_ino, self.live.files | self.retired).save(
                    spare, clock)
            else:
                spare.unlink()

    def abort(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _take_spare(spare: Path, folder: Path, record: Path, warnings: list[str]
                ) -> tuple[dict[str, str], dict[str, os.stat_result]] | None:
    """The spare site, moved to `folder`, with only the files its manifest lists ->
    {path: hash} of the plain files it holds, and their lstat; None when there is no
    usable spare."""
    if not spare.is_dir() or spare.is_symlink():
        return None
    ignored: list[str] = []
    site = _read_site(spare, record, ignored)
    if ignored:
        warnings.append(_ignored(spare / MANIFEST, ignored))
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
        _remove(folder, extra)
    with contextlib.suppress(FileNotFoundError):
        (folder / MANIFEST).unlink()
    # files of an interrupted patch ("": bytes unknown) too: what the folder holds is all here
    present: dict[str, str] = {}
    found: dict[str, os.stat_result] = {}
    for rel in sorted(held):  # a folder before what is in it
        path = f"{folder}/{rel}"
        try:
            status = os.lstat(path)
        except OSError:  # listed, but gone (or a file is where its folder would be)
            continue
        if stat.S_ISREG(status.st_mode):
            present[rel], found[rel] = held[rel], status
        elif not stat.S_ISDIR(status.st_mode):
            os.unlink(path)  # a symlink: nothing is written or read through it
    return present, found


def _create(target: str, data: bytes) -> os.stat_result | None:
    """Write a file where there is none yet, the common case in a staging folder, in the
    fewest system calls (a build writes one per page) -> its fstat; None, having written
    nothing, when anything is in the way (see _clear)."""
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
        return None
    try:  # os.write, not open(): no isatty, seek and stat calls for a file of one write
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view):]
        return os.fstat(descriptor)
    except OSError as err:  # the disk is full: say which file
        err.filename = err.filename or target
        raise
    finally:
        os.close(descriptor)


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


def _real_folders(top: Path, rel: str) -> bool:
    """Whether every folder on the way from top to the file rel is a real folder, not a
    symlink (perhaps out of the site) or a file; one not there yet is made by us."""
    folder = str(top)
    for name in rel.split("/")[:-1]:
        folder = f"{folder}/{name}"
        try:
            mode = os.lstat(folder).st_mode
        except FileNotFoundError:
            return True
        except OSError:
            return False
        if not stat.S_ISDIR(mode):
            return False
    return True


def _remove(top: Path, rel: str) -> bool:
    """Delete the file rel of ours inside top, and the folders it leaves empty; False,
    deleting nothing, when a folder on its way is not a real folder (see _real_folders)."""
    if not _real_folders(top, rel):
        return False
    target = f"{top}/{rel}"
    try:
        if stat.S_ISDIR(os.lstat(target).st_mode):
            return True  # the new site has a folder of that name, made in its place
        os.unlink(target)
    except (FileNotFoundError, NotADirectoryError):  # gone, or its folder became a file
        pass
    folder = posixpath.dirname(rel)
    while folder:
        try:
            os.rmdir(f"{top}/{folder}")
        except OSError:
            break
        folder = posixpath.dirname(folder)
    return True


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
    """Folders an interrupted build left beside the output; we made them, so we remove them
    (only while holding the output's lock: no other build is writing one)."""
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
    try:
        os.rename(staging, output)
    except OSError:
        os.rename(old, output)  # the previous site goes back where it was
        raise
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


# --- one build at a time ------------------------------------------------------------------

LOCK_TIMEOUT = 600.0  # seconds a build waits for another one to finish with the same site


def lock_file(folder: Path) -> Path:
    """The file a build locks while it writes `folder` (or its cache): a hidden sibling."""
    return folder.parent / f".{folder.name}.lock"


@contextlib.contextmanager
def hold(file: Path, timeout: float = LOCK_TIMEOUT,
         waiting: Callable[[int | None], None] | None = None) -> Iterator[None]:
    """Hold an exclusive lock (flock) on `file` while the block runs; it is made if need be
    and removed when released. If another process holds it, call `waiting(its pid)` once
    and wait, for `timeout` seconds at most (then OutputError). The kernel releases the
    lock of a process that dies, so a killed build never keeps others waiting."""
    deadline = time.monotonic() + timeout
    told = False
    while True:
        descriptor = os.open(file, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(descriptor)
            os.close(descriptor)
            if time.monotonic() >= deadline:
                raise OutputError(
                    f"another digest build{f' (pid {holder})' if holder else ''} still holds "
                    f"{file} after {timeout:.0f} s of waiting; nothing was written. Build "
                    "again when it is done.") from None
            if not told and waiting is not None:
                waiting(holder)
                told = True
            time.sleep(0.05)
            continue
        except BaseException:
            os.close(descriptor)
            raise
        try:  # the holder we waited for removed the file: lock the one there now
            same = os.fstat(descriptor).st_ino == os.stat(file).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(descriptor)
    try:
        with contextlib.suppress(OSError):  # (only for the message of whoever waits)
            os.ftruncate(descriptor, 0)
            os.write(descriptor, f"{os.getpid()}\n".encode())
        yield
    finally:
        with contextlib.suppress(OSError):  # while still holding it (see above)
            os.unlink(file)
        os.close(descriptor)


def _holder(descriptor: int) -> int | None:
    """The pid written into a lock file by the process holding it."""
    try:
        return int(os.pread(descriptor, 32, 0).decode().strip() or "x")
    except (OSError, ValueError, UnicodeDecodeError):
        return None


_HINTS = {errno.ENOSPC: "free some space and build again",
          errno.EDQUOT: "free some space and build again",
          errno.EROFS: "the file system is mounted read-only",
          errno.EACCES: "check the folder's permissions",
          errno.EPERM: "check the folder's permissions"}


def disk_error(err: OSError, output: Path, patched: bool = False) -> OutputError:
    """An OSError while writing the site (disk full, read-only) -> the error to show: what
    happened, where, and what became of the site in `output`."""
    where = f"{err.filename} -> {err.filename2}" if err.filename2 else (err.filename or output)
    what = err.strerror or str(err) or type(err).__name__
    hint = f" ({_HINTS[err.errno]})" if err.errno in _HINTS else ""
    if patched:
        state = f"the site in {output} may be partly updated; the next build repairs it"
    elif (output / MANIFEST).is_file():
        state = f"nothing was replaced: the previous site in {output} is intact"
    else:
        state = f"nothing was written to {output}"
    return OutputError(f"cannot write {where}: {what}{hint}; {state}")
