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
import errno
import os
from collections.abc import Mapping
from pathlib import Path

from .lock import hold, lock_file
from .manifest import (
    MANIFEST,
    OutputError,
    WriteResult,
    _ignored,
    _write_manifest,
    check_relative,
    read_manifest,
)
from .records import Stamps, _clock, _real_folders, _remove, _stamp, _stamp_records
from .staging import Staging


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
        except BaseException as err:
            staging.abort(stopped=isinstance(err, KeyboardInterrupt))
            raise


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
