"""A new site assembled in a hidden sibling folder, then swapped into place in one rename."""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from .files import create_file, make_folder
from .manifest import (
    MANIFEST,
    OutputError,
    WriteResult,
    _ignored,
    _write_manifest,
    check_relative,
    file_hash,
)
from .records import (
    Stamp,
    Stamps,
    _clock,
    _files_not_ours,
    _read_site,
    _record,
    _records,
    _remove,
    _stamp,
    _stamp_records,
)
from .swap import swap


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
    New pages are written by the render workers (place) in folders this process made
    first (folders_for): see assemble._replace for why.
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
        self.placed: set[str] = set()  # the new site's files, put or reused
        # Their stamps, and those of the live site's files linked into it, are kept only
        # for a record beside the spare: a build without one (--no-cache) needs none, and
        # at 100,000 articles they were 30 MB of the parent's peak.
        self.recording = self.stamp_records is not None and spare is not None
        self.stamps: dict[str, Stamp] = {}  # of the new site's files, as placed
        self.retired: dict[str, Stamp] = {}  # of the live site's files linked into it
        self.written = 0
        self.unchanged = 0
        self.made = 0  # folders made by folders_for

    def put(self, path: str, data: bytes, digest: str | None = None) -> str:
        """Write one file (or link the previous one when the bytes are the same) -> its
        hash (`digest`, when the caller has it already)."""
        rel = check_relative(path)
        rel = path if rel == path else rel  # (one string a file, not two)
        digest = digest or file_hash(data)
        if not self.reuse(rel, digest):
            target = f"{self.folder}/{rel}"
            status = None if rel in self.base else create_file(target, data)
            if status is None:
                _clear(Path(target), self.folder)
                try:
                    Path(target).write_bytes(data)
                except OSError as err:
                    err.filename = err.filename or target
                    raise
                status = os.lstat(target)
            self.base.pop(rel, None)
            if self.recording:
                self.stamps[rel] = _stamp(status, digest)
            self.written += 1
            self.placed.add(rel)
        return digest

    def folders_for(self, rels: Sequence[str]) -> None:
        """Make the folders new files go in, in order, before render workers place them
        (one process makes the folders: see assemble._replace)."""
        made: set[str] = set()
        for rel in rels:
            folder = os.path.dirname(rel)
            if folder and folder not in made and rel not in self.base:
                made.add(folder)
                with contextlib.suppress(OSError):  # (a file in the way: put() clears it)
                    make_folder(f"{self.folder}/{folder}")
                    self.made += 1

    def place(self, rel: str, data: bytes, digest: str) -> os.stat_result | None:
        """Write a new file from a render worker, as put() would -> its lstat (for note());
        None: nothing written, it is put()'s (a previous site's, or something in its way)."""
        try:
            if check_relative(rel) != rel:
                return None
        except OutputError:  # (put() raises it in the building process)
            return None
        if rel in self.base or self.previous.get(rel) == digest:
            return None
        return create_file(f"{self.folder}/{rel}", data)

    def note(self, rel: str, status: os.stat_result, digest: str) -> None:
        """What put() notes of a file it writes, for one a worker placed."""
        if self.recording:
            self.stamps[rel] = _stamp(status, digest)
        self.written += 1
        self.placed.add(rel)

    def reuse(self, rel: str, digest: str) -> bool:
        """Keep the file the staging folder already has, or link the previous site's, when
        the manifests say it has these bytes and its stamp (or its bytes) agrees."""
        same_as_output = self.previous.get(rel) == digest
        if self.base.get(rel) == digest:  # the spare holds these bytes, if it is as written
            stamp = self.spare_stamps.check(self.folder, rel, digest, self.found.pop(rel, None))
            if stamp is not None:
                if self.recording:
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
        if self.recording:
            self.stamps[rel] = self.retired[rel] = _stamp(after, digest)
        self._count(True, rel)
        return True

    def drop(self, rel: str) -> None:
        """Take a file put or reused back out of the new site."""
        _remove(self.folder, rel)
        self.base.pop(rel, None)
        self.stamps.pop(rel, None)
        self.placed.discard(rel)

    def _count(self, unchanged: bool, rel: str) -> None:
        if unchanged:
            self.unchanged += 1
        else:
            self.written += 1
        self.placed.add(rel)

    def prune(self, keep: Callable[[str], bool]) -> None:
        """Remove what the spare had that the new site will not: before anything reads
        the staging folder as the new site (the search indexer reads its pages)."""
        for rel in sorted(rel for rel in self.base if not keep(rel)):
            _remove(self.folder, rel)
            del self.base[rel]

    def commit(self, hashes: Mapping[str, str]) -> WriteResult:
        """Drop what the spare had that the new site has not, carry over files that are
        not ours, write the manifest, swap the folders."""
        stale = [rel for rel in hashes if rel not in self.placed]
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
        swap(self.folder, output, self.spare if self.previous else None)
        if self.records is not None and folders is not None:
            live, spare = self.records
            with contextlib.suppress(OSError):  # the live site's record goes with it
                os.replace(live, spare)
            with contextlib.suppress(OSError):  # (no record: every folder is listed)
                replace(folders, manifest=manifest).save(live)
        if self.recording:
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

    def abort(self, stopped: bool = False) -> None:
        """Remove the half-made site. A build `stopped` (Ctrl-C, SIGTERM) must end at once,
        and deleting a big one takes seconds (12,000 pages: 9 to 18 s on a busy disk): it
        is renamed, as a leftover the next build would remove too, and deleted by a process
        of its own while this one exits."""
        folder = self.folder
        # (a small one goes at once, or its folders (folders_for) outlive the build a moment)
        if stopped and self.written + self.made >= SMALL_ABORT:
            with contextlib.suppress(OSError):
                gone = folder.with_name(f"{folder.name}-stopped")
                os.rename(folder, gone)
                folder = gone
                subprocess.Popen([*_DELETE, str(gone)], stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 start_new_session=True)  # (not stopped with this build)
                return
        shutil.rmtree(folder, ignore_errors=True)


SMALL_ABORT = 1000  # files and folders: a stopped build deletes fewer at once (Staging.abort)
_DELETE = ["rm", "-rf", "--"] if os.name == "posix" else [
    sys.executable, "-c", "import shutil, sys; shutil.rmtree(sys.argv[1], True)"]


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
