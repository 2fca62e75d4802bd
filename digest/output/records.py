"""What the last build left: its folder record and file stamps, so a rebuild trusts a file
by one lstat, and deletes a file only through real folders (never a symlink out of the site).
"""

from __future__ import annotations

import contextlib
import json
import os
import posixpath
import stat
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .manifest import MANIFEST, _files, _load_manifest, _plain, file_hash


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
