"""New files and folders in the fewest system calls (a build writes one file a page)."""

from __future__ import annotations

import os


def create_file(target: str, data: bytes) -> os.stat_result | None:
    """Write a file where there is none yet, the common case in a staging folder, in the
    fewest system calls (a build writes one per page) -> its fstat; None, having written
    nothing, when anything is in the way (see staging._clear)."""
    try:
        try:
            descriptor = os.open(target, _NEW_FILE, 0o666)
        except FileNotFoundError:  # its folder is not made yet (Staging.folders_for)
            make_folder(os.path.dirname(target))
            descriptor = os.open(target, _NEW_FILE, 0o666)
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


_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC


def make_folder(folder: str) -> None:
    """A folder, and those it is in if need be (os.makedirs looks before each one)."""
    try:
        os.mkdir(folder)
    except FileExistsError:
        pass
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)
